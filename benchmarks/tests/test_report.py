"""The benchmark's summary: medians, ratios to kubectl apply, extrapolation and the target check."""

import pytest

from benchmarks import report


def _records(tool, size, seconds, runs=1, peak=50.0):
    return [{"tool": tool, "size": size, "phase": phase, "repeat": repeat, "seconds": seconds + repeat,
             "peak_rss_mib": peak, "peak_tree_rss_mib": peak * 2}
            for phase, _name in report.PHASES for repeat in range(runs)]


def test_extrapolate_fits_a_line_through_the_two_largest_sizes():
    assert report.extrapolate([(100, 12.0), (300, 32.0)], 1000) == pytest.approx(102.0)
    assert report.extrapolate([(100, 10.0)], 1000) == pytest.approx(100.0)


def test_summary_takes_medians_and_marks_extrapolated_rows():
    records = _records("kubectl", 1000, 10.0, runs=3) + _records("kcore", 100, 12.0) + _records("kcore", 300, 32.0)
    rows, peaks = report.summarize(records, extrapolate_to=[100, 300, 1000])
    assert rows[("kubectl", 1000, "create")]["seconds"] == 11.0
    assert (rows[("kubectl", 1000, "create")]["min"], rows[("kubectl", 1000, "create")]["max"]) == (10.0, 12.0)
    assert rows[("kcore", 1000, "create")]["extrapolated"]
    assert rows[("kcore", 1000, "create")]["seconds"] == pytest.approx(102.0)
    assert ("kubectl", 100, "create") not in rows  # nothing to extrapolate from below
    assert peaks[("kubectl", 1000)] == {"peak_rss_mib": 50.0, "peak_tree_rss_mib": 100.0}


def test_ratios_and_targets():
    records = _records("kubectl", 1000, 10.0) + _records("bulk", 1000, 5.0, peak=160.0) + _records("kcore", 1000, 200.0)
    rows, peaks = report.summarize(records)
    assert report.ratio(rows, "bulk", 1000, "create") == pytest.approx(0.5)
    results = {description: (measured, met) for description, measured, met in report.targets(rows, peaks)}
    # client-side apply is the weaker peer: its ratios are context, not targets
    assert results["(bulk create vs kubectl apply, client-side, one JSON List)"] == ("0.50x", None)
    assert results["(bulk no-change vs kubectl apply, client-side, one JSON List)"] == ("0.50x", None)
    assert results["bulk create >= 20x faster than kubernetes.core loop"] == ("40.00x", True)
    assert results["bulk peak memory < 100 MiB (largest process)"] == ("160.00 MiB", False)
    assert not any("server-side" in description for description in results)  # server-side apply did not run
    table = report.k8s_table(rows, peaks, [1000])
    assert "5.00 s = 0.50x" in table and "| 1000 | kubectl apply -f (one JSON List) | 10.00 s |" in table


def test_vault_table_shows_the_speedup_of_the_list_form():
    records = [{"variant": variant, "count": 200, "phase": phase, "repeat": 0, "seconds": seconds, "peak_rss_mib": 70.0}
               for variant, seconds in (("list", 4.0), ("loop", 80.0)) for phase in ("create", "noop")]
    table = report.vault_table(report.vault_summary(records))
    assert "4.00 s (20.0x faster)" in table


def _one(tool, size, phase, seconds, peak=50.0):
    return {"tool": tool, "size": size, "phase": phase, "repeat": 0, "seconds": seconds, "peak_rss_mib": peak, "peak_tree_rss_mib": peak}


def test_targets_against_server_side_apply_the_floor_and_the_command_loop():
    measured = [_one("bulk", 1000, "create", 7.0), _one("bulk", 1000, "noop", 1.5, peak=90.0), _one("bulk", 1000, "change10", 6.0),
                _one("floor", 1000, "noop", 1.0), _one("trivial", 20, "noop", 0.8),
                _one("loop", 20, "noop", 0.8 + 20 * 0.45), _one("loop", 20, "create", 0.8 + 20 * 0.6),
                _one("command", 20, "noop", 0.8 + 20 * 0.3)]
    records = _records("ssa", 1000, 10.0) + measured
    rows, peaks = report.summarize(records, extrapolate_to=[20, 1000])
    results = {description: (measured, met) for description, measured, met in report.targets(rows, peaks)}
    assert results["bulk create <= 0.8x kubectl apply --server-side at its best"] == ("0.70x (vs one JSON List)", True)
    assert results["bulk no-change <= 1.0x kubectl apply --server-side at its best"] == ("0.15x (vs one JSON List)", True)
    assert results["(bulk 10% changed vs kubectl apply --server-side at its best)"] == ("0.60x (vs one JSON List)", None)
    assert results["bulk no-change <= 1.6x the floor (trivial play + one LIST)"] == ("1.50x", True)
    assert results["one Secret per task (no change, loop of 20) <= 1.5x ansible.builtin.command per task"] == ("1.50x", True)
    assert results["one Secret per task (create, loop of 20) <= 1.5x ansible.builtin.command per task"] == ("2.00x", False)
    assert results["bulk peak memory < 100 MiB (largest process)"] == ("90.00 MiB", True)
    assert not any("client-side" in description for description in results)  # client-side apply did not run
    assert report.per_task(rows, "loop", 1000, "noop") is None  # extrapolated rows give no per-task cost
    table = report.k8s_table(rows, peaks, [1000])
    assert "7.00 s = 0.70x" in table  # ratios to server-side apply when it ran
    assert "floor: trivial play + one LIST" in table


