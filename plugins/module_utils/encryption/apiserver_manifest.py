# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""kubeadm layouts: what the kube-apiserver static Pod needs for encryption at rest, decided on the
manifest as a dict (pure). The two flags (the configuration, automatic reload) exactly once, and
hostPath volumes and mounts for the configuration's directory and, in KMS mode, the plugin's
socket directory. Everything else in the manifest is kept as it is; an edited manifest edits to itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

CONTAINER = "kube-apiserver"
CONFIG_VOLUME = "secretops-encryption-config"
SOCKET_VOLUME = "secretops-kms-socket"


def flags(config_path):
    return [("--encryption-provider-config", config_path), ("--encryption-provider-config-automatic-reload", "true")]


def mounts(config_path, socket_dir=None):
    """(volume name, host directory, read only) the apiserver needs."""
    wanted = [(CONFIG_VOLUME, os.path.dirname(config_path.rstrip("/")), True)]
    if socket_dir:
        wanted.append((SOCKET_VOLUME, socket_dir.rstrip("/") or "/", False))
    return wanted


def container(manifest):
    """The kube-apiserver container of a static Pod manifest; anything else is refused."""
    if not isinstance(manifest, dict) or manifest.get("kind") != "Pod":
        raise SecretOpsError("the manifest is not a Pod: refusing to edit it")
    containers = [c for c in ((manifest.get("spec") or {}).get("containers") or []) if isinstance(c, dict) and c.get("name") == CONTAINER]
    if len(containers) != 1:
        raise SecretOpsError("the manifest has %d containers named %s, not one: refusing to edit it" % (len(containers), CONTAINER))
    if not isinstance(containers[0].get("command"), list):
        raise SecretOpsError("the %s container has no command list (kubeadm puts the flags there): refusing to edit it" % CONTAINER)
    return containers[0]


def _flag_name(argument):
    return argument.split("=", 1)[0] if isinstance(argument, str) else None


def _set_flag(command, name, value):
    """``name=value`` once, where the flag already was (first occurrence), else at the end."""
    wanted = "%s=%s" % (name, value)
    positions = [index for index, argument in enumerate(command) if _flag_name(argument) == name]
    if not positions:
        command.append(wanted)
        return
    command[positions[0]] = wanted
    for index in reversed(positions[1:]):
        del command[index]


def _set_named(items, name, entry):
    """Replace the entries named ``name`` by one ``entry`` (where the first was), or append it."""
    positions = [index for index, item in enumerate(items) if isinstance(item, dict) and item.get("name") == name]
    if not positions:
        items.append(entry)
        return
    items[positions[0]] = entry
    for index in reversed(positions[1:]):
        del items[index]


def edit(manifest, config_path, socket_dir=None):
    """A copy of ``manifest`` with the flags, volumes and mounts encryption at rest needs."""
    edited = copy.deepcopy(manifest)
    apiserver = container(edited)
    for name, value in flags(config_path):
        _set_flag(apiserver["command"], name, value)
    volumes = edited["spec"].setdefault("volumes", [])
    volume_mounts = apiserver.setdefault("volumeMounts", [])
    for name, directory, read_only in mounts(config_path, socket_dir):
        _set_named(volumes, name, {"name": name, "hostPath": {"path": directory, "type": "DirectoryOrCreate"}})
        _set_named(volume_mounts, name, {"name": name, "mountPath": directory, "readOnly": read_only})
    return edited


def problems(manifest, config_path, socket_dir=None):
    """What is wrong with a manifest for encryption at rest (empty when nothing): each flag with its
    value exactly once, each volume and mount exactly once, at the directories wanted."""
    found = []
    apiserver = container(manifest)
    for name, value in flags(config_path):
        given = [argument for argument in apiserver["command"] if _flag_name(argument) == name]
        if given != ["%s=%s" % (name, value)]:
            found.append("flag %s: %d occurrences, wanted once with %s" % (name, len(given), value))
    volumes = (manifest.get("spec") or {}).get("volumes") or []
    volume_mounts = apiserver.get("volumeMounts") or []
    for name, directory, _read_only in mounts(config_path, socket_dir):
        named = [v for v in volumes if isinstance(v, dict) and v.get("name") == name]
        if len(named) != 1 or (named[0].get("hostPath") or {}).get("path") != directory:
            found.append("volume %s: wanted once, a hostPath of %s" % (name, directory))
        mounted = [m for m in volume_mounts if isinstance(m, dict) and m.get("name") == name]
        if len(mounted) != 1 or mounted[0].get("mountPath") != directory:
            found.append("volumeMount %s: wanted once, at %s" % (name, directory))
    return found


