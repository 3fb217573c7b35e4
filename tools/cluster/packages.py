"""Debian packages the local environment needs (PostgreSQL, the real node's runtime), installed with
apt-get when missing. One machine-wide lock serialises the installs, because make test starts two
environments at once and dpkg takes one installer at a time."""

import fcntl
import os
import shutil
import subprocess

LOCK_PATH = "/tmp/secretops-apt.lock"
# apt-get itself waits this long for dpkg's lock when another installer (not ours) holds it.
DPKG_LOCK_TIMEOUT = 600


class PackageError(Exception):
    pass


def apt_install(packages, missing_now):
    """Install ``packages`` with apt-get unless ``missing_now()`` (asked again under the lock, since
    another environment may have installed them meanwhile) says nothing is missing. Runs ``apt-get
    update`` once when the first try fails (a fresh image often has no package lists yet)."""
    if not missing_now():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise PackageError("install them with: sudo apt-get install -y --no-install-recommends " + " ".join(packages))
    with open(LOCK_PATH, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not missing_now():
            return
        print("up: installing %s (apt-get)" % " ".join(packages), flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        wait = ["-o", "DPkg::Lock::Timeout=%d" % DPKG_LOCK_TIMEOUT]
        install = ["apt-get"] + wait + ["install", "-y", "--no-install-recommends"] + list(packages)
        if subprocess.run(install, env=env, check=False).returncode != 0:
            subprocess.run(["apt-get"] + wait + ["update"], env=env, check=False)
            if subprocess.run(install, env=env, check=False).returncode != 0:
                raise PackageError("apt-get install %s failed (see its output above)" % " ".join(packages))
