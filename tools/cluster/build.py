"""Builds the local test environment's server binaries from the pinned Go modules.

kube-apiserver, kube-controller-manager, kube-scheduler, etcd and kwok come from the module in
``tools/cluster/kubernetes`` (and kubelet, for the real node): kwok is built against the server's own
k8s.io libraries, so it compiles none of its own (a separate module compiled a second set, about 4 min
of a cold build). kube-apiserver is built from ``tools/cluster/kubernetes/cmd/kube-apiserver``:
upstream's main plus one flag, ``--encryption-provider-config-poll-interval`` (the poll period
k8s.io/apiserver exports for integration tests; upstream's is a minute), so the encryption-at-rest
tests see a new configuration in force within seconds. kubectl comes from the same
Kubernetes module (so it is the server's own version) but is built only on demand (``--only kubectl``,
``ensure_kubectl()``): the benchmark needs it, the local environment does not. Binaries land in
``<cache>/bin/<key>/`` where ``<cache>`` is ``$SECRETOPS_CACHE_DIR`` or ``~/.cache/secretops`` and
``<key>`` is the Kubernetes version plus a short hash of the go.mod/go.sum pins, so changing a pin
builds a fresh set and an unchanged pin reuses what is there.

The KMS v2 plugin (``secretops-kms-plugin``, the collection's own Go code in ``tools/cluster/kms``)
is built with the Kubernetes set into ``<cache>/bin/kms-<hash>/``, keyed by its source, pins and
recipe, so the encryption-at-rest role and tests find it (``--print-kms``); it compiles in seconds.
It is static (``CGO_ENABLED=0``): as a kubeadm static Pod it runs in an image without a C library
(the role's default, distroless static), where a cgo build fails to start (no loader).

HashiCorp Vault comes from ``tools/cluster/vault`` into ``<cache>/bin/vault-<version>-<hash>/``,
keyed the same way by its own pins. Its ~1.5 GB of modules are fetched by ``go mod download`` in the
background while the Kubernetes binaries compile (the download waits on the network, the compile on
the CPU), and both steps print their progress, since together they take many minutes on 2 cores.

Flags follow ``go build`` defaults (cgo as the toolchain decides, no ``-trimpath``): both are part of
Go's build-cache keys, so keeping them default lets a plain ``go build`` of the same modules and
this script share one compile cache. Only linker flags are added: ``-s -w`` (smaller binaries) and, for
the Kubernetes binaries, ``-X`` stamps of the release version, which ``go build`` alone leaves at
``v0.0.0-master`` (clients and ``/version`` would report a meaningless version otherwise).

The real node's kubelet comes from the Kubernetes module too; its test workload (the consumer app
and the sandbox's pause program, ``tools/cluster/consumer``) is built static (``CGO_ENABLED=0``, so
an image needs no libc) into ``<cache>/bin/consumer-<hash>/``, keyed by its pins and sources.

Usage: python tools/cluster/build.py [--print-dir | --print-vault | --print-kms | --only kubernetes|vault|kubectl|consumer|kms]
"""

import argparse
import contextlib
import fcntl
import hashlib
import os
import re
import subprocess
import sys
import threading
import time

CLUSTER_DIR = os.path.dirname(os.path.abspath(__file__))
KUBERNETES_MODULE_DIR = os.path.join(CLUSTER_DIR, "kubernetes")
VAULT_MODULE_DIR = os.path.join(CLUSTER_DIR, "vault")
CONSUMER_MODULE_DIR = os.path.join(CLUSTER_DIR, "consumer")
# The real node's images hold these, static (no libc in an image): binary name -> Go package.
CONSUMER_BINARIES = {"consumer": "./cmd/consumer", "pause": "./cmd/pause"}
VAULT_PACKAGE = "github.com/hashicorp/vault"
KMS_MODULE_DIR = os.path.join(CLUSTER_DIR, "kms")
KMS_BINARY = "secretops-kms-plugin"
# Static: a kubeadm static Pod runs it in an image without a C library (distroless static).
KMS_BUILD_ENV = {"CGO_ENABLED": "0"}
# Stripping the symbol table and DWARF halves the 500 MB binary and shortens its link (see docs/local-environment.md).
VAULT_LDFLAGS = "-s -w"
PROGRESS_INTERVAL = 30.0

