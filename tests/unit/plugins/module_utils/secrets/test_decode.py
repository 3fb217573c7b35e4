"""Decoding a Secret's data to text and back."""

import base64

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.decode import decode_data, encode_data, split_text_and_binary


def b64(raw):
    return base64.b64encode(raw if isinstance(raw, bytes) else raw.encode()).decode()


def test_decode_data():
    assert decode_data({"a": b64("x"), "b": b64("é")}) == {"a": "x", "b": "é"}
    assert decode_data(None) == {}
    with pytest.raises(SecretOpsError, match="key 'bin' holds binary content"):
        decode_data({"bin": b64(b"\xff\xfe")})
    with pytest.raises(SecretOpsError, match="key 'k' is not base64"):
        decode_data({"k": "***"})
    assert split_text_and_binary({"a": b64("x"), "bin": b64(b"\xff")}) == ({"a": "x"}, {"bin": b64(b"\xff")})


def test_encode_data_is_the_inverse_of_decode_data():
    text = {"a": "x", "b": "é", "empty": ""}
    assert encode_data(text) == {"a": b64("x"), "b": b64("é"), "empty": ""}
    assert decode_data(encode_data(text)) == text and encode_data(None) == {}
