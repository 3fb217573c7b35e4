"""tools/cluster/packages.py: apt-get runs only for what is still missing, once per machine at a time."""

import pytest

import packages


@pytest.fixture
def apt(monkeypatch, tmp_path):
    class Calls(list):
        returncode = []  # what each apt-get run returns, in order (then 0)
    calls = Calls()
    monkeypatch.setattr(packages, "LOCK_PATH", str(tmp_path / "apt.lock"))
    monkeypatch.setattr(packages.os, "geteuid", lambda: 0)
    monkeypatch.setattr(packages.shutil, "which", lambda name: "/usr/bin/" + name)

    class Done(object):
        def __init__(self, returncode):
            self.returncode = returncode

    def run(command, env=None, check=False):
        calls.append(command)
        return Done(calls.returncode.pop(0) if calls.returncode else 0)
    monkeypatch.setattr(packages.subprocess, "run", run)
    return calls


def test_nothing_missing_installs_nothing(apt):
    packages.apt_install(["runc"], lambda: [])
    assert apt == []


def test_installed_meanwhile_by_another_environment_is_not_installed_again(apt):
    answers = [["runc"], []]  # missing before the lock, present once it is held
    packages.apt_install(["runc"], lambda: answers.pop(0))
    assert apt == []


def test_a_failed_install_updates_the_lists_once_and_waits_for_dpkgs_lock(apt):
    apt.returncode = [100, 0, 0]
    packages.apt_install(["runc", "containerd"], lambda: ["runc"])
    assert [command[-1] if command[-1] == "update" else command[-2:] for command in apt] == [["runc", "containerd"], "update", ["runc", "containerd"]]
    assert all("DPkg::Lock::Timeout=600" in command for command in apt)


def test_a_second_failure_is_an_error(apt):
    apt.returncode = [100, 0, 100]
    with pytest.raises(packages.PackageError, match="apt-get install runc failed"):
        packages.apt_install(["runc"], lambda: ["runc"])


def test_without_root_it_says_the_command_to_run(apt, monkeypatch):
    monkeypatch.setattr(packages.os, "geteuid", lambda: 1000)
    with pytest.raises(packages.PackageError, match="sudo apt-get install -y --no-install-recommends runc"):
        packages.apt_install(["runc"], lambda: ["runc"])
