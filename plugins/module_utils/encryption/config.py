# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The apiserver's EncryptionConfiguration: built from a mode (pure), written atomically only when
it differs, with a backup of what it replaces.

Modes: ``kms`` seals new writes with the KMS v2 plugin and reads plaintext (``identity`` last) until
the migration rewrote it; ``static`` does the same with aescbc / secretbox keys (the simpler mode,
keys from Vault KV); ``identity`` stores plaintext only; ``decrypt`` (turning encryption off) writes
plaintext but still reads KMS envelopes (and static keys), until a migration rewrote them all in plaintext.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import tempfile
import time

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import reload, resource_map
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

MODES = ("kms", "identity", "decrypt", "static")


def kms_provider(kms_name, kms_endpoint, kms_timeout):
    if not kms_name or not kms_endpoint:
        raise SecretOpsError("the KMS v2 provider needs kms_name and kms_endpoint (unix:///path/to/socket)")
    if not kms_endpoint.startswith("unix://"):
        raise SecretOpsError("kms_endpoint must be a unix socket URL (unix:///path/to/socket), got %r" % kms_endpoint)
    return {"kms": {"apiVersion": "v2", "name": kms_name, "endpoint": kms_endpoint, "timeout": kms_timeout}}


def build(mode, resources, kms_name=None, kms_endpoint=None, kms_timeout="3s", static=None):
    """The EncryptionConfiguration for ``mode`` as a dict. ``static`` holds the provider entries of
    the simpler mode (``static_keys.providers``: aescbc / secretbox keys, the one for writes first)."""
    if mode not in MODES:
        raise SecretOpsError("mode must be one of %s, got %r" % (", ".join(MODES), mode))
    if not resources:
        raise SecretOpsError("resources must list at least one resource (for example secrets)")
    resource_map.check_config_names(resources)
    identity = {"identity": {}}
    sealed = list(static or [])
    if mode == "kms" or (mode == "decrypt" and (kms_name or kms_endpoint or not sealed)):
        sealed = [kms_provider(kms_name, kms_endpoint, kms_timeout)] + sealed
    if mode == "static" and not sealed:
        raise SecretOpsError("mode static needs at least one aescbc or secretbox key")
    # The first provider seals new writes; the others only read what is already stored.
    providers = [identity] if mode == "identity" else [identity] + sealed if mode == "decrypt" else sealed + [identity]
    return {"apiVersion": "apiserver.config.k8s.io/v1", "kind": "EncryptionConfiguration",
            "resources": [{"resources": list(resources), "providers": providers}]}


def render(config):
    """The file's text: YAML in its JSON form (the apiserver reads either), so no YAML library is needed
    on the host that runs the module."""
    return "# Managed by secretops.provisioning (encryption_at_rest); edit the role's variables instead.\n" + \
        json.dumps(config, indent=2) + "\n"


def read_text(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def write(path, text, backup=True, backup_dir=None):
    """Replace ``path`` with ``text`` atomically (mode 0600); return the backup's path or None. The
    backup goes beside the file, or into ``backup_dir`` (a kubelet reads every file of its manifest
    directory but dotfiles, so a backup of a static Pod must live elsewhere)."""
    directory = os.path.dirname(os.path.abspath(path))
    backup_path = None
    if backup and os.path.exists(path):
        if backup_dir:
            os.makedirs(backup_dir, mode=0o700, exist_ok=True)
        backup_path = "%s.%s.bak" % (os.path.join(backup_dir, os.path.basename(path)) if backup_dir else path,
                                     time.strftime("%Y%m%dT%H%M%S", time.gmtime()))
        # Created 0600 (it may hold keys), never readable by others, not even until a chmod.
        with open(path, "rb") as source, os.fdopen(os.open(backup_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as target:
            target.write(source.read())
        os.chmod(backup_path, 0o600)
    handle, partial = tempfile.mkstemp(dir=directory, prefix=".encryption-config.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(partial, 0o600)
        # The apiserver sees the new file at once or not at all: a rename, never a partial write.
        os.replace(partial, path)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise
    return backup_path


def ensure(params, check_mode=False, session=None):
    """Write the configuration; with ``wait_for_reload``, wait until the apiserver (reached through
    ``session``, a k8s_session factory) reports it loaded, also when the file was already right
    (a run killed after the write is finished here)."""
    config = build(params["mode"], params["resources"], params.get("kms_name"), params.get("kms_endpoint"), params["kms_timeout"])
    text = render(config)
    current = read_text(params["path"])
    result = {"changed": current != text, "path": params["path"], "mode": params["mode"], "config": config,
              "diff": {"before": current or "", "after": text, "before_header": params["path"], "after_header": params["path"]}}
    if result["changed"] and not check_mode:
        backup_path = write(params["path"], text, backup=params["backup"])
        if backup_path:
            result["backup_file"] = backup_path
    if params.get("wait_for_reload") and not check_mode:
        with session(params) as client:
            reload.wait_until_loaded(client, text, params["reload_timeout"])
    return result
