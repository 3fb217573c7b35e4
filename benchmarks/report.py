"""Turn benchmark measurements into the summary rows, the terminal table and the Markdown table.

Pure: takes the measurement records ``run.py`` collects, returns data and text.

A Kubernetes record: ``{"tool", "size", "phase", "repeat", "seconds", "peak_rss_mib", "peak_tree_rss_mib"}``.
A Vault record: ``{"variant", "count", "phase", "repeat", "seconds", "peak_rss_mib", "peak_tree_rss_mib"}``.
"""

import statistics

TOOLS = (
    ("bulk", "secretops k8s_secret, bulk (1 task)"),
    ("ssa", "kubectl apply --server-side (one JSON List)"),
    ("ssa-yaml", "kubectl apply --server-side (YAML stream, one document per Secret)"),
    ("ssa-yaml-novalidate", "kubectl apply --server-side --validate=false (YAML stream)"),
    ("floor", "floor: trivial play + one LIST"),
    ("loop", "secretops k8s_secret, loop (1 task per Secret)"),
    ("command", "ansible.builtin.command, loop (1 task per item)"),
    ("kcore", "kubernetes.core.k8s, loop"),
    ("kubectl", "kubectl apply -f (one JSON List)"),
    ("ssa-yaml-machine", "kubectl apply --server-side, the machine's kubectl (YAML stream)"),
)
# parts of the floor, recorded beside it: the trivial play alone and the LIST alone
FLOOR_PARTS = ("trivial", "list")
# measured beside the floor (run.py LOWER_BOUNDS): the least a task receiving the N items can cost
LOWER_BOUNDS = (
    ("anymodule", "lower bound: any module (ping, no arguments)"),
    ("anytask", "lower bound: a task receiving the N items, no module (set_fact)"),
    ("receive", "lower bound: a module receiving the N items, doing nothing"),
)
PHASES = (("create", "create"), ("noop", "no change"), ("change10", "10% changed"))
# Ratios are to server-side apply (the strongest peer) at its best: the fastest of its forms
# (benchmarks/peers.py) in the same size and kind of run; where none ran, to client-side apply.
SSA_FORMS = ("ssa", "ssa-yaml", "ssa-yaml-novalidate")
BASELINE = "kubectl"
SSA_FORM_LABELS = {"ssa": "one JSON List", "ssa-yaml": "the YAML stream", "ssa-yaml-novalidate": "the YAML stream, --validate=false"}
# The targets against server-side apply at its best, at the largest N (issue 22): (phase, name, limit);
# a limit of None is shown for context, not checked.
SSA_TARGETS = (("create", "create", 0.8), ("noop", "no-change", 1.0), ("change10", "10% changed", None))
PER_ITEM_TOOLS = ("loop", "command", "kcore")
VAULT_VARIANTS = (("list", "one play, list form"), ("loop", "one task per policy / role"))
VAULT_PHASES = (("create", "create"), ("noop", "no change"))


def _median(values):
    return statistics.median(values) if values else None


def summarize(records, extrapolate_to=()):
    """``{(tool, size, phase): {"seconds", "min", "max", "runs", "extrapolated"}}`` and
    ``{(tool, size): peak dict}``; for each size in ``extrapolate_to`` a tool was not run at, its
    times are extrapolated linearly from the sizes it was run at (marked ``extrapolated``); only
    upwards, to sizes larger than every measured one."""
    times, peaks = {}, {}
    for record in records:
        key = (record["tool"], record["size"], record["phase"])
        times.setdefault(key, []).append(record["seconds"])
        peak = peaks.setdefault((record["tool"], record["size"]), {"peak_rss_mib": 0.0, "peak_tree_rss_mib": 0.0})
        peak["peak_rss_mib"] = max(peak["peak_rss_mib"], record["peak_rss_mib"])
        peak["peak_tree_rss_mib"] = max(peak["peak_tree_rss_mib"], record["peak_tree_rss_mib"])
    rows = {key: {"seconds": _median(values), "min": min(values), "max": max(values), "runs": len(values), "extrapolated": False}
            for key, values in times.items()}
    for tool in PER_ITEM_TOOLS:
        for phase, _name in PHASES:
            measured = sorted((size, row["seconds"]) for (t, size, p), row in rows.items() if t == tool and p == phase)
            for size in extrapolate_to:
                if measured and size > measured[-1][0]:
                    rows[(tool, size, phase)] = {"seconds": extrapolate(measured, size), "min": None, "max": None, "runs": 0,
                                                 "extrapolated": True}
    return rows, peaks


def extrapolate(points, size):
    """Time at ``size`` from ``(size, seconds)`` points: a straight line through the two largest
    sizes (fixed start-up cost plus a per-item cost), or proportional with one point."""
    if len(points) == 1:
        (known, seconds), = points
        return seconds * size / known
    (x1, y1), (x2, y2) = points[-2], points[-1]
    per_item = (y2 - y1) / (x2 - x1)
    return y2 + per_item * (size - x2)