def test_server_side_apply_at_its_best_is_the_fastest_form_in_each_kind_of_run():
    # the JSON List is fastest on no change, the YAML stream without validation on create: each
    # kind of run is compared with the fastest form measured in it, and every form has its own row
    measured = [_one("ssa", 1000, "create", 10.0), _one("ssa", 1000, "noop", 10.0),
                _one("ssa-yaml", 1000, "create", 30.0), _one("ssa-yaml", 1000, "noop", 30.0),
                _one("ssa-yaml-novalidate", 1000, "create", 8.0), _one("ssa-yaml-novalidate", 1000, "noop", 12.0),
                _one("bulk", 1000, "create", 7.0), _one("bulk", 1000, "noop", 11.0)]
    rows, peaks = report.summarize(measured)
    assert report.baseline_for(rows, 1000, "create") == "ssa-yaml-novalidate"
    assert report.baseline_for(rows, 1000, "noop") == "ssa"
    assert report.baseline_for(rows, 1000, "change10") == "kubectl"  # nothing ran: the fallback
    results = {description: (measured, met) for description, measured, met in report.targets(rows, peaks)}
    assert results["bulk create <= 0.8x kubectl apply --server-side at its best"] == (
        "0.88x (vs the YAML stream, --validate=false)", False)
    assert results["bulk no-change <= 1.0x kubectl apply --server-side at its best"] == ("1.10x (vs one JSON List)", False)
    table = report.k8s_table(rows, peaks, [1000])
    lines = {line.split(" | ")[1]: line for line in table.splitlines()[2:]}
    expected = "| 1000 | kubectl apply --server-side (one JSON List) | 10.00 s = 1.25x | 10.00 s |"
    assert lines["kubectl apply --server-side (one JSON List)"].startswith(expected)
    assert "| 30.00 s = 3.75x | 30.00 s = 3.00x |" in lines["kubectl apply --server-side (YAML stream, one document per Secret)"]
    assert "| 8.00 s | 12.00 s = 1.20x |" in lines["kubectl apply --server-side --validate=false (YAML stream)"]
    assert "| 7.00 s = 0.88x | 11.00 s = 1.10x |" in lines["secretops k8s_secret, bulk (1 task)"]


def test_load_range_summarises_the_load_before_the_measurements():
    records = [dict(_one("bulk", 20, "create", 1.0), load_1m_before=load) for load in (2.5, 0.7, 4.25)]
    assert report.load_range(records) == ", 1-minute load average 0.7-4.2 before the measurements"
    assert report.load_range([_one("bulk", 20, "create", 1.0)]) == ""


def test_lower_bounds_are_shown_beside_the_floor_target_and_are_not_targets():
    measured = [_one("bulk", 1000, "noop", 1.8), _one("floor", 1000, "noop", 0.6), _one("trivial", 1000, "noop", 0.58),
                _one("list", 1000, "noop", 0.02), _one("anymodule", 1000, "noop", 0.9), _one("anytask", 1000, "noop", 1.08),
                _one("receive", 1000, "noop", 1.5)]
    rows, peaks = report.summarize(measured)
    results = report.targets(rows, peaks)
    descriptions = [description for description, _measured, _met in results]
    floor_target = descriptions.index("bulk no-change <= 1.6x the floor (trivial play + one LIST)")
    context = results[floor_target + 1:floor_target + 4]
    assert [(measured, met) for _description, measured, met in context] == [("1.50x", None), ("1.80x", None), ("2.50x", None)]
    assert "a task receiving the N items, no module (set_fact)" in context[1][0]
    table = report.k8s_table(rows, peaks, [1000])
    lines = table.splitlines()
    floor_line = next(i for i, line in enumerate(lines) if "floor: trivial play" in line)
    assert "lower bound: any module" in lines[floor_line + 1]
    assert "0.30 s, the module's own work" in report.floor_lines(rows, [1000])