def plugin_pod(argv, binary, image, host_dirs, writable_dirs=None):
    """The KMS plugin's static Pod: the host's binary (static, Go) run in ``image``, on the host
    network, with the credential and socket directories of the host mounted at the same paths; only
    ``writable_dirs`` (the socket's: the plugin creates it) are mounted read-write (it only reads its
    credentials). ``writable_dirs`` None: every directory read-write."""
    volumes = [{"name": "plugin-binary", "hostPath": {"path": binary, "type": "File"}}]
    volume_mounts = [{"name": "plugin-binary", "mountPath": argv[0], "readOnly": True}]
    for index, directory in enumerate(sorted(set(host_dirs))):
        volumes.append({"name": "plugin-dir-%d" % index, "hostPath": {"path": directory, "type": "DirectoryOrCreate"}})
        mount = {"name": "plugin-dir-%d" % index, "mountPath": directory}
        if writable_dirs is not None and directory not in writable_dirs:
            mount["readOnly"] = True
        volume_mounts.append(mount)
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "secretops-kms-plugin", "namespace": "kube-system",
                     "labels": {"component": "secretops-kms-plugin", "tier": "control-plane"}},
        "spec": {
            "hostNetwork": True, "priorityClassName": "system-node-critical", "priority": 2000001000,
            "containers": [{"name": "secretops-kms-plugin", "image": image, "command": list(argv), "volumeMounts": volume_mounts,
                            "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True}}],
            "volumes": volumes,
        },
    }


# ---------------------------------------------------------------- diff (value-free views)

# The plugin's flags whose values are paths, addresses or names (plugin_process.plugin_argv): shown in a diff.
PLUGIN_SHOWN_FLAGS = ("--listen", "--vault-addr", "--transit-mount", "--key", "--vault-cacert", "--token-file",
                      "--approle-mount", "--role-id-file", "--secret-id-file")
NOT_SHOWN = "(not shown)"


def _mount_views(volumes, volume_mounts, names=None):
    """Each volume (of ``names``, or all) as name, host path, mount path and read-only flag."""
    mounted = dict((m.get("name"), m) for m in volume_mounts if isinstance(m, dict))
    views = []
    for volume in volumes:
        if not isinstance(volume, dict) or (names is not None and volume.get("name") not in names):
            continue
        mount = mounted.get(volume.get("name")) or {}
        views.append({"name": volume.get("name"), "hostPath": (volume.get("hostPath") or {}).get("path"),
                      "mountPath": mount.get("mountPath"), "readOnly": bool(mount.get("readOnly"))})
    return views


def apiserver_view(manifest):
    """What encryption at rest manages in a kube-apiserver manifest, for a diff: its two flags (their values are
    a path and ``true``) and the volumes and mounts it adds (host and mount paths). Nothing else of the
    manifest (other flags, env) is shown."""
    if manifest is None:
        return None
    apiserver = container(manifest)
    managed = [name for name, _value in flags("/")]
    return {"flags": [argument for argument in apiserver["command"] if _flag_name(argument) in managed],
            "mounts": _mount_views((manifest.get("spec") or {}).get("volumes") or [], apiserver.get("volumeMounts") or [],
                                   (CONFIG_VOLUME, SOCKET_VOLUME))}


def _shown_argument(argument, index):
    if index == 0:
        return argument  # the binary's path
    name = _flag_name(argument)
    if name in PLUGIN_SHOWN_FLAGS:
        return argument
    return "%s=%s" % (name, NOT_SHOWN) if name and name.startswith("-") and "=" in argument else NOT_SHOWN


def plugin_view(pod):
    """The plugin's static Pod for a diff: image, host network, command (the flags the plugin is given are paths,
    an address and names; any other argument is shown by its flag name only), the names of env variables (never
    their values) and the host paths mounted. Whatever a hand edit put in the file, no value of it is shown but these."""
    if pod is None:
        return None
    spec = pod.get("spec") if isinstance(pod, dict) else None
    if not isinstance(spec, dict):
        return {"unreadable": "not a Pod manifest"}
    views = []
    for item in spec.get("containers") or []:
        if not isinstance(item, dict):
            continue
        command = [_shown_argument(argument, index) for index, argument in enumerate(item.get("command") or [])]
        views.append({"name": item.get("name"), "image": item.get("image"), "command": command,
                      "env": sorted(str(e.get("name")) for e in item.get("env") or [] if isinstance(e, dict)),
                      "args": [NOT_SHOWN for _argument in item.get("args") or []],
                      "mounts": _mount_views(spec.get("volumes") or [], item.get("volumeMounts") or [])})
    return {"hostNetwork": bool(spec.get("hostNetwork")), "containers": views}
