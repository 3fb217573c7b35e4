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
    assert results["bulk create <= 1.0x kubectl apply"] == ("0.50x", True)
    assert results["bulk create >= 20x faster than kubernetes.core loop"] == ("40.00x", True)
    assert results["bulk no-change <= 0.3x kubectl apply (its no-change run)"] == ("0.50x", False)
    assert results["bulk peak memory < 150 MiB (largest process)"] == ("160.00 MiB", False)
    table = report.k8s_table(rows, peaks, [1000])
    assert "5.00 s = 0.50x" in table and "| 1000 | kubectl apply -f (one manifest) | 10.00 s |" in table


def test_vault_table_shows_the_speedup_of_the_list_form():
    records = [{"variant": variant, "count": 200, "phase": phase, "repeat": 0, "seconds": seconds, "peak_rss_mib": 70.0}
               for variant, seconds in (("list", 4.0), ("loop", 80.0)) for phase in ("create", "noop")]
    table = report.vault_table(report.vault_summary(records))
    assert "4.00 s (20.0x faster)" in table
