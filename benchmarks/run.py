"""Benchmark: converging many Kubernetes Secrets (and Vault policies and roles) with this collection
against the tools users would pick instead. Run from the repository root:

    make bench          # or: .venv/bin/python benchmarks/run.py [--sizes 100,300,1000] [--repeat 2]

It starts the local environment if it is not running (tools/cluster/localenv.py up), creates the
comparison virtualenv with the PyPI ``ansible`` package (kubernetes.core) under
``~/.cache/secretops/bench-venv``, runs every tool against its own namespace, checks that each run
left exactly the expected Secrets, deletes what it created, prints the tables and writes
``benchmarks/results/<timestamp>.json`` and ``benchmarks/results/latest.md``.
See benchmarks/README.md for what is measured and how.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
sys.path.insert(0, BENCH_DIR)
sys.path.insert(0, REPO_ROOT)

import yaml  # noqa: E402  pylint: disable=wrong-import-position

import cluster  # noqa: E402  pylint: disable=wrong-import-position
import measure  # noqa: E402  pylint: disable=wrong-import-position
import peers  # noqa: E402  pylint: disable=wrong-import-position
import playbooks  # noqa: E402  pylint: disable=wrong-import-position
import report  # noqa: E402  pylint: disable=wrong-import-position
import secretset  # noqa: E402  pylint: disable=wrong-import-position
import tlspair  # noqa: E402  pylint: disable=wrong-import-position
import vault_bench  # noqa: E402  pylint: disable=wrong-import-position
from tests.conftest import COLLECTIONS_ROOT  # noqa: E402  pylint: disable=wrong-import-position
from tests.integration.ansible_run import ansible_env  # noqa: E402  pylint: disable=wrong-import-position

PROJECT_BIN = os.path.dirname(sys.executable)  # the virtualenv that runs the benchmark (make bench: .venv)
BENCH_VENV = os.path.join(os.path.expanduser("~"), ".cache", "secretops", "bench-venv")
# kubernetes.core comes with the PyPI "ansible" package; it lives only in this separate virtualenv
BENCH_REQUIREMENTS = ["ansible>=12,<13", "kubernetes>=29", "PyYAML>=6"]
RESULTS_DIR = os.path.join(BENCH_DIR, "results")
PHASES = ("create", "noop", "change10")


def log(message):
    print("[bench %s] %s" % (time.strftime("%H:%M:%S"), message), flush=True)


def ensure_bench_venv():
    """The comparison virtualenv (ansible + kubernetes.core + kubernetes), created once and reused."""
    stamp = os.path.join(BENCH_VENV, ".secretops-bench")
    wanted = "\n".join(BENCH_REQUIREMENTS)
    if os.path.exists(stamp):
        with open(stamp) as handle:
            if handle.read() == wanted:
                return BENCH_VENV
    log("creating %s with %s (about a minute)" % (BENCH_VENV, ", ".join(BENCH_REQUIREMENTS)))
    subprocess.check_call([sys.executable, "-m", "venv", "--clear", BENCH_VENV])
    subprocess.check_call([os.path.join(BENCH_VENV, "bin", "python"), "-m", "pip", "install", "--quiet"] + BENCH_REQUIREMENTS)
    with open(stamp, "w") as handle:
        handle.write(wanted)
    return BENCH_VENV


class Runner(object):
    """Runs one playbook or command per measurement and keeps the records."""

    def __init__(self, env, workdir, bench_venv, kubectl="kubectl", machine_kubectl=None):
        self.env = env
        self.workdir = workdir
        self.bench_venv = bench_venv
        self.kubectl = kubectl
        self.machine_kubectl = machine_kubectl
        self.records = []

    def kubectl_for(self, tool):
        return self.machine_kubectl if tool in peers.MACHINE_VARIANTS else self.kubectl

    def ansible_command(self, tool, playbook_path):
        bin_dir = os.path.join(self.bench_venv, "bin") if tool == "kcore" else PROJECT_BIN
        command = [os.path.join(bin_dir, "ansible-playbook"), "-i", "localhost,", "-c", "local", playbook_path]
        run_env = ansible_env({
            "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default",  # the callback users see; json would buffer every result
            "ANSIBLE_PYTHON_INTERPRETER": os.path.join(bin_dir, "python"),
            "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_ROOT,
            "ANSIBLE_LIBRARY": os.path.join(BENCH_DIR, "library"),  # bench_receive, for the lower bounds
            "KUBECONFIG": self.env["kubeconfig"],
            "K8S_AUTH_KUBECONFIG": self.env["kubeconfig"],
            "VAULT_ADDR": self.env["vault_addr"],
            "VAULT_TOKEN": self.env["vault_token"],
        })
        run_env["PATH"] = bin_dir + os.pathsep + run_env["PATH"]
        for name in ("ANSIBLE_CALLBACKS_ENABLED", "ANSIBLE_CALLBACK_PLUGINS"):
            run_env.pop(name)  # the integration tests' result recorder, which users do not run
        return command, run_env

    def kubectl_env(self):
        return dict(os.environ, KUBECONFIG=self.env["kubeconfig"])

    def measure(self, name, command, run_env):
        log_path = os.path.join(self.workdir, name + ".log")
        load = os.getloadavg()[0]
        result = measure.run(command, env=run_env, cwd=self.workdir, log_path=log_path)
        if result.returncode != 0:
            with open(log_path, errors="replace") as handle:
                tail = handle.read()[-3000:]
            raise RuntimeError("%s failed (exit %s); last output:\n%s" % (name, result.returncode, tail))
        record = result.as_dict()
        record["load_1m_before"] = round(load, 2)
        return record


def write_inputs(workdir, tool, namespace, specs, changed, name):
    """Write the vars file (Ansible tools) or the manifest in the variant's form (kubectl) for both
    content versions."""
    paths = {}
    for version, version_specs in (("initial", specs), ("changed", changed)):
        if tool in peers.VARIANTS:
            path = os.path.join(workdir, "%s-%s%s" % (name, version, peers.input_suffix(tool)))
            with open(path, "w") as handle:
                handle.write(peers.manifest_text(tool, [secretset.manifest(spec, namespace) for spec in version_specs]))
        else:
            path = os.path.join(workdir, "%s-%s.vars.json" % (name, version))
            if tool == "kcore":
                data = {"bench_manifests": [secretset.manifest(spec, namespace) for spec in version_specs]}
            else:
                data = {"bench_items": [secretset.module_item(spec, namespace) for spec in version_specs]}
            with open(path, "w") as handle:
                json.dump(data, handle)
        paths[version] = path
    return paths


PLAYBOOK_BUILDERS = {"bulk": playbooks.bulk, "loop": playbooks.loop, "kcore": playbooks.kcore_loop, "command": playbooks.command_loop}
# tools that change nothing: measured once per repeat, with nothing to check afterwards
NO_STATE_TOOLS = ("command",)


def _log_record(record, problem=None):
    log("%-8s N=%-5d %-9s %7.2f s  cpu %6.2f s  peak %4.0f MiB (tree %4.0f)  load %.1f%s" % (
        record["tool"], record["size"], record["phase"], record["seconds"], record["cpu_seconds"], record["peak_rss_mib"],
        record["peak_tree_rss_mib"], record["load_1m_before"], "" if problem is None else "  CHECK FAILED: " + problem))


# Measured beside the floor, same round: what Ansible charges before any module does work, the
# least a task receiving the N items can cost. Tool name -> playbook builder (given the vars file).
LOWER_BOUNDS = {
    "anymodule": lambda _vars_file: playbooks.any_module(),
    "anytask": playbooks.receiving_task,
    "receive": playbooks.receiving_module,
}


def measure_floor(runner, kube, namespace, size, repeat, vars_file):
    """The floor of a no-change run, next to the bulk form's: a trivial play (ansible-playbook's
    start) plus one LIST of the namespace that holds the N Secrets (the least a converging tool must
    read). Records the two parts (``trivial``, ``list``) and their sum (``floor``), then the lower
    bounds (``LOWER_BOUNDS``), each a play of its own."""
    common = {"size": size, "phase": "noop", "repeat": repeat, "verified": True}
    trivial = _measure_play(runner, "trivial-%d-r%d" % (size, repeat), playbooks.trivial())
    list_seconds, listed = kube.timed_list(namespace)
    if listed < size:  # the N Secrets, and the namespace's content-key Secret k8s_secret keeps
        raise RuntimeError("the floor's LIST found %d Secrets in %s, fewer than %d" % (listed, namespace, size))
    listing = dict(common, tool="list", seconds=round(list_seconds, 4), cpu_seconds=0.0, peak_rss_mib=0.0, peak_tree_rss_mib=0.0,
                   load_1m_before=trivial["load_1m_before"])
    floor = dict(trivial, **common)
    floor.update(tool="floor", seconds=round(trivial["seconds"] + list_seconds, 3))
    records = [dict(trivial, tool="trivial", **common), listing, floor]
    for tool, builder in LOWER_BOUNDS.items():
        record = _measure_play(runner, "%s-%d-r%d" % (tool, size, repeat), builder(vars_file))
        record.update(common, tool=tool)
        records.append(record)
    for record in records:
        runner.records.append(record)
        _log_record(record)


def _measure_play(runner, name, plays):
    playbook_path = os.path.join(runner.workdir, name + ".yml")
    with open(playbook_path, "w") as handle:
        yaml.safe_dump(plays, handle, sort_keys=False)
    return runner.measure(name, *runner.ansible_command("bulk", playbook_path))


def run_tool(runner, kube, tool, size, repeat, specs, changed, run_id, with_floor=False):
    namespace = "bench-%s-%d-%s-%d" % (tool, size, run_id, repeat)
    name = "%s-%d-r%d" % (tool, size, repeat)
    inputs = write_inputs(runner.workdir, tool, namespace, specs, changed, name)
    kube.create_namespace(namespace)
    try:
        for phase in (("noop",) if tool in NO_STATE_TOOLS else PHASES):
            version = "changed" if phase == "change10" else "initial"
            if tool in peers.VARIANTS:
                command = peers.command(runner.kubectl_for(tool), tool, inputs[version])
                run_env = runner.kubectl_env()
            else:
                playbook_path = os.path.join(runner.workdir, "%s-%s.yml" % (name, phase))
                with open(playbook_path, "w") as handle:
                    yaml.safe_dump(PLAYBOOK_BUILDERS[tool](inputs[version]), handle, sort_keys=False)
                command, run_env = runner.ansible_command(tool, playbook_path)
            record = runner.measure("%s-%s" % (name, phase), command, run_env)
            problem = None if tool in NO_STATE_TOOLS else kube.check_secrets(namespace, changed if phase == "change10" else specs)
            record.update({"tool": tool, "size": size, "phase": phase, "repeat": repeat, "verified": problem is None})
            runner.records.append(record)
            _log_record(record, problem)
            if with_floor and phase == "noop":
                measure_floor(runner, kube, namespace, size, repeat, inputs["initial"])
    finally:
        kube.delete_namespace(namespace)


def k8s_plan(args, available):
    """(repeat, size, tool) in run order. Tools alternate order between repeats so drift in the
    machine's load does not always favour the same one."""
    plan = []
    for repeat in range(args.repeat):
        for size in args.sizes:
            tools = [tool for tool in args.tools if tool in available]
            if repeat % 2:
                tools.reverse()
            for tool in tools:
                if tool in report.PER_ITEM_TOOLS:
                    limit = args.skip_kcore_above if tool == "kcore" else args.skip_loop_above
                    if size > limit or repeat >= args.loop_repeat:
                        continue
                plan.append((repeat, size, tool))
    return plan


