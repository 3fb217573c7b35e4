"""The main job behind ``make demo``: bring up the local environment and run the collection's
playbooks on the sample application in ``examples/demo``.

Steps: start (or reuse) the real local control plane, OpenBao and PostgreSQL; bootstrap Vault's
Kubernetes auth; configure Vault's PKI and database engines (examples/demo/engines.yml); provision
the demo app's secrets (Vault KV -> typed Kubernetes Secrets, shop-tls issued by PKI, shop-db a
PostgreSQL login made by the database engine); log in to PostgreSQL with shop-db's values; deploy
the app that consumes them on the real node (the consumer app: it logs in to PostgreSQL with
shop-db every 200 ms and serves HTTPS with shop-tls); rotate every secret (static ones in Vault
first, then the Secrets; the certificate and the database credentials re-issued; one verified
restart of the consumers; the replaced certificate and credentials revoked after the healthy
rollout) while watching every pod's logins; show how many logins failed during the rotation, the
certificate serial served before and after, and that the replaced credentials are refused; print
what was provisioned and the rotation's audit report; end with the read-only audit's summary
(secretops.provisioning.audit); turn encryption at rest on for the cluster with the collection's
own role (KMS v2 through an OpenBao Transit key), showing from etcd how the Secrets are stored before,
after, and after a key rotation (k8s_encryption_info: counts per provider and key id, nothing
decrypted). No value is printed.
"""

import base64
import glob
import json
import os
import secrets
import string
import subprocess
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO_ROOT)

# Importing it links the working tree as the collection.
from tests.conftest import COLLECTIONS_ROOT  # noqa: E402  pylint: disable=wrong-import-position
from tools.cluster.state import etcd_options  # noqa: E402  pylint: disable=wrong-import-position

BIN = os.path.dirname(sys.executable)
DEMO = os.path.join(REPO_ROOT, "examples", "demo")
REPORT_DIR = os.path.join(REPO_ROOT, ".build", "demo-reports")


def say(text):
    print("\n==> %s" % text, flush=True)


def local_env():
    """Start (or reuse) the local environment. The demo uses OpenBao only, so unless
    SECRETOPS_VAULT_FLAVORS says otherwise HashiCorp Vault is neither built nor started (make test
    builds and starts it; an environment already running with it is reused as it is)."""
    env = dict(os.environ, SECRETOPS_VAULT_FLAVORS=os.environ.get("SECRETOPS_VAULT_FLAVORS", "openbao"))
    subprocess.check_call([sys.executable, os.path.join(REPO_ROOT, "tools", "cluster", "localenv.py"), "up"], env=env)
    output = subprocess.check_output([sys.executable, os.path.join(REPO_ROOT, "tools", "cluster", "localenv.py"), "env", "--json"])
    return json.loads(output)


def environment(state):
    env = dict(os.environ)
    postgres = state["postgres"]
    env.update(
        {
            "DEMO_PG_HOST": postgres["host"],
            "DEMO_PG_PORT": str(postgres["port"]),
            "DEMO_PG_USER": postgres["superuser"],
            "DEMO_PG_PASSWORD": postgres["password"],
        }
    )
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
    """Run a collection playbook (``rotate``) or a demo one (``examples/demo/engines.yml``) on the demo vars."""
    target = name if name.endswith(".yml") else "secretops.provisioning.%s" % name
    say("ansible-playbook %s -e @examples/demo/vars.yml %s" % (target, " ".join(extra)))
    started = time.time()
    subprocess.check_call(
        [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local",
         target, "-e", "@" + os.path.join(DEMO, "vars.yml")] + list(extra),
        env=env, cwd=REPO_ROOT,
    )
    print("    (%.1f s)" % (time.time() - started), flush=True)


def kubectl(env, *args):
    return subprocess.check_output(["kubectl"] + list(args), env=env, text=True)


def secret_values(env, name):
    """The decoded data of a demo Secret; the values stay in this process, never printed."""
    secret = json.loads(kubectl(env, "-n", "demo-shop", "get", "secret", name, "-o", "json"))
    return dict((key, base64.b64decode(value).decode()) for key, value in (secret.get("data") or {}).items())


def psql(state, credentials, sql):
    """Run ``sql`` with the real psql client as ``credentials`` (the password travels in PGPASSWORD)."""
    postgres = state["postgres"]
    env = dict(os.environ, PGPASSWORD=credentials["password"], PGCONNECT_TIMEOUT="5")
    return subprocess.run(
        [os.path.join(postgres["bin_dir"], "psql"), "-h", postgres["host"], "-p", str(postgres["port"]), "-U", credentials["username"],
         "-d", postgres["database"], "-X", "-A", "-t", "-c", sql],
        env=env, capture_output=True, text=True, check=False, timeout=60,
    )


