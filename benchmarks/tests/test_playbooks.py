"""The benchmark's playbooks: one bulk task, per-item loops passing each option, Vault list forms."""

from benchmarks import playbooks


def test_bulk_is_one_task_over_the_whole_list():
    (play,) = playbooks.bulk("vars.json")
    assert play["vars_files"] == ["vars.json"]
    assert play["tasks"] == [{"name": "converge Secrets (bulk)", playbooks.MODULE: {"secrets": "{{ bench_items }}"}}]


def test_loop_passes_every_option_and_omits_absent_ones():
    (task,) = playbooks.loop("vars.json")[0]["tasks"]
    assert task["loop"] == "{{ bench_items }}"
    assert task[playbooks.MODULE]["tls"] == "{{ item.tls | default(omit) }}"
    assert set(task[playbooks.MODULE]) == {"name", "namespace", "type"} | set(playbooks.LOOP_OPTIONS)


def test_vault_list_form_falls_back_to_a_loop_without_a_list_option():
    tasks = playbooks.vault_list_form("vars.json", "policies", None, ("name", "policy"), ("name", "mount_path"))[0]["tasks"]
    assert tasks[0][playbooks.VAULT_POLICY] == {"policies": "{{ bench_policies }}"}
    assert tasks[1]["loop"] == "{{ bench_roles }}"
    assert tasks[1][playbooks.VAULT_ROLE] == {"name": "{{ item.name | default(omit) }}", "mount_path": "{{ item.mount_path | default(omit) }}"}


def test_trivial_play_runs_no_module_and_the_command_loop_one_task_per_item():
    (play,) = playbooks.trivial()
    assert [list(task)[1] for task in play["tasks"]] == ["ansible.builtin.debug"]
    (task,) = playbooks.command_loop("vars.json")[0]["tasks"]
    assert task["ansible.builtin.command"] == {"argv": ["true"]} and task["loop"] == "{{ bench_items }}"


def test_lower_bounds_receive_the_same_items_as_the_bulk_task():
    (bulk_task,) = playbooks.bulk("vars.json")[0]["tasks"]
    for builder, module in ((playbooks.receiving_task, "ansible.builtin.set_fact"), (playbooks.receiving_module, "bench_receive")):
        (play,) = builder("vars.json")
        assert play["vars_files"] == ["vars.json"]
        (task,) = play["tasks"]
        assert list(task[module].values()) == [bulk_task[playbooks.MODULE]["secrets"]]
    (play,) = playbooks.any_module()
    assert "vars_files" not in play and play["tasks"][0]["ansible.builtin.ping"] == {}