def versions(bench_venv, kubectl="kubectl", machine_kubectl=None):
    def output(command):
        try:
            return subprocess.check_output(command, stderr=subprocess.STDOUT, text=True).strip()
        except (OSError, subprocess.CalledProcessError) as exc:
            return "unavailable (%s)" % exc

    kcore = output([os.path.join(bench_venv, "bin", "python"), "-c",
                    "import json, os; import ansible_collections.kubernetes.core as c;"
                    "print(json.load(open(os.path.join(list(c.__path__)[0], 'MANIFEST.json')))['collection_info']['version'])"])

    def kubectl_version(binary):
        return output([binary, "version", "--client", "-o", "json"]).split('"gitVersion": "')[-1].split('"')[0]

    return {
        "ansible_core": output([os.path.join(PROJECT_BIN, "python"), "-c", "import ansible; print(ansible.__version__)"]),
        "bench_ansible_core": output([os.path.join(bench_venv, "bin", "python"), "-c", "import ansible; print(ansible.__version__)"]),
        "kubernetes_core": kcore,
        "kubectl": kubectl_version(kubectl),
        "kubectl_path": kubectl,
        "machine_kubectl": kubectl_version(machine_kubectl) if machine_kubectl else None,
        "python": platform.python_version(),
    }


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), model)
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "kernel": platform.release(),
            "mem_total_mib": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024)}


