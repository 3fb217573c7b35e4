"""Every service that builds a Vault path from options refuses a '..', '.' or empty segment, naming the option, before any request."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.delivery import database as database_delivery
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import (
    database_roles, k8s_auth, kv, leases, mounts, pki_ca, pki_role,
)
from ansible_collections.secretops.provisioning.plugins.module_utils.delivery.pki import ensure_certificate

from ..k8s.fakes import FakeApiServer
from .fakes import FakeVaultApi

ESCAPE = "../../database/rotate-root/x"


def _pki_request(**changes):
    request = dict(name="web-tls", namespace="shop", mount_point="pki", role="web", common_name="web.example.com",
                   alt_names=[], ip_sans=[], ttl="1h", renew_before="30%", include_ca=False, revoke_replaced=False)
    request.update(changes)
    return request


def _db_spec(**changes):
    spec = {"name": "db", "namespace": "shop", "type": "basic-auth", "mapping": {}, "mount_point": "database", "role": "app",
            "role_type": "dynamic", "ttl": None, "revoke_replaced": False, "renew_token": True,
            "renew_before": leases.parse_renew_before("33%")}
    spec.update(changes)
    return spec


CALLS = [
    ("role", lambda vault, k8s: ensure_certificate(vault, k8s, _pki_request(role=ESCAPE))),
    ("role", lambda vault, k8s: ensure_certificate(vault, k8s, _pki_request(role=".."))),
    ("mount_point", lambda vault, k8s: ensure_certificate(vault, k8s, _pki_request(mount_point="pki/../database"))),
    ("role", lambda vault, k8s: database_delivery.deliver_dynamic(vault, k8s, _db_spec(role=".."))),
    ("mount_point", lambda vault, k8s: database_delivery.deliver_dynamic(vault, k8s, _db_spec(mount_point="database//x"))),
    ("role", lambda vault, k8s: database_delivery.deliver_static(vault, k8s, _db_spec(role=".", role_type="static"))),
    ("name", lambda vault, k8s: database_roles.ensure_role(vault, "database", "..", {})),
    ("mount_path", lambda vault, k8s: k8s_auth.ensure_role(vault, "kubernetes/..", "app", {})),
    ("name (the role name)", lambda vault, k8s: k8s_auth.ensure_role(vault, "kubernetes", "..", {})),
    ("name (the PKI role name)", lambda vault, k8s: pki_role.ensure_role(vault, "pki", "../x", {})),
    ("mount_point", lambda vault, k8s: pki_ca.ensure_urls(vault, "pki/..", {"issuing_certificates": ["x"]})),
    ("path", lambda vault, k8s: mounts.ensure_mount(vault, mounts.ENGINES, "a/../sys", "kv", {})),
    ("path", lambda vault, k8s: kv.write_secret(vault, "app/../../sys/policies/acl/x", {"k": "v"}, mount_point="secret")),
    ("mount_point", lambda vault, k8s: kv.describe_secret(vault, "app", mount_point="secret/..")),
]


@pytest.mark.parametrize("option, call", CALLS)
def test_a_path_option_that_leads_elsewhere_is_refused_before_any_request(option, call):
    vault, k8s = FakeVaultApi(), FakeApiServer()
    with pytest.raises(SecretOpsError) as error:
        call(vault, k8s)
    assert str(error.value).startswith(option) and vault.sent == []