# binary name -> (module directory to build from, Go package)
BINARIES = {
    "etcd": (KUBERNETES_MODULE_DIR, "go.etcd.io/etcd/server/v3"),
    "kube-apiserver": (KUBERNETES_MODULE_DIR, "./cmd/kube-apiserver"),
    "kube-controller-manager": (KUBERNETES_MODULE_DIR, "k8s.io/kubernetes/cmd/kube-controller-manager"),
    "kube-scheduler": (KUBERNETES_MODULE_DIR, "k8s.io/kubernetes/cmd/kube-scheduler"),
    "kwok": (KUBERNETES_MODULE_DIR, "sigs.k8s.io/kwok/cmd/kwok"),
    "kubectl": (KUBERNETES_MODULE_DIR, "k8s.io/kubernetes/cmd/kubectl"),
    "kubelet": (KUBERNETES_MODULE_DIR, "k8s.io/kubernetes/cmd/kubelet"),
}
# Not Kubernetes releases: their own version stamps are kept.
UNSTAMPED = ("etcd", "kwok")
# Built only when asked for by name (the benchmark's peer), not by the local environment's build.
ON_DEMAND = ("kubectl",)


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
    if name not in UNSTAMPED:
        flags += " " + version_ldflags()
    return flags


def pins_hash():
    """Short hash of the pins and the build recipe: changing either builds into a fresh directory."""
    digest = hashlib.sha256()
    digest.update(" ".join(ldflags(name) for name in sorted(BINARIES)).encode())
    update_with_files(digest, KUBERNETES_MODULE_DIR, module_files(KUBERNETES_MODULE_DIR))
    return digest.hexdigest()[:10]


def module_files(module_dir):
    """A Go module's pins and its own non-test Go files, in a stable order: what its builds depend on."""
    return [os.path.join(base, name) for base, _dirs, files in sorted(os.walk(module_dir)) for name in sorted(files)
            if (name.endswith(".go") and not name.endswith("_test.go")) or name in ("go.mod", "go.sum")]


def update_with_files(digest, root, paths):
    for path in paths:
        digest.update(os.path.relpath(path, root).encode() + b"\0")
        with open(path, "rb") as handle:
            digest.update(handle.read())


def bin_dir():
    """Directory holding the binaries for the current pins (it may not exist yet)."""
    return os.path.join(cache_root(), "bin", "%s-%s" % (kubernetes_version(), pins_hash()))


def go_env():
    env = dict(os.environ)
    # Never let go.mod's toolchain line trigger a toolchain download: build with the Go on the machine.
    env["GOTOOLCHAIN"] = "local"
    return env