DEFAULT_TOOLS = "bulk,ssa,ssa-yaml,ssa-yaml-novalidate,floor,loop,command,kcore,kubectl"


def _kubectl_versions(found, tools):
    text = found["kubectl"]
    if found.get("machine_kubectl") and any(tool in peers.MACHINE_VARIANTS for tool in tools):
        text += " (the machine's: %s)" % found["machine_kubectl"]
    return text


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,1000", help="comma-separated Secret counts (default 20,1000)")
    parser.add_argument("--secret-set", default="opaque", choices=secretset.SECRET_SETS,
                        help="opaque: small Opaque Secrets (default); mixed: Opaque, tls, dockerconfigjson and basic-auth")
    parser.add_argument("--repeat", type=int, default=2, help="times every measurement is repeated (default 2; tables show the median and range)")
    parser.add_argument("--loop-repeat", type=int, default=1, help="repeats for the slow per-item variants, Kubernetes and Vault (default 1)")
    parser.add_argument("--skip-loop-above", type=int, default=20,
                        help="largest N for this collection's loop and the command loop (default 20; larger N extrapolated)")
    parser.add_argument("--skip-kcore-above", type=int, default=20, help="largest N for the kubernetes.core loop (default 20; larger N extrapolated)")
    parser.add_argument("--tools", default=DEFAULT_TOOLS,
                        help="subset of %s (floor runs beside bulk)" % ",".join(tool for tool, _label in report.TOOLS))
    parser.add_argument("--vault-count", type=int, default=200, help="policies and roles in the Vault benchmark (default 200 each; 0 skips it)")
    parser.add_argument("--keep-workdir", action="store_true", help="keep playbooks, manifests and logs (their path is printed)")
    parser.add_argument("--real-pods", default="",
                        help="run only the real-pod rotation latency benchmark for these consumer counts, e.g. 1,10,50 (benchmarks/real_pods.py)")
    args = parser.parse_args(argv)
    args.real_pods = [int(size) for size in args.real_pods.split(",") if size]
    args.sizes = [int(size) for size in args.sizes.split(",") if size]
    args.tools = [tool for tool in args.tools.split(",") if tool]
    unknown = set(args.tools) - set(dict(report.TOOLS))
    if unknown:
        parser.error("unknown tools: %s" % ", ".join(sorted(unknown)))
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.real_pods:
        import real_pods  # noqa: E402  pylint: disable=import-outside-toplevel
        real_pods.run(args.real_pods, os.path.join(PROJECT_BIN, "python"))
        return 0
    started = time.monotonic()
    env = cluster.ensure_local_env(os.path.join(PROJECT_BIN, "python"), REPO_ROOT, log)
    bench_venv = ensure_bench_venv() if "kcore" in args.tools else BENCH_VENV
    available = [tool for tool in ("bulk", "loop") if os.path.exists(os.path.join(REPO_ROOT, "plugins", "modules", "k8s_secret.py"))]
    notes = []
    kubectl, machine_kubectl = "kubectl", shutil.which("kubectl")
    if any(tool in peers.VARIANTS for tool in args.tools):
        kubectl, note = cluster.kubectl_binary(os.path.join(PROJECT_BIN, "python"), REPO_ROOT, log)
        notes += [note] if note else []
    available += ["command", "kcore"] + [tool for tool in peers.VARIANTS if machine_kubectl or tool not in peers.MACHINE_VARIANTS]
    run_id = datetime.datetime.now().strftime("%H%M%S")
    workdir = tempfile.mkdtemp(prefix="secretops-bench-")
    runner = Runner(env, workdir, bench_venv, kubectl, machine_kubectl)
    kube = cluster.Kube(env["kubeconfig"])
    tls_initial, tls_changed = tlspair.generate("bench.example.com"), tlspair.generate("bench-rotated.example.com")
    if "bulk" not in available:
        notes.append("plugins/modules/k8s_secret.py does not exist yet: this collection's variants were not run")
    log("workdir %s; %d cores; plan: %s" % (workdir, os.cpu_count(), ", ".join("%s@%d" % (t, s) for _r, s, t in k8s_plan(args, available))))
    # SIGTERM as Ctrl-C: stop measuring and still write what was measured
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    vault_records = []
    try:
        for repeat, size, tool in k8s_plan(args, available):
            specs = secretset.build_specs(size, tls_initial, secret_set=args.secret_set)
            changed = secretset.changed_specs(specs, tls_changed)
            try:
                run_tool(runner, kube, tool, size, repeat, specs, changed, run_id, with_floor=tool == "bulk" and "floor" in args.tools)
            except RuntimeError as exc:  # one tool failing must not cost the others' measurements
                log("FAILED: %s" % exc)
                notes.append("%s at N=%d (repeat %d) failed: %s" % (tool, size, repeat, str(exc).splitlines()[0]))
        if args.vault_count:
            try:
                vault_records, vault_notes = vault_bench.run(runner, env, args.vault_count, args.repeat, args.loop_repeat, run_id, log)
                notes += vault_notes
            except RuntimeError as exc:
                log("FAILED: %s" % exc)
                notes.append("Vault benchmark failed: %s" % str(exc).splitlines()[0])
    except KeyboardInterrupt:
        log("interrupted: writing the %d measurements taken" % len(runner.records))
        notes.append("interrupted after %d measurements; the plan was not completed" % len(runner.records))
    finally:
        if args.keep_workdir:
            log("kept %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return write_results(args, runner.records, vault_records, notes, bench_venv, time.monotonic() - started, kubectl, machine_kubectl)


def write_results(args, records, vault_records, notes, bench_venv, elapsed, kubectl="kubectl", machine_kubectl=None):
    rows, peaks = report.summarize(records, extrapolate_to=args.sizes)
    largest = max(args.sizes)
    now = datetime.datetime.now(datetime.timezone.utc)
    meta = {"date": now.strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(), "versions": versions(bench_venv, kubectl, machine_kubectl),
            "arguments": vars(args), "elapsed_seconds": round(elapsed, 1), "notes": notes}
    k8s_md = report.k8s_table(rows, peaks, args.sizes)
    targets_md = report.targets_table(report.targets(rows, peaks, size=largest))
    floor_md = report.floor_lines(rows, args.sizes)
    vault_md = report.vault_table(report.vault_summary(vault_records)) if vault_records else "(Vault benchmark not run)"
    failed_checks = [r for r in records + vault_records if not r.get("verified", True)]
    text = "\n".join([
        "Measured %s on %d cores (%s), ansible-core %s, kubernetes.core %s, kubectl %s; %d of %d repeat(s) begun; %.0f s in all%s."
        % (meta["date"], meta["machine"]["nproc"], meta["machine"]["cpu"], meta["versions"]["ansible_core"],
           meta["versions"]["kubernetes_core"], _kubectl_versions(meta["versions"], args.tools), len(set(r["repeat"] for r in records)), args.repeat,
           elapsed, report.load_range(records)),
        "", "Kubernetes Secrets (%s set): median wall time [min-max over repeats] = ratio to kubectl apply --server-side at its "
        "best (the fastest of its forms in the same kind of run; to kubectl apply where it did not run); peak RSS in MiB "
        "(largest single process / whole process tree):" % args.secret_set,
        "", k8s_md, "", floor_md,
        "", "Targets at N=%d:" % largest, "", targets_md,
        "", "Vault: %d policies + %d roles:" % (args.vault_count, args.vault_count), "", vault_md,
    ] + (["", "Notes:"] + ["- " + note for note in notes] if notes else [])
      + (["", "CHECK FAILURES: %d runs left a state other than expected (see the JSON)" % len(failed_checks)] if failed_checks else []))
    print("\n" + text, flush=True)
    os.makedirs(RESULTS_DIR, exist_ok=True)
    stem = now.strftime("%Y%m%d-%H%M%S")
    with open(os.path.join(RESULTS_DIR, stem + ".json"), "w") as handle:
        json.dump({"meta": meta, "k8s": records, "vault": vault_records}, handle, indent=1, sort_keys=True)
    with open(os.path.join(RESULTS_DIR, "latest.md"), "w") as handle:
        handle.write(text + "\n")
    log("wrote benchmarks/results/%s.json and benchmarks/results/latest.md" % stem)
    return 1 if failed_checks else 0


if __name__ == "__main__":
    sys.exit(main())
