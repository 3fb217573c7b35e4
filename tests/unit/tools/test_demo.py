"""tools/demo.py: the demo starts only what it shows, and its example vars raise no warning of their own."""

import json
import os
import sys

import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, REPO_ROOT)

from tools import demo  # noqa: E402  pylint: disable=wrong-import-position


def _flavors_of_up(monkeypatch):
    seen = {}

    def check_call(command, env=None, **_kwargs):
        seen["command"], seen["flavors"] = command, (env or os.environ).get("SECRETOPS_VAULT_FLAVORS")
        return 0

    monkeypatch.setattr(demo.subprocess, "check_call", check_call)
    monkeypatch.setattr(demo.subprocess, "check_output", lambda *args, **kwargs: json.dumps({"vault_addr": "x"}).encode())
    demo.local_env()
    assert seen["command"][-1] == "up"
    return seen["flavors"]


def test_demo_starts_openbao_only(monkeypatch):
    # HashiCorp Vault (a long build on a cold machine) is for make test: the demo shows OpenBao.
    monkeypatch.delenv("SECRETOPS_VAULT_FLAVORS", raising=False)
    assert _flavors_of_up(monkeypatch) == "openbao"


def test_demo_flavors_can_be_chosen(monkeypatch):
    monkeypatch.setenv("SECRETOPS_VAULT_FLAVORS", "openbao,vault")
    assert _flavors_of_up(monkeypatch) == "openbao,vault"


def test_example_applications_set_an_audience():
    # Without one, vault_k8s_auth_role rightly warns that any token of the account is accepted.
    for path in ("examples/demo/vars.yml", "examples/fleet/group_vars/fleet.yml"):
        with open(os.path.join(REPO_ROOT, path)) as handle:
            applications = yaml.safe_load(handle)["secretops_applications"]
        assert applications and all(application.get("audience") for application in applications), path