def _module_hash(module_dir, *recipe):
    digest = hashlib.sha256(" ".join(recipe).encode())
    for name in ("go.mod", "go.sum"):
        with open(os.path.join(module_dir, name), "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:10]


def consumer_dir():
    """Directory of the consumer and pause binaries, keyed by a hash of their module's pins and sources."""
    digest = hashlib.sha256()
    update_with_files(digest, CONSUMER_MODULE_DIR, module_files(CONSUMER_MODULE_DIR))
    return os.path.join(cache_root(), "bin", "consumer-" + digest.hexdigest()[:10])


def ensure_consumer():
    """Build the consumer and pause binaries (static: CGO_ENABLED=0) if missing; return their directory."""
    target_dir = consumer_dir()
    with _locked(target_dir):
        for name, package in sorted(CONSUMER_BINARIES.items()):
            target = os.path.join(target_dir, name)
            if os.access(target, os.X_OK):
                continue
            partial = "%s.partial-%d" % (target, os.getpid())
            command = ["go", "build", "-ldflags=-s -w", "-o", partial, package]
            started = time.monotonic()
            result = subprocess.run(command, cwd=CONSUMER_MODULE_DIR, env=dict(go_env(), CGO_ENABLED="0"), stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, check=False)
            if result.returncode != 0:
                raise BuildError("building %s failed (exit %d)\n  command: (cd %s && GOTOOLCHAIN=local CGO_ENABLED=0 %s)\n%s"
                                 % (name, result.returncode, CONSUMER_MODULE_DIR, " ".join(command), result.stdout))
            os.replace(partial, target)
            print("build: %s done in %.0fs" % (name, time.monotonic() - started), flush=True)
    return target_dir


def vault_version():
    with open(os.path.join(VAULT_MODULE_DIR, "go.mod"), encoding="utf-8") as handle:
        match = re.search(r"^\s*(?:require\s+)?github\.com/hashicorp/vault\s+(v\S+)", handle.read(), re.MULTILINE)
    if not match:
        raise BuildError("tools/cluster/vault/go.mod does not require github.com/hashicorp/vault")
    return match.group(1)


def vault_binary():
    """Path of the HashiCorp Vault binary for the current pins (it may not exist yet)."""
    key = "vault-%s-%s" % (vault_version(), _module_hash(VAULT_MODULE_DIR, VAULT_LDFLAGS))
    return os.path.join(cache_root(), "bin", key, "vault")


def kms_binary():
    """Path of the KMS v2 plugin for the current source and pins (it may not exist yet)."""
    digest = hashlib.sha256(" ".join("%s=%s" % item for item in sorted(KMS_BUILD_ENV.items())).encode())
    for name in sorted(os.listdir(KMS_MODULE_DIR)):
        if name.endswith(".go") or name in ("go.mod", "go.sum"):
            with open(os.path.join(KMS_MODULE_DIR, name), "rb") as handle:
                digest.update(name.encode() + b"\0" + handle.read())
    return os.path.join(cache_root(), "bin", "kms-%s" % digest.hexdigest()[:10], KMS_BINARY)


def ensure_kms():
    """Build the KMS v2 plugin if it is missing; return its path."""
    target = kms_binary()
    with _locked(os.path.dirname(target)):
        if not os.access(target, os.X_OK):
            partial = "%s.partial-%d" % (target, os.getpid())
            command = ["go", "build", "-ldflags=-s -w", "-o", partial, "."]
            result = subprocess.run(command, cwd=KMS_MODULE_DIR, env=dict(go_env(), **KMS_BUILD_ENV), stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, check=False)
            if result.returncode != 0:
                raise BuildError("building %s failed (exit %d)\n  command: (cd %s && GOTOOLCHAIN=local CGO_ENABLED=0 %s)\n%s"
                                 % (KMS_BINARY, result.returncode, KMS_MODULE_DIR, " ".join(command), result.stdout))
            os.replace(partial, target)
            print("build: %s built" % KMS_BINARY, flush=True)
    return target


class GoProgress(object):
    """Runs a long ``go`` command, printing every PROGRESS_INTERVAL seconds how many of its output
    lines matched ``pattern`` (downloaded modules, compiled packages) and keeping the last lines for
    the error message."""

    def __init__(self, label, command, cwd, pattern, total=None):
        self.label, self.command, self.cwd, self.pattern, self.total = label, command, cwd, re.compile(pattern), total
        self.count = 0
        self.tail = []
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, cwd=cwd, env=go_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self.stopped = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.ticker = threading.Thread(target=self._tick, daemon=True)
        self.reader.start()
        self.ticker.start()

    def _read(self):
        for line in self.process.stdout:
            if self.pattern.search(line):
                self.count += 1
            self.tail = (self.tail + [line.rstrip("\n")])[-60:]

    def _tick(self):
        while not self.stopped.wait(PROGRESS_INTERVAL):
            self.report()

    def report(self):
        of_total = " of at most %d" % self.total if self.total else ""
        print("build: %s: %d%s after %.0fs" % (self.label, self.count, of_total, time.monotonic() - self.started), flush=True)

    def wait(self):
        """Wait for the command; raise BuildError with its last output lines if it failed."""
        returncode = self.process.wait()
        self.reader.join()
        self.stopped.set()
        if returncode != 0:
            raise BuildError("%s failed (exit %d)\n  command: (cd %s && GOTOOLCHAIN=local %s)\n%s"
                             % (self.label, returncode, self.cwd, " ".join(self.command), "\n".join(self.tail)))
        return time.monotonic() - self.started

    def stop(self):
        """Kill the command if it still runs (another step failed or the build was interrupted)."""
        self.stopped.set()
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def start_vault_download():
    """``go mod download`` of every module Vault's build needs, in the background."""
    with open(os.path.join(VAULT_MODULE_DIR, "go.mod"), encoding="utf-8") as handle:
        required = len(re.findall(r"^\s*(?:require\s+)?[\w.-]+\.[\w./~-]+\s+v\S+(?:\s+//.*)?$", handle.read(), re.MULTILINE))
    print("build: downloading Vault's modules (about 1.5 GB on a fresh machine) in the background", flush=True)
    # -x prints each fetch; a module counts as downloaded when its zip arrives.
    return GoProgress("vault modules downloaded", ["go", "mod", "download", "-x"], VAULT_MODULE_DIR,
                      r"^# get \S+\.zip: 200", total=required)


def build_vault(download=None):
    """Build the Vault binary (after ``download`` finishes, if one runs), printing compiled packages as it goes."""
    target = vault_binary()
    os.makedirs(os.path.dirname(target), exist_ok=True)
    started = time.monotonic()
    if download is not None:
        print("build: vault modules: waiting for the download to finish", flush=True)
        elapsed = download.wait()
        print("build: vault modules: %d downloaded in %.0fs" % (download.count, elapsed), flush=True)
    listed = subprocess.run(["go", "list", "-deps", VAULT_PACKAGE], cwd=VAULT_MODULE_DIR, env=go_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, check=False)
    total = len(listed.stdout.split()) if listed.returncode == 0 else None
    partial = "%s.partial-%d" % (target, os.getpid())
    command = ["go", "build", "-v", "-ldflags=" + VAULT_LDFLAGS, "-o", partial, VAULT_PACKAGE]
    print("build: vault %s ..." % vault_version(), flush=True)
    # -v names each package as it is compiled (cached ones are not), so the count shows how far it got.
    compiling = GoProgress("vault packages compiled", command, VAULT_MODULE_DIR, r"^[\w./~-]+$", total=total)
    try:
        compiling.wait()
    finally:
        compiling.stop()
    os.replace(partial, target)
    print("build: vault done in %.0fs" % (time.monotonic() - started), flush=True)


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


@contextlib.contextmanager
def _locked(directory):
    # Several callers (make env-up, a test session, CI steps) may build at once: take turns.
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, ".lock"), "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def ensure_built(names=None, quiet=False, kubernetes=True, vault=True):
    """Build whichever binaries are missing and return the directory of the Kubernetes and kwok
    binaries; ``vault_binary()`` is the path of HashiCorp Vault's. ``kubernetes``/``vault`` choose
    the sets, so make test can build them in two processes at once (each set has its own lock)."""
    target_dir = bin_dir()
    started = time.monotonic()
    built = 0
    # The Vault download waits on the network while Kubernetes compiles on the CPU: overlap them.
    download = start_vault_download() if vault and not os.access(vault_binary(), os.X_OK) else None
    try:
        if kubernetes:
            with _locked(target_dir):
                wanted = names or [name for name in BINARIES if name not in ON_DEMAND]
                missing = [name for name in wanted if not os.access(os.path.join(target_dir, name), os.X_OK)]
                for name in missing:
                    build_binary(name, target_dir)
                built += len(missing)
            ensure_kms()
        if vault:
            with _locked(os.path.dirname(vault_binary())):
                if not os.access(vault_binary(), os.X_OK):
                    build_vault(download)
                    built += 1
    finally:
        if download is not None:
            download.stop()
    if built:
        print("build: %d binaries built after %.0fs" % (built, time.monotonic() - started), flush=True)
    elif not quiet:
        print("build: the binaries are present (%s%s)" % (target_dir, ", " + vault_binary() if vault else ""), flush=True)
    return target_dir


