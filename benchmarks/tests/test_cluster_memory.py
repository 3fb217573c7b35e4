"""benchmarks/cluster_memory.py without an environment: who owns each process, the sums and the capacity."""

from benchmarks import cluster_memory

RECORDS = [{"name": name, "pid": pid} for pid, name in enumerate([
    "etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok", "openbao", "vault", "postgres",
    "cluster-2/etcd", "cluster-2/kube-apiserver", "cluster-10/kwok"])]


def test_records_belong_to_their_cluster_or_to_the_shared_servers():
    owners = [cluster_memory.owner(record["name"]) for record in RECORDS]
    assert owners == ["cluster-1"] * 5 + ["shared"] * 3 + ["cluster-2", "cluster-2", "cluster-10"]


def test_status_fields_are_read_in_kib():
    text = "Name:\tetcd\nVmPeak:\t  900 kB\nVmRSS:\t   43008 kB\nPPid:\t1\n"
    assert cluster_memory.status_kib(text, "VmRSS") == 43008 and cluster_memory.status_kib(text, "PPid") == 1
    assert cluster_memory.status_kib("MemTotal: 10 kB\n", "VmRSS") == 0, "a process that is gone counts nothing"


def test_descendants_include_children_of_children():
    assert cluster_memory.descendants(10, {10: 1, 11: 10, 12: 11, 13: 1, 14: 10}) == [10, 11, 12, 14]


def test_sums_per_cluster_and_capacity():
    totals = cluster_memory.sum_by_owner(RECORDS, lambda pid: (1024 * 100, 1024 * 60))  # 100 MiB RSS, 60 MiB PSS each
    assert totals["cluster-1"]["pss_mib"] == 300
    assert totals["cluster-1"]["rss_mib"] == 500 and totals["cluster-2"]["rss_mib"] == 200 and totals["shared"]["rss_mib"] == 300
    assert totals["cluster-2"]["processes"] == {"cluster-2/etcd": 100, "cluster-2/kube-apiserver": 100}
    summary = cluster_memory.summarize(totals, 2600.0)
    assert summary["largest_cluster_mib"] == 500 and summary["more_clusters_fit"] == 5 and summary["within_target"]
    assert set(summary["clusters"]) == {"cluster-1", "cluster-2", "cluster-10"} and summary["shared_mib"] == 300
    table = cluster_memory.render(summary)
    assert table.index("| cluster-2 |") < table.index("| cluster-10 |"), "clusters in numeric order"
    assert "| cluster-2 | 200 MiB | 120 MiB | 100 | 100 | - | - | - |" in table
    assert "holds 5 more clusters at that figure, 8 in all" in table and "target <= 1024 MiB: met" in table


def test_a_cluster_over_the_target_fails():
    totals = cluster_memory.sum_by_owner([{"name": "kube-apiserver", "pid": 1}], lambda pid: (1100 * 1024, 900 * 1024))
    assert not cluster_memory.summarize(totals, 8000.0)["within_target"]
    assert not cluster_memory.summarize({}, 8000.0)["within_target"], "no cluster measured is no success"