def baseline_for(rows, size, phase):
    """The tool ratios at ``size`` and ``phase`` are taken to: the fastest form of server-side apply
    measured there (by its median), else kubectl apply."""
    measured = [(rows[(tool, size, phase)]["seconds"], index, tool) for index, tool in enumerate(SSA_FORMS)
                if (tool, size, phase) in rows and not rows[(tool, size, phase)]["extrapolated"]]
    return min(measured)[2] if measured else BASELINE


def ratio(rows, tool, size, phase, baseline=None):
    baseline = baseline or baseline_for(rows, size, phase)
    row, base = rows.get((tool, size, phase)), rows.get((baseline, size, phase))
    if not row or not base or not base["seconds"]:
        return None
    return row["seconds"] / base["seconds"]


def _cell(rows, tool, size, phase):
    row = rows.get((tool, size, phase))
    if not row:
        return "-"
    text = "%.2f s" % row["seconds"]
    if row["extrapolated"]:
        text = "~" + text + " (extrap.)"
    elif row["runs"] > 1:
        text += " [%.2f-%.2f]" % (row["min"], row["max"])
    factor = ratio(rows, tool, size, phase)
    if factor is not None and tool != baseline_for(rows, size, phase):
        text += " = %.2fx" % factor
    return text


def _peak_cell(peaks, tool, size):
    peak = peaks.get((tool, size))
    if not peak:
        return "-"
    return "%.0f / %.0f" % (peak["peak_rss_mib"], peak["peak_tree_rss_mib"])


