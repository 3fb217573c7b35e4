"""The Vault side of the benchmark: N ACL policies + N Kubernetes auth roles configured in one play
with the modules' list forms (``policies:`` / ``roles:``; a loop in one task where a module has no
list form) against one module run per policy and per role. Each variant gets its own auth mount and
policy-name prefix on the local OpenBao server, removed afterwards."""

import json
import os
import subprocess

import hvac
import yaml

import playbooks

ROLE_KEYS = ("name", "mount_path", "bound_service_account_names", "bound_service_account_namespaces", "token_policies", "audience", "token_ttl")
POLICY_KEYS = ("name", "policy")
LIST_OPTIONS = {playbooks.VAULT_POLICY: "policies", playbooks.VAULT_ROLE: "roles"}
PHASES = ("create", "noop")


def policy_text(index):
    return ('path "secret/data/app-%03d/*" {\n  capabilities = ["read", "list"]\n}\n\n'
            'path "secret/metadata/app-%03d/*" {\n  capabilities = ["list"]\n}\n' % (index, index))


def build_items(prefix, mount, count):
    """``(policies, roles)``: module option dicts for ``count`` policies and the roles bound to them."""
    policies = [{"name": "%s-app-%03d" % (prefix, index), "policy": policy_text(index)} for index in range(count)]
    roles = [{"name": "app-%03d" % index, "mount_path": mount, "bound_service_account_names": ["app-%03d" % index],
              "bound_service_account_namespaces": ["team-%d" % (index % 10)], "token_policies": [policies[index]["name"]],
              "audience": "vault", "token_ttl": "1h"} for index in range(count)]
    return policies, roles


def documented_options(runner, module):
    """The module's option names from ansible-doc, or None when the module does not exist."""
    command, run_env = runner.ansible_command("bulk", "")
    doc = os.path.join(os.path.dirname(command[0]), "ansible-doc")
    proc = subprocess.run([doc, "-j", module], env=run_env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return None
    try:
        return set(json.loads(proc.stdout)[module]["doc"]["options"])
    except (ValueError, KeyError, TypeError):
        return None


class VaultState(object):
    def __init__(self, env):
        self.client = hvac.Client(url=env["vault_addr"], token=env["vault_token"])

    def prepare(self, mount):
        self.client.sys.enable_auth_method("kubernetes", path=mount)

    def check(self, prefix, mount, count):
        policies = [name for name in self.client.sys.list_acl_policies()["data"]["keys"] if name.startswith(prefix + "-")]
        try:
            roles = self.client.list("auth/%s/role" % mount)["data"]["keys"]
        except (hvac.exceptions.InvalidPath, TypeError):
            roles = []
        if len(policies) == count and len(roles) == count:
            return None
        return "%d policies and %d roles, expected %d each" % (len(policies), len(roles), count)

    def clean(self, prefix, mount):
        for name in self.client.sys.list_acl_policies()["data"]["keys"]:
            if name.startswith(prefix + "-"):
                self.client.sys.delete_acl_policy(name)
        self.client.sys.disable_auth_method(mount)


def run(runner, env, count, repeats, loop_repeats, run_id, log):
    """Measure the list form ``repeats`` times and the per-item variant ``loop_repeats`` times;
    returns ``(records, notes)``."""
    policy_doc = documented_options(runner, playbooks.VAULT_POLICY)
    role_doc = documented_options(runner, playbooks.VAULT_ROLE)
    if policy_doc is None or role_doc is None:
        return [], ["vault_policy / vault_k8s_auth_role are not available yet: the Vault benchmark was not run"]
    list_policy = LIST_OPTIONS[playbooks.VAULT_POLICY] if LIST_OPTIONS[playbooks.VAULT_POLICY] in policy_doc else None
    list_role = LIST_OPTIONS[playbooks.VAULT_ROLE] if LIST_OPTIONS[playbooks.VAULT_ROLE] in role_doc else None
    notes = []
    if not (list_policy and list_role):
        notes.append("Vault 'one play' variant: %s without a list form, so it ran as a loop in one task" % " and ".join(
            name for name, option in ((playbooks.VAULT_POLICY, list_policy), (playbooks.VAULT_ROLE, list_role)) if not option))
    state = VaultState(env)
    records = []
    for repeat in range(repeats):
        variants = ["list", "loop"] if repeat % 2 == 0 else ["loop", "list"]
        for variant in variants:
            if variant == "loop" and repeat >= loop_repeats:
                continue
            prefix = mount = "bench-%s-%s-%d" % (variant, run_id, repeat)
            policies, roles = build_items(prefix, mount, count)
            vars_path = os.path.join(runner.workdir, "%s.vars.json" % prefix)
            with open(vars_path, "w") as handle:
                json.dump({"bench_policies": policies, "bench_roles": roles}, handle)
            if variant == "list":
                plays = playbooks.vault_list_form(vars_path, list_policy, list_role, POLICY_KEYS, ROLE_KEYS)
            else:
                plays = playbooks.vault_per_item(vars_path, POLICY_KEYS, ROLE_KEYS)
            playbook_path = os.path.join(runner.workdir, prefix + ".yml")
            with open(playbook_path, "w") as handle:
                yaml.safe_dump(plays, handle, sort_keys=False)
            state.prepare(mount)
            try:
                for phase in PHASES:
                    command, run_env = runner.ansible_command("bulk", playbook_path)
                    record = runner.measure("%s-%s" % (prefix, phase), command, run_env)
                    problem = state.check(prefix, mount, count)
                    record.update({"variant": variant, "count": count, "phase": phase, "repeat": repeat, "verified": problem is None})
                    records.append(record)
                    log("vault %-5s %d+%d %-7s %7.2f s  cpu %6.2f s  peak %4.0f MiB  load %.1f%s" % (
                        variant, count, count, phase, record["seconds"], record["cpu_seconds"], record["peak_rss_mib"],
                        record["load_1m_before"], "" if problem is None else "  CHECK FAILED: " + problem))
            finally:
                state.clean(prefix, mount)
    return records, notes
