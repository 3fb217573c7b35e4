"""Secret type names: short forms, any case, and custom types pass through."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.secrets import types


@pytest.mark.parametrize("given, expected", [
    (None, "Opaque"), ("", "Opaque"), ("opaque", "Opaque"), ("Opaque", "Opaque"), ("OPAQUE", "Opaque"),
    ("dockerconfigjson", "kubernetes.io/dockerconfigjson"), ("dockercfg", "kubernetes.io/dockercfg"),
    ("tls", "kubernetes.io/tls"), ("TLS", "kubernetes.io/tls"), ("basic-auth", "kubernetes.io/basic-auth"),
    ("ssh-auth", "kubernetes.io/ssh-auth"), ("service-account-token", "kubernetes.io/service-account-token"),
    ("bootstrap-token", "bootstrap.kubernetes.io/token"), ("kubernetes.io/tls", "kubernetes.io/tls"),
    ("example.com/custom", "example.com/custom"),
])
def test_normalize_type(given, expected):
    assert types.normalize_type(given) == expected
