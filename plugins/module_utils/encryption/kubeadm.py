# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""kubeadm layouts on disk: the kube-apiserver static Pod manifest edited for encryption at rest
(parsed, edited by ``apiserver_manifest``, checked, written back atomically with a timestamped
backup outside the manifest directory, parsed back and checked again), and the KMS plugin's own
static Pod manifest. A manifest that does not parse is refused and left as it is.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import apiserver_manifest, config, plugin_process
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError


def _yaml():
    import yaml  # pylint: disable=import-outside-toplevel

    return yaml


def parse(text, path):
    yaml = _yaml()
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # nosec - a safe loader
    except yaml.YAMLError as exc:
        raise SecretOpsError("cannot parse %s as YAML (%s): it is left unchanged; fix it by hand (kubeadm keeps no copy)"
                             % (path, exc.__class__.__name__)) from None


def dump(document):
    yaml = _yaml()
    return yaml.dump(document, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), default_flow_style=False, sort_keys=False)


def _refuse_problems(found, path):
    if found:
        raise SecretOpsError("%s is not as encryption at rest needs after the edit (%s): it is left unchanged" % (path, "; ".join(found)))


def ensure_apiserver(params, check_mode=False):
    path = params["apiserver_manifest"]
    text = config.read_text(path)
    if text is None:
        raise SecretOpsError("%s does not exist: is this a kubeadm control-plane host?" % path)
    manifest = parse(text, path)
    try:
        edited = apiserver_manifest.edit(manifest, params["config_path"], params.get("kms_socket_dir"))
    except SecretOpsError as exc:
        raise SecretOpsError("%s: %s" % (path, exc)) from None
    _refuse_problems(apiserver_manifest.problems(edited, params["config_path"], params.get("kms_socket_dir")), path)
    result = {"changed": edited != manifest, "apiserver_manifest": path,
              "diff": view_diff(path, apiserver_manifest.apiserver_view(manifest), apiserver_manifest.apiserver_view(edited))}
    if not result["changed"] or check_mode:
        return result
    new_text = dump(edited)
    # Parse the text about to be written back: what the kubelet will read is what was checked.
    _refuse_problems(apiserver_manifest.problems(parse(new_text, path), params["config_path"], params.get("kms_socket_dir")), path)
    backup_path = config.write(path, new_text, backup=params["backup"], backup_dir=params["backup_dir"])
    if backup_path:
        result["backup_file"] = backup_path
    return result


def view_diff(path, before, after):
    """An Ansible diff of two value-free views (``apiserver_manifest.apiserver_view``, ``plugin_view``) of a
    manifest: what encryption at rest manages in it, never the file's whole text."""
    return {"before_header": path, "after_header": path, "before": dump(before) if before is not None else "",
            "after": dump(after) if after is not None else ""}


def _plugin_view_of(text, path):
    if text is None:
        return None
    try:
        return apiserver_manifest.plugin_view(parse(text, path))
    except SecretOpsError:
        return {"unreadable": "not YAML"}


def ensure_plugin_pod(params, check_mode=False):
    path = params["plugin_manifest"]
    missing = [name for name in ("binary", "socket", "vault_addr", "key") if not params.get(name)]
    if not params.get("token_file") and not params.get("role_id_file"):
        missing.append("token_file or role_id_file")
    if missing:
        raise SecretOpsError("plugin_manifest needs %s" % ", ".join(missing))
    argv = plugin_process.plugin_argv(params)
    files = [params.get(name) for name in ("token_file", "role_id_file", "secret_id_file", "vault_ca_cert") if params.get(name)]
    socket_dir = os.path.dirname(params["socket"])
    host_dirs = [socket_dir] + [os.path.dirname(name) for name in files]
    pod = apiserver_manifest.plugin_pod(argv, params["binary"], params["plugin_image"], host_dirs, writable_dirs=[socket_dir])
    text = dump(pod)
    current = config.read_text(path)
    changed = current != text
    if changed and not check_mode:
        config.write(path, text, backup=params["backup"] and current is not None, backup_dir=params["backup_dir"])
    return changed, view_diff(path, _plugin_view_of(current, path), apiserver_manifest.plugin_view(pod))


def ensure(params, check_mode=False, diff=False):
    """Both manifests; with ``diff`` the result's ``diff`` lists a value-free before/after of each."""
    result = ensure_apiserver(params, check_mode)
    diffs = [result.pop("diff")]
    if params.get("plugin_manifest"):
        result["plugin_manifest_changed"], plugin_diff = ensure_plugin_pod(params, check_mode)
        result["changed"] = result["changed"] or result["plugin_manifest_changed"]
        diffs.append(plugin_diff)
    if diff:
        result["diff"] = diffs
    return result