def k8s_table(rows, peaks, sizes):
    """Markdown table: one row per size and tool; times are medians [min-max] and ratios to
    server-side apply (or kubectl apply when server-side apply did not run)."""
    header = ["N", "tool"] + [name for _phase, name in PHASES] + ["peak MiB (process / tree)"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    rows_in_order = []
    for tool, label in TOOLS:
        rows_in_order.append((tool, label))
        if tool == "floor":
            rows_in_order.extend(LOWER_BOUNDS)
    for size in sizes:
        for tool, label in rows_in_order:
            if not any((tool, size, phase) in rows for phase, _name in PHASES):
                continue
            cells = [str(size), label] + [_cell(rows, tool, size, phase) for phase, _name in PHASES] + [_peak_cell(peaks, tool, size)]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def per_task(rows, tool, size, phase):
    """Seconds per task of a per-item loop at ``size``: its time less the trivial play's (the start
    every run pays once), over the number of tasks; None unless both were measured."""
    row, trivial = rows.get((tool, size, phase)), rows.get(("trivial", size, "noop"))
    if not row or not trivial or row["extrapolated"] or not size:
        return None
    return (row["seconds"] - trivial["seconds"]) / size


def per_task_size(rows):
    """The largest size at which both loops and the trivial play were measured, or None."""
    sizes = [size for (tool, size, phase), row in rows.items()
             if tool == "loop" and phase == "noop" and not row["extrapolated"]
             and ("command", size, "noop") in rows and ("trivial", size, "noop") in rows]
    return max(sizes) if sizes else None


def _quotient(numerator, denominator):
    return numerator / denominator if numerator is not None and denominator else None


def _seconds(rows, tool, size, phase):
    row = rows.get((tool, size, phase))
    return row["seconds"] if row else None


def targets(rows, peaks, size=1000):
    """The performance issue's targets at ``size``: list of ``(description, measured text, met or None)``."""
    results = []

    def add(description, value, limit, higher_is_better=False, unit="x"):
        if value is None:
            results.append((description, "not measured", None))
            return
        met = value >= limit if higher_is_better else value <= limit
        results.append((description, "%.2f%s" % (value, unit), met))

    for phase, name, limit in SSA_TARGETS:
        best = baseline_for(rows, size, phase)
        if best not in SSA_FORMS:
            continue
        value = ratio(rows, "bulk", size, phase, best)
        if limit is None:  # context, not a target: met is None
            description = "(bulk %s vs kubectl apply --server-side at its best)" % name
            results.append((description, "not measured" if value is None else "%.2fx" % value, None))
        else:
            add("bulk %s <= %.1fx kubectl apply --server-side at its best" % (name, limit), value, limit)
        if value is not None:
            results[-1] = (results[-1][0], "%s (vs %s)" % (results[-1][1], SSA_FORM_LABELS[best]), results[-1][2])
    if ("floor", size, "noop") in rows:
        floor = _seconds(rows, "floor", size, "noop")
        add("bulk no-change <= 1.6x the floor (trivial play + one LIST)", _quotient(_seconds(rows, "bulk", size, "noop"), floor), 1.6)
        for tool, label in LOWER_BOUNDS:
            if (tool, size, "noop") in rows:  # context for the target above, not a target: met is None
                results.append(("(%s, against the same floor)" % label, "%.2fx" % _quotient(_seconds(rows, tool, size, "noop"), floor), None))
    loop_size = per_task_size(rows)
    if loop_size:
        for phase, name in (("noop", "no change"), ("create", "create")):
            add("one Secret per task (%s, loop of %d) <= 1.5x ansible.builtin.command per task" % (name, loop_size),
                _quotient(per_task(rows, "loop", loop_size, phase), per_task(rows, "command", loop_size, "noop")), 1.5)
    for phase, name in (("create", "create"), ("noop", "no-change")):  # context: client-side apply is the weaker peer
        value = ratio(rows, "bulk", size, phase, "kubectl")
        if value is not None:
            results.append(("(bulk %s vs kubectl apply, client-side, one JSON List)" % name, "%.2fx" % value, None))
    bulk, kcore = rows.get(("bulk", size, "create")), rows.get(("kcore", size, "create"))
    if kcore:
        speedup = kcore["seconds"] / bulk["seconds"] if bulk and bulk["seconds"] else None
        label = "bulk create >= 20x faster than kubernetes.core loop"
        if kcore["extrapolated"]:
            label += " (kubernetes.core extrapolated)"
        add(label, speedup, 20.0, higher_is_better=True)
    peak = peaks.get(("bulk", size))
    add("bulk peak memory < 100 MiB (largest process)", peak and peak["peak_rss_mib"], 100.0, unit=" MiB")
    return results


def load_range(records):
    """``", load average A-B"``: the 1-minute load average before the measurements (empty if unknown)."""
    loads = [record["load_1m_before"] for record in records if record.get("load_1m_before") is not None]
    return ", 1-minute load average %.1f-%.1f before the measurements" % (min(loads), max(loads)) if loads else ""


def floor_lines(rows, sizes):
    """One line per size with the floor's parts and the per-task costs of the loops (Markdown list)."""
    lines = []
    for size in sizes:
        trivial, listed = _seconds(rows, "trivial", size, "noop"), _seconds(rows, "list", size, "noop")
        if trivial is not None and listed is not None:
            lines.append("- N=%d: floor = trivial play %.2f s + one LIST of the %d Secrets %.3f s" % (size, trivial, size, listed))
        bulk, received = _seconds(rows, "bulk", size, "noop"), _seconds(rows, "receive", size, "noop")
        if bulk is not None and received is not None:
            lines.append("- N=%d: bulk no-change %.2f s less a module receiving the same items and doing nothing %.2f s = "
                         "%.2f s, the module's own work (its imports, validating the items, the LIST, planning, masking, results)"
                         % (size, bulk, received, bulk - received))
        costs = ["%s %s %.3f s" % (tool, name, per_task(rows, tool, size, phase))
                 for tool in ("loop", "command") for phase, name in PHASES if per_task(rows, tool, size, phase) is not None]
        if costs:
            lines.append("- N=%d: per task (loop time less the trivial play, over N): %s" % (size, "; ".join(costs)))
    return "\n".join(lines)


def targets_table(results):
    lines = ["| target | measured | met |", "|---|---|---|"]
    for description, measured, met in results:
        lines.append("| %s | %s | %s |" % (description, measured, {True: "yes", False: "NO", None: "-"}[met]))
    return "\n".join(lines)


def vault_summary(records):
    grouped = {}
    for record in records:
        grouped.setdefault((record["variant"], record["phase"]), []).append(record)
    return {key: {"seconds": _median([r["seconds"] for r in group]), "min": min(r["seconds"] for r in group),
                  "max": max(r["seconds"] for r in group), "runs": len(group), "count": group[0]["count"],
                  "peak_rss_mib": max(r["peak_rss_mib"] for r in group)}
            for key, group in grouped.items()}


def vault_table(summary):
    header = ["variant"] + [name for _phase, name in VAULT_PHASES] + ["peak MiB (process)"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for variant, label in VAULT_VARIANTS:
        cells = [label]
        peak = 0.0
        for phase, _name in VAULT_PHASES:
            row = summary.get((variant, phase))
            if not row:
                cells.append("-")
                continue
            peak = max(peak, row["peak_rss_mib"])
            text = "%.2f s" % row["seconds"]
            if row["runs"] > 1:
                text += " [%.2f-%.2f]" % (row["min"], row["max"])
            other = summary.get(("loop", phase))
            if variant == "list" and other and row["seconds"]:
                text += " (%.1fx faster)" % (other["seconds"] / row["seconds"])
            cells.append(text)
        cells.append("%.0f" % peak if peak else "-")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