def list_databases(state, credentials, label):
    """Log in as ``credentials`` and list the databases; True when PostgreSQL accepted the login."""
    done = psql(state, credentials, "SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY datname")
    if done.returncode == 0:
        print("    %s: logged in as %s; databases: %s" % (label, credentials["username"], ", ".join(done.stdout.split())))
        return True
    error = (done.stderr.strip().splitlines() or ["(no message)"])[-1].replace(credentials["password"], "***")
    print("    %s: login as %s refused: %s" % (label, credentials["username"], error))
    return False


def audit(env):
    """Run the read-only audit playbook on the demo namespace and print its summary (the Markdown page up to the namespaces)."""
    before = set(glob.glob(os.path.join(REPORT_DIR, "*.audit.md")))
    playbook("audit", env, "-e", json.dumps({"secretops_audit_namespaces": ["demo-shop"]}))
    say("audit summary (drift, who can read, hygiene; the whole report in the files below)")
    for path in sorted(set(glob.glob(os.path.join(REPORT_DIR, "*.audit.md"))) - before):
        with open(path) as handle:
            print(handle.read().split("\n## Namespace ", 1)[0])
        print("Reports: %s, .json, .html" % os.path.relpath(path, REPO_ROOT))


def encryption_census(env, cluster, when):
    """Print how the cluster's Secrets are stored in etcd (k8s_encryption_info reads the envelopes' headers)."""
    command = [os.path.join(BIN, "ansible"), "localhost", "-i", "localhost,", "-c", "local", "-m",
               "secretops.provisioning.k8s_encryption_info", "-a", json.dumps(etcd_options(cluster))]
    # The ad-hoc command's minimal output: "localhost | SUCCESS => {...the module's result...}".
    output = subprocess.check_output(command, env=dict(env, ANSIBLE_LOAD_CALLBACK_PLUGINS="1", ANSIBLE_STDOUT_CALLBACK="minimal"),
                                     cwd=REPO_ROOT, text=True)
    secrets_stored = json.loads(output.split("=>", 1)[1])["resources"]["secrets"]
    under = ", ".join("%d under %s" % (count, key_id) for key_id, count in sorted(secrets_stored["key_ids"].items())) or "none sealed"
    print("    %s: %d Secrets in etcd, %d plaintext; %s" % (when, secrets_stored["total"], secrets_stored["plaintext"], under), flush=True)


def encryption_at_rest(env, state):
    """The encryption_at_rest playbook on the local cluster: the KMS v2 plugin as a process beside it,
    its EncryptionConfiguration the one the local kube-apiserver reloads; then a Transit key rotation."""
    from tools.cluster import build  # pylint: disable=import-outside-toplevel

    cluster = state["clusters"][0]
    plugin_dir = os.path.join(os.path.dirname(cluster["encryption_config"]), "kms-demo")
    settings = {
        "secretops_kms_plugin_binary": build.ensure_kms(), "encryption_at_rest_plugin_runner": "process",
        "encryption_at_rest_plugin_dir": plugin_dir, "encryption_at_rest_socket": os.path.join(plugin_dir, "kms.sock"),
        "encryption_at_rest_config_path": cluster["encryption_config"],
    }
    settings.update(("encryption_at_rest_" + key, value) for key, value in etcd_options(cluster).items())
    say("encryption at rest: Secrets sit in etcd in plaintext until the apiserver seals them; "
        "turn on KMS v2 through an OpenBao Transit key, migrate, then rotate the key")
    encryption_census(env, cluster, "before")
    playbook("encryption_at_rest", env, "-e", json.dumps(settings))
    encryption_census(env, cluster, "after")
    playbook("encryption_at_rest", env, "-e", json.dumps(dict(settings, secretops_encryption_rotate=True)))
    encryption_census(env, cluster, "after a key rotation")


def app_manifest(state):
    """examples/demo/app.yml with the real node's consumer image and PostgreSQL's address on the node's bridge."""
    with open(os.path.join(DEMO, "app.yml")) as handle:
        template = string.Template(handle.read())
    postgres = state["postgres"]
    return template.substitute(consumer_image=state["node"]["images"]["consumer"], pg_host=postgres["pod_host"],
                               pg_port=postgres["port"], pg_database=postgres["database"], digest_key=secrets.token_hex(16))


def shop_pods(api):
    """The Ready pods of shop-web and their counters (logins, the serial served; never a value)."""
    from kubernetes import client as k8s_client  # pylint: disable=import-outside-toplevel
    from tests.integration.real_node_support import counters  # pylint: disable=import-outside-toplevel
    pods = k8s_client.CoreV1Api(api).list_namespaced_pod("demo-shop", label_selector="app=shop-web").items
    return [(pod, counters(pod)) for pod in pods if pod.status.pod_ip and not pod.metadata.deletion_timestamp
            and any(c.type == "Ready" and c.status == "True" for c in pod.status.conditions or [])]


