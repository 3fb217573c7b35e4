"""Helpers of the encryption-at-rest tests: the plugin binary, raw etcd reads (independent of the
collection's verifier), and runs of the collection's encryption_at_rest playbook on the local cluster."""

import base64
import json
import os
import ssl
import subprocess
import sys
import urllib.request
import uuid

import yaml

from tests.conftest import REPO_ROOT
from tests.integration.ansible_run import run_ansible_playbook
from tools.cluster.state import etcd_options

KMS_PREFIX = b"k8s:enc:kms:v2:"
PROVIDER = "vault-transit"


def plugin_binary():
    """The KMS plugin of this tree, built if missing (seconds; cached by tools/cluster/build.py)."""
    built = subprocess.run([sys.executable, os.path.join(REPO_ROOT, "tools", "cluster", "build.py"), "--only", "kms"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=True)
    return built.stdout.strip().splitlines()[-1]


def etcd_role_vars(etcd):
    """The same options as the encryption_at_rest role takes them."""
    return {"encryption_at_rest_" + key: value for key, value in etcd.items()}


def _etcd_call(etcd, method, body):
    """One call of etcd's JSON gateway (byte strings in ``body`` sent in base64, as it wants them)."""
    context = ssl.create_default_context(cafile=etcd["etcd_ca_cert"])
    context.load_cert_chain(etcd["etcd_client_cert"], etcd["etcd_client_key"])
    data = json.dumps(dict((name, base64.b64encode(value).decode()) for name, value in body.items())).encode()
    with urllib.request.urlopen(urllib.request.Request(etcd["etcd_url"] + "/v3/kv/" + method, data=data), timeout=30,
                                context=context) as response:
        return json.loads(response.read())


def _under(prefix):
    return {"key": prefix, "range_end": prefix[:-1] + bytes([prefix[-1] + 1])}


def etcd_values(etcd, prefix):
    """{key: value} of every etcd key under ``prefix`` (bytes); ``etcd`` is ``etcd_options(cluster)``."""
    answer = _etcd_call(etcd, "range", _under(prefix))
    return dict((base64.b64decode(kv["key"]), base64.b64decode(kv.get("value", ""))) for kv in answer.get("kvs", []))


def etcd_delete_prefix(etcd, prefix):
    """Delete every etcd key under ``prefix`` (bytes); the number deleted."""
    return int(_etcd_call(etcd, "deleterange", _under(prefix)).get("deleted", 0))


def etcd_put(etcd, key, value):
    """Write ``value`` at ``key`` (bytes) directly into etcd, as a test's stand-in for an object no API serves."""
    _etcd_call(etcd, "put", {"key": key, "value": value})


def stored_secret(etcd, namespace, name):
    return etcd_values(etcd, ("/registry/secrets/%s/%s" % (namespace, name)).encode()).get(
        ("/registry/secrets/%s/%s" % (namespace, name)).encode())


class Encryption(object):
    """The local cluster's encryption settings for the role, and playbook runs with them."""

    def __init__(self, cluster, env, workdir):
        self.etcd = etcd_options(cluster)
        self.config_path = cluster["encryption_config"]
        self.env = env
        self.plugin_dir = os.path.join(workdir, "kms")
        self.binary = plugin_binary()
        # A key of its own per session: a key left rotated by an earlier run does not change what this one expects.
        self.key_name = "kubernetes-etcd-" + uuid.uuid4().hex[:8]
        self.vars_path = os.path.join(workdir, "vars.yml")

    def role_vars(self, **extra):
        values = {
            "secretops_kms_plugin_binary": self.binary,
            "encryption_at_rest_plugin_runner": "process",
            "encryption_at_rest_plugin_dir": self.plugin_dir,
            "encryption_at_rest_socket": os.path.join(self.plugin_dir, "kms.sock"),
            "encryption_at_rest_key_name": self.key_name,
            "encryption_at_rest_config_path": self.config_path,
            "encryption_at_rest_wait_timeout": 150,
        }
        values.update(etcd_role_vars(self.etcd))
        values.update(extra)
        return values

    def run(self, **extra):
        with open(self.vars_path, "w") as handle:
            yaml.safe_dump(self.role_vars(**extra), handle)
        return run_ansible_playbook("secretops.provisioning.encryption_at_rest", ["-e", "@" + self.vars_path], env=self.env,
                                    cwd=REPO_ROOT, timeout=600)

    def key_id(self, version):
        return "transit/%s:v%d" % (self.key_name, version)

    def plugin_pid(self):
        with open(os.path.join(self.plugin_dir, "plugin.pid")) as handle:
            return int(handle.read())
