"""Lookups read an empty environment variable (what an AWX credential type injects for a blank
input) as unset, through Ansible's real plugin loader and option system.

Each case runs in its own interpreter: the plugin loader installs Ansible's collection finder,
which must not take over the imports of the other unit tests.
"""

import json
import os
import subprocess
import sys

from tests.conftest import COLLECTIONS_ROOT, REPO_ROOT

# Loads the lookup through the plugin loader, stops it where it would open its client, prints the params.
PROBE = r"""
import json, sys
from ansible.plugins.loader import init_plugin_loader, lookup_loader
init_plugin_loader([sys.argv[1]])
name, direct = sys.argv[2], json.loads(sys.argv[3])
lookup = lookup_loader.get("secretops.provisioning." + name)
module = sys.modules[type(lookup).__module__]
class Stop(Exception):
    pass
def stop(params, *args):
    print(json.dumps(params))
    raise Stop()
setattr(module, "vault_session" if name == "vault_kv" else "lookup_secret_values", stop)
try:
    lookup.run(["secret/x"], variables={}, **direct)
except Stop:
    pass
"""


def _params(name, env, **direct):
    clean = dict((key, value) for key, value in os.environ.items() if not key.startswith(("VAULT_", "K8S_AUTH_")))
    clean.update(env)
    out = subprocess.run([sys.executable, "-c", PROBE, COLLECTIONS_ROOT, name, json.dumps(direct)], env=clean, cwd=REPO_ROOT,
                         capture_output=True, text=True, check=True, timeout=120).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_empty_vault_env_variables_are_unset_and_set_ones_are_read():
    params = _params("vault_kv", {"VAULT_ADDR": "https://vault.example.test:8200", "VAULT_CACERT": "", "VAULT_JWT_FILE": "",
                                  "VAULT_NAMESPACE": "", "VAULT_AUTH_MOUNT_PATH": "", "VAULT_AUTH_ROLE": "ci"})
    # Before: ca_cert and jwt_file were the current directory (Ansible resolves an empty path there).
    assert params["ca_cert"] is None and params["jwt_file"] is None
    assert params["namespace"] is None and params["auth_mount_path"] is None
    assert params["url"] == "https://vault.example.test:8200" and params["auth_role"] == "ci"


def test_a_path_from_the_environment_and_a_direct_option_are_kept(tmp_path):
    params = _params("vault_kv", {"VAULT_ADDR": "https://v.test", "VAULT_CACERT": str(tmp_path / "ca.pem"), "VAULT_JWT_FILE": ""},
                     jwt_file=str(tmp_path / "jwt"))
    assert params["ca_cert"] == str(tmp_path / "ca.pem") and params["jwt_file"] == str(tmp_path / "jwt")


def test_empty_k8s_env_variables_are_unset():
    params = _params("k8s_secret", {"K8S_AUTH_HOST": "https://k8s.example.test:6443", "K8S_AUTH_SSL_CA_CERT": "", "K8S_AUTH_KUBECONFIG": ""},
                     namespace="default")
    assert params["ca_cert"] is None and params["kubeconfig"] is None
    assert params["host"] == "https://k8s.example.test:6443"