def show_pods(api, label):
    """Print each Ready shop-web pod's logins with shop-db and the serial it serves (a TLS handshake); return the serials."""
    from tests.integration.real_node_support import served_serial  # pylint: disable=import-outside-toplevel
    serials = set()
    for pod, seen in shop_pods(api):
        serial = ":".join("%02x" % byte for byte in served_serial(pod.status.pod_ip).to_bytes(20, "big").lstrip(b"\0"))
        serials.add(serial)
        print("    %s %s: %d logins to PostgreSQL with shop-db ok, %d failed; serves certificate serial %s"
              % (label, pod.metadata.name, seen["logins_ok"], seen["logins_failed"], serial))
    return serials


def rotate_watched(state, env):
    """Rotate (dynamic secrets forced) while every shop-web pod's logins are read every 200 ms; print the counts."""
    from kubernetes import config as k8s_config  # pylint: disable=import-outside-toplevel
    from tests.integration.real_node_support import Watch  # pylint: disable=import-outside-toplevel
    api = k8s_config.new_client_from_config(config_file=state["kubeconfig"])
    serials_before = show_pods(api, "before:")
    with Watch(api, "demo-shop") as watch:
        # Forced: the certificate and the database credentials are re-issued although not yet due.
        playbook("rotate", env, "-e", "secretops_force_dynamic=true")
    kubectl(env, "-n", "demo-shop", "rollout", "status", "deployment/shop-web", "--timeout=120s")
    say("during the rotation (%d pods watched every 200 ms, old and new): %d logins ok, %d logins failed"
        % (len(watch.pods), watch.logins(), sum(watch.failed_logins().values())))
    serials_after = show_pods(api, "after: ")
    before, after = (", ".join(sorted(serial for serial in serials if serial)) for serials in (serials_before, serials_after))
    print("    certificate serial served before: %s; after: %s" % (before, after))
    api.close()
    if watch.failed_logins():
        raise SystemExit("logins failed during the rotation: %s" % watch.failed_logins())


def main():
    say("starting the local environment (real kube-apiserver, controller-manager, scheduler, etcd, kwok node, a real node, OpenBao)")
    state = local_env()
    env = environment(state)
    print("    apiserver %s, OpenBao %s" % (state["api_server"], state["vault_addr"]))

    playbook("bootstrap_vault_auth", env)
    playbook(os.path.join(DEMO, "engines.yml"), env)
    playbook("provision", env)

    say("shop-db holds a PostgreSQL login made by Vault's database engine: log in with the Secret's values (psql)")
    before_rotation = secret_values(env, "shop-db")
    if not list_databases(state, before_rotation, "shop-db"):
        raise SystemExit("the credentials in shop-db do not log in to PostgreSQL")

    say("deploying the sample app on the real node: it consumes the four Secrets (env, envFrom, volume, imagePullSecrets), "
        "logs in to PostgreSQL with shop-db every 200 ms and serves HTTPS with shop-tls")
    subprocess.run(["kubectl", "apply", "-f", "-"], input=app_manifest(state), env=env, text=True, check=True, stdout=subprocess.DEVNULL)
    kubectl(env, "-n", "demo-shop", "rollout", "status", "deployment/shop-web", "--timeout=120s")

    say("what was provisioned (Secret types and their Vault sources; values are never printed)")
    print(kubectl(env, "-n", "demo-shop", "get", "secrets", "-o",
                  "custom-columns=NAME:.metadata.name,TYPE:.type,VAULT:.metadata.annotations.secretops\\.io/vault-path,"
                  "VERSION:.metadata.annotations.secretops\\.io/vault-version,SERIAL:.metadata.annotations.secretops\\.io/pki-serial,"
                  "LEASE-END:.metadata.annotations.secretops\\.io/vault-lease-end"))

    os.makedirs(REPORT_DIR, exist_ok=True)
    before = set(glob.glob(os.path.join(REPORT_DIR, "*")))
    rotate_watched(state, env)

    say("rotation audit report")
    new_reports = sorted(set(glob.glob(os.path.join(REPORT_DIR, "*"))) - before)
    for path in new_reports:
        if not path.endswith(".json"):
            print("--- %s" % os.path.relpath(path, REPO_ROOT))
            with open(path) as handle:
                print(handle.read())
    print("JSON report(s): %s" % ", ".join(os.path.relpath(p, REPO_ROOT) for p in new_reports if p.endswith(".json")))
    print(kubectl(env, "-n", "demo-shop", "get", "deployment", "shop-web"))

    say("after the healthy rollout the replaced database credentials were revoked: PostgreSQL refuses them")
    after_rotation = secret_values(env, "shop-db")
    if not list_databases(state, after_rotation, "new shop-db"):
        raise SystemExit("the rotated credentials in shop-db do not log in to PostgreSQL")
    if list_databases(state, before_rotation, "replaced shop-db"):
        raise SystemExit("the replaced credentials still log in after the rotation")
    audit(env)
    encryption_at_rest(env, state)
    say("done. The environment keeps running: `make env-down` stops it; "
        "eval \"$(.venv/bin/python tools/cluster/localenv.py env)\" to use kubectl and bao against it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
