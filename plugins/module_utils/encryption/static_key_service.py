# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simpler mode end to end on one host: the aescbc / secretbox key set in Vault KV (generated
once, rotated, old keys retired after the etcd check) and the EncryptionConfiguration built from it.
The key set's only copies are Vault KV and that file (mode 0600); results carry key names only.

Order, so that a run killed at any line is repaired by the next: a new key goes to KV before the
file; a retired key leaves the file before KV (the file is rebuilt from KV on every run).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import config, static_keys
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import kv

CONFIG_MODES = {"encrypt": "static", "decrypt": "decrypt"}


def _store(client, where, current, keys, created):
    """Write the key list to KV: create-only for a new set, check-and-set on v2 otherwise."""
    options = {}
    if where.version == 2:
        options = {"only_if_missing": True} if created else {"cas": int(current["metadata"].get("version") or 0)}
    kv.write_secret(client, where.full, data={"keys": keys}, **options)


def _write_config(params, keys, result, check_mode):
    text = config.render(config.build(CONFIG_MODES[params["config_mode"]], params["resources"], static=static_keys.providers(keys)))
    if config.read_text(params["config_path"]) == text:
        return
    result["changed"] = result["config_changed"] = True
    if not check_mode:
        backup_path = config.write(params["config_path"], text, backup=params["backup"])
        if backup_path:
            result["backup_file"] = backup_path


def ensure(client, params, census=None, check_mode=False):
    """Bring the key set and (with ``config_path``) the configuration to ``params``; ``census()`` is
    the etcd census ({resource: counts}) that ``retire_old_keys`` checks first."""
    where = kv.resolve(client, params["path"], params.get("mount_point"))
    current = kv.read_secret(client, where)
    keys = static_keys.keys_of(current["data"] if current else None)
    wanted, why = static_keys.plan(keys, params["type"], params["rotate"])
    result = {"changed": bool(why), "path": where.full, "created": why == "created", "rotated": why == "rotated", "retired": []}
    if why and not check_mode:
        _store(client, where, current, wanted, created=why == "created")
        current = kv.read_secret(client, where)
    final = wanted
    if params["retire_old_keys"] and len(wanted) > 1:
        if census is None:
            raise SecretOpsError("retire_old_keys needs the etcd check (etcd_url): without it, objects still under an old key "
                                 "could become unreadable")
        final = static_keys.retire(wanted, census())
        result["retired"] = [key["name"] for key in wanted[1:]]
        result["changed"] = True
    if params.get("config_path"):
        _write_config(params, final, result, check_mode)
    if final is not wanted and not check_mode:
        _store(client, where, current, final, created=False)
    result["key_set"] = static_keys.names(final)
    result["current_key"] = final[0]["name"]
    return result
