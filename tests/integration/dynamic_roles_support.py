"""Shared bits of the role tests with dynamic secrets: a PKI mount and a database engine on the real
servers, an application whose secrets come from them, and playbook runs with extra arguments."""

import base64
import os
import subprocess
import tempfile

import yaml
from kubernetes import client as k8s_client

from tests.conftest import REPO_ROOT
from tests.integration.ansible_run import run_ansible_playbook, run_tasks
from tests.integration.database_it_helpers import connection_task, enable_engine, role_task
from tests.integration.vault_it_helpers import task, unique


def make_engines(local_env, vault_client):
    """A root PKI mount with role ``web`` (``*.dyn.test``) and a database engine wired to the local PostgreSQL with role ``app``."""
    pki = unique("dyn-pki")
    vault_client.sys.enable_secrets_engine("pki", path=pki, config={"max_lease_ttl": "87600h"})
    database = enable_engine(vault_client)
    run_tasks([
        task("root", "vault_pki_ca", mount_point=pki, common_name="Dyn Root " + pki, ttl="87600h", key_type="ec", key_bits=256),
        task("role", "vault_pki_role", mount_point=pki, name="web", allowed_domains=["dyn.test"], allow_subdomains=True,
             key_type="ec", key_bits=256, ttl="1h", max_ttl="24h"),
        connection_task(local_env.postgres, database),
        role_task(database, "app", default_ttl="5m", max_ttl="30m"),
    ], env=local_env.env).assert_ok()
    return {"pki": pki, "database": database}


def drop_engines(vault_client, engines):
    for path in engines.values():
        vault_client.sys.disable_secrets_engine(path)


def dynamic_app(namespace, engines, auth_mount="kubernetes", renew_before=None, db_renew_before=None):
    """Vars for the playbooks: one application with a KV secret, a PKI certificate and database credentials."""
    pki = {"mount": engines["pki"], "role": "web", "common_name": "web.dyn.test", "alt_names": ["www.dyn.test"], "ttl": "1h",
           "include_ca": True}
    if renew_before:
        pki["renew_before"] = renew_before
    database = {"mount": engines["database"], "role": "app"}
    if db_renew_before:
        database["renew_before"] = db_renew_before
    return {
        "secretops_auth_mount_path": auth_mount,
        "secretops_applications": [{
            "name": namespace, "namespace": namespace, "service_account": "app",
            "secrets": [
                {"name": "config", "vault_path": "it/%s/config" % namespace, "values": {"MODE": "test"}},
                {"name": "web-tls", "type": "tls", "pki": pki},
                {"name": "db", "type": "basic-auth", "database": database},
            ],
        }],
    }


def run_playbook_with(name, extra_vars, env, extra_args=(), timeout=600):
    """``ansible-playbook secretops.provisioning.<name> -e @vars <extra_args>``; ``report_dir`` holds the audit reports."""
    report_dir = tempfile.mkdtemp(prefix="secretops-reports-")
    path = os.path.join(REPO_ROOT, ".build", "vars-dyn-%s-%s.yml" % (name, os.getpid()))
    with open(path, "w") as handle:
        yaml.safe_dump(extra_vars, handle)
    try:
        run = run_ansible_playbook("secretops.provisioning.%s" % name, ["-e", "@" + path] + list(extra_args),
                                   env=dict(env or {}, SECRETOPS_REPORT_DIR=report_dir), timeout=timeout, cwd=REPO_ROOT)
    finally:
        os.unlink(path)
    run.report_dir = report_dir
    return run


def read_secret(k8s_api, namespace, name):
    """(Secret, {key: decoded text}), or (None, {}) when it does not exist."""
    try:
        secret = k8s_client.CoreV1Api(k8s_api).read_namespaced_secret(name, namespace)
    except k8s_client.ApiException as exc:
        if exc.status == 404:
            return None, {}
        raise
    return secret, dict((key, base64.b64decode(value).decode()) for key, value in (secret.data or {}).items())


def openssl_verify(ca_pem, chain_pem):
    """``openssl verify`` of the leaf of ``chain_pem`` against ``ca_pem`` (the rest of the chain untrusted)."""
    blocks = ["-----BEGIN CERTIFICATE-----" + block for block in chain_pem.split("-----BEGIN CERTIFICATE-----")[1:]]
    with tempfile.TemporaryDirectory() as directory:
        paths = {}
        for label, text in (("ca", ca_pem), ("leaf", blocks[0]), ("rest", "".join(blocks[1:]) or ca_pem)):
            paths[label] = os.path.join(directory, label + ".pem")
            with open(paths[label], "w") as handle:
                handle.write(text)
        return subprocess.run(["openssl", "verify", "-CAfile", paths["ca"], "-untrusted", paths["rest"], paths["leaf"]],
                              capture_output=True, text=True, check=False)
