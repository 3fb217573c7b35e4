"""tools/cluster/node_config.py: the real node's configurations, rendered without I/O."""

import ipaddress

import node_config


def test_layout_is_private_to_the_state_directory():
    first, second = node_config.NodeLayout("/tmp/env-a"), node_config.NodeLayout("/tmp/env-b")
    assert first.base == "/tmp/env-a/node" and first.socket.startswith(first.base)
    assert len(first.bridge) <= 15  # Linux interface names
    assert first.bridge != second.bridge and first.cgroup_root != second.cgroup_root
    network = ipaddress.ip_network(first.subnet)
    assert network.is_private and ipaddress.ip_address(first.gateway) in network
    assert node_config.NodeLayout("/tmp/env-a").subnet == first.subnet  # stable across runs


def test_containerd_config_states_the_facts_of_this_machine():
    node = node_config.NodeLayout("/tmp/env")
    text = node_config.containerd_config(node, "secretops.local/pause:abc")
    assert 'sandbox_image = "secretops.local/pause:abc"' in text
    assert "restrict_oom_score_adj = true" in text and "SystemdCgroup = false" in text
    assert 'address = "%s"' % node.socket in text and 'root = "%s"' % node.containerd_root in text
    assert 'conf_dir = "%s"' % node.cni_conf_dir in text


def test_cni_bridge_is_a_gateway_without_masquerading():
    node = node_config.NodeLayout("/tmp/env")
    (plugin,) = node_config.cni_config(node)["plugins"]
    assert plugin["type"] == "bridge" and plugin["bridge"] == node.bridge
    assert plugin["isGateway"] is True and plugin["ipMasq"] is False
    assert plugin["ipam"]["ranges"] == [[{"subnet": node.subnet, "gateway": node.gateway}]]
    assert plugin["ipam"]["dataDir"].startswith(node.base)


def test_kubelet_config_refuses_anonymous_and_changes_nothing_machine_wide():
    node = node_config.NodeLayout("/tmp/env")
    config = node_config.kubelet_config(node, "/tmp/env/pki", {"kubelet": 10250, "kubelet_healthz": 10248})
    assert config["authentication"]["anonymous"] == {"enabled": False}
    assert config["authentication"]["webhook"] == {"enabled": True} and config["authorization"] == {"mode": "Webhook"}
    assert config["readOnlyPort"] == 0 and config["address"] == node.gateway
    assert config["protectKernelDefaults"] is False and config["makeIPTablesUtilChains"] is False
    assert config["cgroupDriver"] == "cgroupfs" and config["failCgroupV1"] is False and config["cgroupRoot"] == node.cgroup_root
    assert config["syncFrequency"] == "10s"
    assert config["registerWithTaints"] == [node_config.TAINT]
    assert config["containerRuntimeEndpoint"] == "unix://" + node.socket


def test_kubelet_runs_static_pods_from_a_directory_private_to_the_environment():
    node = node_config.NodeLayout("/tmp/env")
    config = node_config.kubelet_config(node, "/tmp/env/pki", {"kubelet": 10250, "kubelet_healthz": 10248})
    assert config["staticPodPath"] == node.static_pods == "/tmp/env/node/manifests"
    assert node_config.NodeLayout("/tmp/env-b").static_pods != node.static_pods


def test_kubelet_argv_names_the_node_and_its_label():
    node = node_config.NodeLayout("/tmp/env")
    argv = node_config.kubelet_argv("/bin/kubelet", node, "/tmp/env/kubelet.kubeconfig")
    assert "--hostname-override=" + node_config.NODE_NAME in argv and "--node-ip=" + node.gateway in argv
    assert "--node-labels=%s=true" % node_config.LABEL in argv and "--root-dir=" + node.kubelet_root in argv


def test_namespace_script_makes_private_dirs_and_overlays_only_differing_settings():
    node = node_config.NodeLayout("/tmp/env")
    script = node_config.namespace_script(node, ["vm/overcommit_memory"])
    for directory in node_config.PRIVATE_DIRS:
        assert "mount -t tmpfs -o mode=0755 secretops-node %s\n" % directory in script
    assert "mount --bind %s/vm.overcommit_memory /proc/sys/vm/overcommit_memory\n" % node.kernel_dir in script
    assert "kernel/panic" not in script
    assert script.rstrip().splitlines()[-1] == "exec containerd --config " + node.containerd_config


def test_free_subnet_index_skips_subnets_the_machine_uses():
    preferred = node_config.preferred_subnet_index("/tmp/env")
    assert node_config.free_subnet_index("/tmp/env", [ipaddress.ip_network("127.0.0.0/8")]) == preferred
    taken = [ipaddress.ip_network("10.250.%d.0/24" % preferred)]
    chosen = node_config.free_subnet_index("/tmp/env", taken)
    assert chosen != preferred and 20 <= chosen < 220
    assert node_config.NodeLayout("/tmp/env", chosen).gateway == "10.250.%d.1" % chosen
    everything = [ipaddress.ip_network("10.250.0.0/16")]
    try:
        node_config.free_subnet_index("/tmp/env", everything)
    except ValueError:
        pass
    else:
        raise AssertionError("a machine using all of 10.250.0.0/16 leaves no subnet")
