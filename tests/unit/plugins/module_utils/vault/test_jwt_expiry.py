"""vault/jwt_expiry.py: the exp claim of a JWT, read without verifying it; anything else has none."""

import base64
import json

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.vault import jwt_expiry


def _jwt(claims, header="eyJhbGciOiJSUzI1NiJ9"):
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return "%s.%s.c2lnbmF0dXJl" % (header, payload)


def test_the_exp_claim_is_read_without_verification():
    assert jwt_expiry.expiry(_jwt({"sub": "system:serviceaccount:vault:reviewer", "exp": 1796641200, "iat": 1796637600})) == 1796641200
    assert jwt_expiry.expiry(" %s\n" % _jwt({"exp": 1796641200.7})) == 1796641200
    assert jwt_expiry.as_text(1796641200) == "2026-12-07T11:00:00Z"


@pytest.mark.parametrize("token", [
    None, "", "not-a-jwt", "a.b", "a.b.c.d", "x.!!!.y", _jwt([1, 2]), _jwt({"sub": "no exp"}), _jwt({"exp": "tomorrow"}),
    _jwt({"exp": True}), _jwt({"exp": -1}), _jwt({"exp": 10 ** 20}),
    "eyJhbGciOiJSUzI1NiJ9.%s.sig" % base64.urlsafe_b64encode(b"\xff\xfe").decode(),
])
def test_anything_without_a_usable_exp_has_no_expiry(token):
    assert jwt_expiry.expiry(token) is None
