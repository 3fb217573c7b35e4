"""The main job behind ``make demo``: bring up the local environment and run the collection's
playbooks on the sample application in ``examples/demo``.

Steps: start (or reuse) the real local control plane and OpenBao; bootstrap Vault's Kubernetes
auth; provision the demo app's secrets (Vault KV -> typed Kubernetes Secrets); deploy the app that
consumes them; rotate every secret (Vault first, then the Secrets, then one verified restart of the
consumers); print what was provisioned and the rotation's audit report. No value is printed.
"""

import glob
import json
import os
import subprocess
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO_ROOT)

# Importing it links the working tree as the collection.
from tests.conftest import COLLECTIONS_ROOT  # noqa: E402  pylint: disable=wrong-import-position

BIN = os.path.dirname(sys.executable)
DEMO = os.path.join(REPO_ROOT, "examples", "demo")
REPORT_DIR = os.path.join(REPO_ROOT, ".build", "demo-reports")


def say(text):
    print("\n==> %s" % text, flush=True)


def local_env():
    subprocess.check_call([sys.executable, os.path.join(REPO_ROOT, "tools", "cluster", "localenv.py"), "up"])
    output = subprocess.check_output([sys.executable, os.path.join(REPO_ROOT, "tools", "cluster", "localenv.py"), "env", "--json"])
    return json.loads(output)


def environment(state):
    env = dict(os.environ)
    env.update(
        {
            "PATH": BIN + os.pathsep + env.get("PATH", ""),
            "KUBECONFIG": state["kubeconfig"],
            "K8S_AUTH_KUBECONFIG": state["kubeconfig"],
            "VAULT_ADDR": state["vault_addr"],
            "VAULT_TOKEN": state["vault_token"],
            "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_ROOT,
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "SECRETOPS_REPORT_DIR": REPORT_DIR,
        }
    )
    return env


def playbook(name, env, *extra):
    say("ansible-playbook secretops.provisioning.%s -e @examples/demo/vars.yml %s" % (name, " ".join(extra)))
    started = time.time()
    subprocess.check_call(
        [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local",
         "secretops.provisioning.%s" % name, "-e", "@" + os.path.join(DEMO, "vars.yml")] + list(extra),
        env=env, cwd=REPO_ROOT,
    )
    print("    (%.1f s)" % (time.time() - started), flush=True)


def kubectl(env, *args):
    return subprocess.check_output(["kubectl"] + list(args), env=env, text=True)


def main():
    say("starting the local environment (real kube-apiserver, controller-manager, scheduler, etcd, kwok node, OpenBao)")
    state = local_env()
    env = environment(state)
    print("    apiserver %s, OpenBao %s" % (state["api_server"], state["vault_addr"]))

    playbook("bootstrap_vault_auth", env)
    playbook("provision", env)

    say("deploying the sample app that consumes the four Secrets (env, envFrom, volume, imagePullSecrets)")
    kubectl(env, "apply", "-f", os.path.join(DEMO, "app.yml"))
    kubectl(env, "-n", "demo-shop", "rollout", "status", "deployment/shop-web", "--timeout=120s")

    say("what was provisioned (Secret types and their Vault sources; values are never printed)")
    print(kubectl(env, "-n", "demo-shop", "get", "secrets", "-o",
                  "custom-columns=NAME:.metadata.name,TYPE:.type,VAULT:.metadata.annotations.secretops\\.io/vault-path,"
                  "VERSION:.metadata.annotations.secretops\\.io/vault-version"))

    os.makedirs(REPORT_DIR, exist_ok=True)
    before = set(glob.glob(os.path.join(REPORT_DIR, "*")))
    playbook("rotate", env)

    say("rotation audit report")
    new_reports = sorted(set(glob.glob(os.path.join(REPORT_DIR, "*"))) - before)
    for path in new_reports:
        if not path.endswith(".json"):
            print("--- %s" % os.path.relpath(path, REPO_ROOT))
            with open(path) as handle:
                print(handle.read())
    print("JSON report(s): %s" % ", ".join(os.path.relpath(p, REPO_ROOT) for p in new_reports if p.endswith(".json")))
    print(kubectl(env, "-n", "demo-shop", "get", "deployment", "shop-web"))
    say("done. The environment keeps running: `make env-down` stops it; "
        "eval \"$(.venv/bin/python tools/cluster/localenv.py env)\" to use kubectl and bao against it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
