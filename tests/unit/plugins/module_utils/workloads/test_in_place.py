"""Which consumers see a Secret change in place (restart: not_in_place): only mounted Secret volumes
and projected Secret sources without subPath; env, envFrom, args, subPath and volume plugins restart."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import in_place


def deployment(containers, volumes=None):
    return {"kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"template": {"spec": {"containers": containers, "volumes": volumes or []}}}}


SECRET_VOLUME = {"name": "creds", "secret": {"secretName": "db"}}
PROJECTED = {"name": "creds", "projected": {"sources": [{"secret": {"name": "db"}}, {"configMap": {"name": "x"}}]}}
ENV = {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}


def mount(**extra):
    return dict({"name": "creds", "mountPath": "/creds"}, **extra)


@pytest.mark.parametrize("volume", [SECRET_VOLUME, PROJECTED], ids=["secret", "projected"])
def test_a_mounted_volume_without_subpath_sees_the_change_in_place(volume):
    workload = deployment([{"name": "app", "volumeMounts": [mount()]}], [volume])
    assert in_place.restart_reason(workload, ["db"]) is None


@pytest.mark.parametrize("container, expected", [
    ({"name": "app", "env": [ENV]}, "environment variables"),
    ({"name": "app", "envFrom": [{"secretRef": {"name": "db"}}]}, "environment variables"),
    ({"name": "app", "env": [ENV], "args": ["--password=$(DB_PASSWORD)"]}, "environment variables"),
    ({"name": "app", "volumeMounts": [mount(subPath="password")]}, "subPath"),
    ({"name": "app", "volumeMounts": [mount(subPathExpr="$(POD)")]}, "subPath"),
], ids=["env", "envFrom", "args", "subPath", "subPathExpr"])
def test_env_args_and_subpath_need_a_restart(container, expected):
    workload = deployment([container], [SECRET_VOLUME])
    assert expected in in_place.restart_reason(workload, ["db"])


def test_one_subpath_mount_among_plain_ones_needs_a_restart():
    containers = [{"name": "app", "volumeMounts": [mount()]}, {"name": "sidecar", "volumeMounts": [mount(subPath="password")]}]
    assert "container sidecar" in in_place.restart_reason(deployment(containers, [SECRET_VOLUME]), ["db"])


def test_every_rotated_secret_must_be_seen_in_place():
    volumes = [SECRET_VOLUME, {"name": "tls", "secret": {"secretName": "tls"}}]
    containers = [{"name": "app", "volumeMounts": [mount(), {"name": "tls", "mountPath": "/tls"}],
                   "env": [{"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "api", "key": "token"}}}]}]
    workload = deployment(containers, volumes)
    assert in_place.restart_reason(workload, ["db", "tls"]) is None
    assert in_place.restart_reason(workload, ["db", "api"]).startswith("api: ")


def test_volume_plugins_and_unknown_uses_need_a_restart():
    volume = {"name": "share", "azureFile": {"secretName": "db", "shareName": "s"}}
    assert "volumePlugin" in in_place.restart_reason(deployment([{"name": "app"}], [volume]), ["db"])
    assert "not found" in in_place.restart_reason(deployment([{"name": "app"}]), ["db"])
