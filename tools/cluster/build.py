"""Builds the local test environment's control-plane binaries from the pinned Go modules.

kube-apiserver, kube-controller-manager, kube-scheduler and etcd come from the module in
``tools/cluster/kubernetes``; kwok comes from ``tools/cluster/kwok``. Binaries land in
``<cache>/bin/<key>/`` where ``<cache>`` is ``$SECRETOPS_CACHE_DIR`` or ``~/.cache/secretops`` and
``<key>`` is the Kubernetes version plus a short hash of the go.mod/go.sum pins, so changing a pin
builds a fresh set and an unchanged pin reuses what is there.

Flags follow ``go build`` defaults (cgo as the toolchain decides, no ``-trimpath``): both are part of
Go's build-cache keys, so keeping them default lets a plain ``go build`` of the same modules and
this script share one compile cache. Only linker flags are added: ``-s -w`` (smaller binaries) and, for
the Kubernetes binaries, ``-X`` stamps of the release version, which ``go build`` alone leaves at
``v0.0.0-master`` (clients and ``/version`` would report a meaningless version otherwise).

Usage: python tools/cluster/build.py [--print-dir]
"""

import argparse
import fcntl
import hashlib
import os
import re
import subprocess
import sys
import time

CLUSTER_DIR = os.path.dirname(os.path.abspath(__file__))
KUBERNETES_MODULE_DIR = os.path.join(CLUSTER_DIR, "kubernetes")
KWOK_MODULE_DIR = os.path.join(CLUSTER_DIR, "kwok")
PIN_FILES = [os.path.join(module_dir, name) for module_dir in (KUBERNETES_MODULE_DIR, KWOK_MODULE_DIR) for name in ("go.mod", "go.sum")]

# binary name -> (module directory to build from, Go package)
BINARIES = {
    "etcd": (KUBERNETES_MODULE_DIR, "go.etcd.io/etcd/server/v3"),
    "kube-apiserver": (KUBERNETES_MODULE_DIR, "k8s.io/kubernetes/cmd/kube-apiserver"),
    "kube-controller-manager": (KUBERNETES_MODULE_DIR, "k8s.io/kubernetes/cmd/kube-controller-manager"),
    "kube-scheduler": (KUBERNETES_MODULE_DIR, "k8s.io/kubernetes/cmd/kube-scheduler"),
    "kwok": (KWOK_MODULE_DIR, "sigs.k8s.io/kwok/cmd/kwok"),
}


class BuildError(Exception):
    """A binary could not be built; the message holds the command and its output."""


def cache_root():
    return os.environ.get("SECRETOPS_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "secretops")


def kubernetes_version():
    with open(os.path.join(KUBERNETES_MODULE_DIR, "go.mod"), encoding="utf-8") as handle:
        match = re.search(r"^\s*k8s\.io/kubernetes\s+(v\S+)", handle.read(), re.MULTILINE)
    if not match:
        raise BuildError("tools/cluster/kubernetes/go.mod does not require k8s.io/kubernetes")
    return match.group(1)


def version_ldflags():
    """The -X stamps the Kubernetes release build sets, so /version reports the pinned release."""
    version = kubernetes_version()
    major, minor = version.lstrip("v").split(".")[:2]
    stamps = {"gitVersion": version, "gitMajor": major, "gitMinor": minor, "gitTreeState": "clean"}
    return " ".join("-X %s.%s=%s" % (package, key, value)
                    for package in ("k8s.io/component-base/version", "k8s.io/client-go/pkg/version")
                    for key, value in sorted(stamps.items()))


def ldflags(name):
    flags = "-s -w"
    if BINARIES[name][0] == KUBERNETES_MODULE_DIR and name != "etcd":
        flags += " " + version_ldflags()
    return flags


def pins_hash():
    """Short hash of the pins and the build recipe: changing either builds into a fresh directory."""
    digest = hashlib.sha256()
    digest.update(" ".join(ldflags(name) for name in sorted(BINARIES)).encode())
    for path in PIN_FILES:
        with open(path, "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:10]


def bin_dir():
    """Directory holding the binaries for the current pins (it may not exist yet)."""
    return os.path.join(cache_root(), "bin", "%s-%s" % (kubernetes_version(), pins_hash()))


def go_env():
    env = dict(os.environ)
    # Never let go.mod's toolchain line trigger a toolchain download: build with the Go on the machine.
    env["GOTOOLCHAIN"] = "local"
    return env


def build_binary(name, target_dir):
    module_dir, package = BINARIES[name]
    target = os.path.join(target_dir, name)
    partial = "%s.partial-%d" % (target, os.getpid())
    command = ["go", "build", "-ldflags=" + ldflags(name), "-o", partial, package]
    started = time.monotonic()
    print("build: %s ..." % name, flush=True)
    result = subprocess.run(command, cwd=module_dir, env=go_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    if result.returncode != 0:
        raise BuildError("building %s failed (exit %d)\n  command: (cd %s && GOTOOLCHAIN=local %s)\n%s"
                         % (name, result.returncode, module_dir, " ".join(command), result.stdout))
    # Rename only once complete, so an interrupted build never leaves a binary that looks usable.
    os.replace(partial, target)
    print("build: %s done in %.0fs" % (name, time.monotonic() - started), flush=True)


def ensure_built(names=None, quiet=False):
    """Build whichever binaries are missing and return the directory that holds them all."""
    target_dir = bin_dir()
    os.makedirs(target_dir, exist_ok=True)
    # Several callers (make env-up, a test session, CI steps) may build at once: take turns.
    with open(os.path.join(target_dir, ".lock"), "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        missing = [name for name in (names or BINARIES) if not os.access(os.path.join(target_dir, name), os.X_OK)]
        if missing:
            started = time.monotonic()
            for name in missing:
                build_binary(name, target_dir)
            print("build: %d binaries in %s after %.0fs" % (len(missing), target_dir, time.monotonic() - started), flush=True)
        elif not quiet:
            print("build: all binaries present in %s" % target_dir, flush=True)
    return target_dir


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print-dir", action="store_true", help="only print the binary directory for the current pins")
    args = parser.parse_args(argv)
    if args.print_dir:
        print(bin_dir())
        return 0
    try:
        ensure_built()
    except BuildError as exc:
        print("build: ERROR: %s" % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
