"""Every YAML block of the README and the guides that is meant to run runs against the local servers.

tests/doc_blocks.py finds the blocks and their markers. A file's blocks run in order, in one fresh
namespace (a guide's later blocks build on its earlier ones), on each Vault server. What the local
environment cannot be is replaced, and nothing else:

- the example addresses and paths (``https://vault.example.com:8200``, ``/etc/secretops/kubeconfig``,
  ``db.shop.svc:5432``) become the local servers';
- the example namespaces (``demo``, ``shop``, ``prod``, ``demo-shop``) become the test's namespace, the
  PKI mounts ``pki`` and ``pki_int`` mounts of the test's own; so do the application ``shop`` and its
  KV paths, and a vars file for the playbooks gets an auth mount of its own (shared servers);
- Vault Kubernetes auth (``auth_method: kubernetes``) becomes the server's root token from the
  environment, after checking that the options are ones the modules accept: a controller has no pod
  token here; tests/integration/test_vault_k8s_auth.py runs that login.

A ``module_defaults`` group is checked against every module of the group (``meta/runtime.yml``),
since a play only fails on a wrong option when it runs a module of that group.
"""

import functools
import json
import os
import re
import subprocess
import sys
import uuid

import hvac
import pytest
import yaml
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config

from tests import doc_blocks
from tests.conftest import REPO_ROOT
from tests.integration import database_it_helpers as dbh
from tests.integration.ansible_run import ansible_env, run_playbook, run_tasks
from tests.integration.test_roles_support import recap, run_collection_playbook

PLACEHOLDER_NAMESPACES = ("demo-shop", "demo", "shop", "prod")
COLLECTION = "secretops.provisioning."


@functools.lru_cache(maxsize=None)
def accepted_options(module):
    """The option names (aliases too) of a module of the collection, from ansible-doc."""
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-doc"), "-j", "-t", "module", COLLECTION + module],
                          env=ansible_env(), capture_output=True, text=True, check=True)
    options = json.loads(done.stdout)[COLLECTION + module]["doc"]["options"]
    names = set(options)
    for spec in options.values():
        names.update(spec.get("aliases") or ())
    return names


def action_groups():
    with open(os.path.join(REPO_ROOT, "meta", "runtime.yml")) as handle:
        return yaml.safe_load(handle)["action_groups"]


def module_defaults_problems(plays):
    problems = []
    groups = action_groups()
    for play in plays:
        for key, options in (play.get("module_defaults") or {}).items():
            if key.startswith("group/" + COLLECTION):
                modules = groups[key[len("group/" + COLLECTION):]]
            else:
                modules = [key[len(COLLECTION):]] if key.startswith(COLLECTION) else []
            for module in modules:
                unknown = sorted(set(options) - accepted_options(module))
                if unknown:
                    problems.append("%s: %s does not accept %s" % (key, module, ", ".join(unknown)))
    return problems


def localize_text(text, local_env, namespace, suffix):
    text = text.replace("https://vault.example.com:8200", local_env.vault_addr)
    text = text.replace("/etc/secretops/kubeconfig", local_env.kubeconfig)
    if local_env.postgres:
        text = text.replace("db.shop.svc:5432/postgres", "%s:%s/%s?sslmode=disable" % (
            local_env.postgres["host"], local_env.postgres["port"], local_env.postgres["database"]))
    names = "|".join(re.escape(name) for name in PLACEHOLDER_NAMESPACES)
    text = re.sub(r"(namespace:\s*)(%s)(?![\w-])" % names, r"\g<1>" + namespace, text)
    text = re.sub(r"(namespace=')(%s)'" % names, r"\g<1>" + namespace + "'", text)
    text = re.sub(r"^(\s*- name:\s*)shop$", r"\g<1>" + namespace, text, flags=re.M)
    text = re.sub(r"(vault_path:\s*)shop/", r"\g<1>" + namespace + "/", text)
    text = re.sub(r"\bpki_int\b", "pki_int_" + suffix, text)
    text = re.sub(r"(mount_point:\s*)pki(?![\w-])", r"\g<1>pki_" + suffix, text)
    return text


