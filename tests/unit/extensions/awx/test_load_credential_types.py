"""extensions/awx/load_credential_types.yml hands every credential type file to
awx.awx.credential_type unchanged: its injector templates reach AWX as written, not rendered by
Ansible. A stand-in awx.awx collection records what the module receives."""

import glob
import json
import os
import subprocess
import sys

import yaml

from tests.conftest import COLLECTIONS_ROOT, REPO_ROOT

PLAYBOOK = os.path.join(REPO_ROOT, "extensions", "awx", "load_credential_types.yml")
# The real module's argument spec (awx.awx credential_type), recording its params instead of calling AWX.
FAKE_MODULE = '''#!/usr/bin/python
import json, os
from ansible.module_utils.basic import AnsibleModule
module = AnsibleModule(argument_spec=dict(
    name=dict(required=True), description=dict(), kind=dict(choices=["ssh", "vault", "net", "scm", "cloud", "insights"]),
    inputs=dict(type="dict"), injectors=dict(type="dict"), state=dict(choices=["present", "absent"], default="present")))
with open(os.environ["SECRETOPS_FAKE_AWX_LOG"], "a") as log:
    log.write(json.dumps(module.params) + "\\n")
module.exit_json(changed=True)
'''


def test_each_type_file_reaches_the_module_as_written(tmp_path):
    modules = tmp_path / "collections" / "ansible_collections" / "awx" / "awx" / "plugins" / "modules"
    modules.mkdir(parents=True)
    (modules / "credential_type.py").write_text(FAKE_MODULE)
    log = tmp_path / "calls.jsonl"
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH="%s:%s" % (tmp_path / "collections", COLLECTIONS_ROOT), SECRETOPS_FAKE_AWX_LOG=str(log),
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    run = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), PLAYBOOK], env=env, cwd=str(tmp_path),
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    expected = []
    for path in sorted(glob.glob(os.path.join(REPO_ROOT, "extensions", "awx", "credential_types", "*.yml"))):
        with open(path) as handle:
            expected.append(dict(yaml.safe_load(handle), state="present"))
    assert calls == expected
    assert calls[0]["injectors"]["env"]["VAULT_ADDR"] == "{{ vault_addr }}"
