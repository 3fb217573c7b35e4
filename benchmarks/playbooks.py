"""The playbooks each benchmarked Ansible variant runs (pure: returns play lists, writes nothing).

Every play reads its items from a vars file (JSON), so the playbook text is the same at every size
and the templating cost is the one a user would pay with inventory or group vars.
"""

MODULE = "secretops.provisioning.k8s_secret"
KCORE_MODULE = "kubernetes.core.k8s"
VAULT_POLICY = "secretops.provisioning.vault_policy"
VAULT_ROLE = "secretops.provisioning.vault_k8s_auth_role"

# k8s_secret options an item may carry; a loop passes each one through, omitting absent ones
LOOP_OPTIONS = ("labels", "string_data", "tls", "registries", "basic_auth")


def _play(name, tasks, vars_file):
    return [{"name": name, "hosts": "localhost", "gather_facts": False, "vars_files": [vars_file], "tasks": tasks}]


def bulk(vars_file):
    """This collection, bulk form: one task for every Secret."""
    task = {"name": "converge Secrets (bulk)", MODULE: {"secrets": "{{ bench_items }}"}}
    return _play("k8s_secret bulk", [task], vars_file)


def trivial():
    """The floor's play: one task that runs no module (``debug``), so the time is ansible-playbook's
    start, inventory, play and callback, which every Ansible variant pays once."""
    return [{"name": "trivial", "hosts": "localhost", "gather_facts": False,
             "tasks": [{"name": "nothing", "ansible.builtin.debug": {"msg": "floor"}}]}]


def receiving_task(vars_file):
    """A task that receives the items and runs no module (``set_fact``, in the controller): what
    Ansible charges any task taking the items from vars (loading the vars file, templating the
    items into the task), with nothing shipped and nothing done."""
    task = {"name": "receive the items", "ansible.builtin.set_fact": {"bench_received": "{{ bench_items }}"}}
    return _play("receiving task", [task], vars_file)


def any_module():
    """A play whose task runs a module with no arguments (``ping``): what any module run costs."""
    return [{"name": "any module", "hosts": "localhost", "gather_facts": False,
             "tasks": [{"name": "ping", "ansible.builtin.ping": {}}]}]


def receiving_module(vars_file):
    """A module that receives the items and does nothing (``benchmarks/library/bench_receive.py``):
    what Ansible charges to deliver the items to any module, before it does any work."""
    task = {"name": "deliver the items to a module", "bench_receive": {"items": "{{ bench_items }}"}}
    return _play("receiving module", [task], vars_file)


def command_loop(vars_file):
    """``ansible.builtin.command`` once per item (running ``true``): Ansible's own cost per task,
    which a loop of one Secret per task is compared with."""
    task = {"name": "command per item", "ansible.builtin.command": {"argv": ["true"]}, "changed_when": False,
            "loop": "{{ bench_items }}", "loop_control": {"label": "{{ item.name }}"}}
    return _play("command loop", [task], vars_file)


def loop_task(name, module, items_var, options):
    """A task running ``module`` once per item of ``items_var``, passing each of ``options`` the
    item has (absent ones omitted). Explicit options rather than ``args: "{{ item }}"``, which
    ansible-core warns is unsafe."""
    args = {option: "{{ item.%s | default(omit) }}" % option for option in options}
    return {"name": name, module: args, "loop": "{{ %s }}" % items_var, "loop_control": {"label": "{{ item.name }}"}}


def loop(vars_file):
    """This collection, one module run per Secret (a loop)."""
    task = loop_task("converge Secrets (loop)", MODULE, "bench_items", ("name", "namespace", "type") + LOOP_OPTIONS)
    return _play("k8s_secret loop", [task], vars_file)


def kcore_loop(vars_file):
    """kubernetes.core.k8s, one module run per Secret, with its defaults (as most playbooks use it)."""
    task = {"name": "converge Secrets (kubernetes.core loop)", KCORE_MODULE: {"state": "present", "definition": "{{ item }}"},
            "loop": "{{ bench_manifests }}", "loop_control": {"label": "{{ item.metadata.name }}"}}
    return _play("kubernetes.core.k8s loop", [task], vars_file)


def vault_list_form(vars_file, policy_option, role_option, policy_options, role_options):
    """Vault: every policy and every role in one task each, with the modules' list forms
    (``policy_option``/``role_option``, e.g. ``policies``/``roles``), or a loop in one task when
    the module has no list form (the option is then None)."""
    tasks = []
    for module, option, items, options in ((VAULT_POLICY, policy_option, "bench_policies", policy_options),
                                           (VAULT_ROLE, role_option, "bench_roles", role_options)):
        if option:
            tasks.append({"name": "%s (list form)" % module, module: {option: "{{ %s }}" % items}})
        else:
            tasks.append(loop_task("%s (loop)" % module, module, items, options))
    return _play("vault list form", tasks, vars_file)


def vault_per_item(vars_file, policy_options, role_options):
    """Vault: one module run per policy and per role."""
    tasks = [loop_task("%s (loop)" % VAULT_POLICY, VAULT_POLICY, "bench_policies", policy_options),
             loop_task("%s (loop)" % VAULT_ROLE, VAULT_ROLE, "bench_roles", role_options)]
    return _play("vault one task each", tasks, vars_file)