def token_auth(value):
    """``value`` with Vault Kubernetes auth settings removed (the environment's root token instead)."""
    if isinstance(value, list):
        return [token_auth(item) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        item = token_auth(item)
        if isinstance(item, dict) and item.get("auth_method") == "kubernetes":
            item = dict((k, v) for k, v in item.items() if k not in ("auth_method", "auth_role"))
            if key == "vault" and not item:
                continue
        result[key] = item
    return result


def resolve(variables, local_env):
    """A ``vars`` marker's values; ``@vault_token`` is the server's root token."""
    known = {"@vault_token": local_env.vault_token}
    return dict((name, known.get(value, value) if isinstance(value, str) else value) for name, value in variables.items())


def run_playbooks(block, loaded, local_env, namespace):
    """A vars file run through the collection's playbooks in the marker's order, as the README's
    quickstart says; then bootstrap_vault_auth and provision again change nothing, as it says too."""
    variables = dict(loaded, secretops_auth_mount_path="k8s-" + namespace, vault_k8s_auth_reviewer_namespace=namespace + "-auth")
    try:
        for name in block.playbooks:
            run = run_collection_playbook(name, variables, local_env.env)
            assert run.returncode == 0, "%s: %s failed:\n%s" % (block.where, name, run.output[-6000:])
        for name in ("bootstrap_vault_auth", "provision"):
            if name in block.playbooks:
                again = run_collection_playbook(name, variables, local_env.env).assert_ok()
                assert recap(again)["changed"] == 0, "%s: %s again changed something:\n%s" % (block.where, name, again.stdout[-4000:])
    finally:  # the auth mount and the reviewer's namespace are the test's own, on shared servers
        hvac.Client(url=local_env.vault_addr, token=local_env.vault_token).sys.disable_auth_method("k8s-" + namespace)
        with k8s_config.new_client_from_config(config_file=local_env.kubeconfig) as api:
            try:
                k8s_client.CoreV1Api(api).delete_namespace(namespace + "-auth")
            except k8s_client.ApiException as exc:
                if exc.status != 404:
                    raise


def run_block(block, local_env, namespace, suffix, report_dir):
    env = dict(local_env.env, SECRETOPS_REPORT_DIR=report_dir)  # rotate's audit reports, not in $HOME
    loaded = yaml.safe_load(localize_text(block.text, local_env, namespace, suffix))
    variables = resolve(block.variables, local_env)
    if block.playbooks:
        return run_playbooks(block, loaded, local_env, namespace)
    if isinstance(loaded, list) and loaded and ("hosts" in loaded[0] or "ansible.builtin.import_playbook" in loaded[0]):
        assert module_defaults_problems(loaded) == [], block.where
        plays = token_auth(loaded)
        for play in plays:
            play["vars"] = dict(variables, **(play.get("vars") or {}))
        return run_playbook(plays, env=env)
    if isinstance(loaded, list):
        return run_tasks(token_auth(loaded), env=env, vars=variables)
    assert isinstance(loaded, dict), "%s: a block to run is a list of plays or tasks, or a mapping of variables" % block.where
    variables.update(loaded)
    task = {"name": "The block's variables", "ansible.builtin.set_fact": {"doc_block_values": dict(
        (name, "{{ %s }}" % name) for name in loaded)}, "no_log": True}
    return run_tasks([task], env=env, vars=variables)


def prepare_dynamic_secrets(local_env):
    """What docs/dynamic-secrets.md takes as given: PostgreSQL users ``vault_admin`` (the one Vault
    manages; its password the guide's ``vault_admin_initial_password``) and ``reporting``; and no
    connection ``shop`` yet (an earlier run's has rotated the password this one sets again)."""
    if not local_env.postgres:
        pytest.skip("the local environment has no PostgreSQL")
    vault = hvac.Client(url=local_env.vault_addr, token=local_env.vault_token)
    if "database/" in vault.sys.list_mounted_secrets_engines()["data"]:
        vault.adapter.delete("/v1/database/config/shop")
    for user, options in (("vault_admin", "CREATEROLE"), ("reporting", "")):
        dbh.psql(local_env.postgres, "DO $$BEGIN CREATE ROLE %s LOGIN %s; EXCEPTION WHEN duplicate_object THEN NULL; END$$" % (user, options))
    dbh.psql(local_env.postgres, "ALTER ROLE vault_admin WITH LOGIN CREATEROLE PASSWORD 'doc-initial-password'")
    dbh.psql(local_env.postgres, "GRANT CONNECT ON DATABASE %s TO vault_admin" % local_env.postgres["database"])
    dbh.psql(local_env.postgres, "GRANT reporting TO vault_admin WITH ADMIN OPTION")  # PostgreSQL 16: to set its password


PREPARE = {"docs/dynamic-secrets.md": prepare_dynamic_secrets}


def runnable(path):
    return [block for block in doc_blocks.blocks(path) if block.status == "run"]


@pytest.mark.parametrize("path", [path for path in doc_blocks.COVERED if runnable(path)])
def test_the_docs_blocks_run(path, local_env, vault_server, namespace, tmp_path):
    if path in PREPARE:
        PREPARE[path](local_env)
    suffix = uuid.uuid4().hex[:8]
    for block in runnable(path):
        run = run_block(block, local_env, namespace, suffix, str(tmp_path))
        if run is None:  # run_playbooks asserted its runs
            continue
        assert run.returncode == 0, "%s failed on %s:\n%s\n%s" % (block.where, vault_server.flavor, run.stdout[-6000:], run.stderr[-3000:])
        failed = [entry["task"] for entry in run.results if entry["result"].get("failed")]
        assert failed == [], block.where


def test_module_defaults_check_catches_an_option_a_group_module_refuses(local_env):
    plays = [{"hosts": "localhost", "module_defaults": {"group/secretops.provisioning.vault": {"url": "x", "role": "ansible"}}}]
    problems = module_defaults_problems(plays)
    assert problems and all("does not accept role" in problem for problem in problems)