def ensure_kubectl():
    """Build kubectl of the pinned Kubernetes release if it is missing; return its path."""
    return os.path.join(ensure_built(names=["kubectl"], quiet=True, vault=False), "kubectl")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print-dir", action="store_true", help="only print the binary directory for the current pins")
    parser.add_argument("--print-vault", action="store_true", help="only print the path of the Vault binary for the current pins")
    parser.add_argument("--print-kms", action="store_true", help="only print the path of the KMS v2 plugin for the current source")
    parser.add_argument("--only", choices=["kubernetes", "vault", "kubectl", "consumer", "kms"],
                        help="build only the Kubernetes (and kwok) binaries, only Vault, or only kubectl (never built otherwise)")
    args = parser.parse_args(argv)
    if args.print_dir:
        print(bin_dir())
        return 0
    if args.print_vault:
        print(vault_binary())
        return 0
    if args.print_kms:
        print(kms_binary())
        return 0
    try:
        if args.only == "kubectl":
            print(ensure_kubectl())
            return 0
        if args.only == "consumer":
            print(ensure_consumer())
            return 0
        if args.only == "kms":
            print(ensure_kms())
            return 0
        ensure_built(kubernetes=args.only != "vault", vault=args.only != "kubernetes")
    except BuildError as exc:
        print("build: ERROR: %s" % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
