# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a Secret of database credentials records about where they came from: the annotations.

Dynamic credentials: the Vault path they were issued from (``<mount>/creds/<role>``), the lease
id, its end (UTC, seconds) and whether it is renewable, and the leases earlier credentials held
that were replaced but not yet revoked (comma-separated, empty when none), so a revocation after
the consumers rolled out finds them even when the play that replaced them died. Static
credentials: the path (``<mount>/static-creds/<role>``) and when Vault last rotated the password.

A lease id is not a secret in Vault's model: it grants nothing (the credentials it names are in
the Secret's data), Vault prints it with every read, and the audit log does not hash it. It names
the role and the lease, which anyone who may read this Secret learns from the data anyway. It is
a revocation handle, though, and anyone who may edit the Secret can change these annotations: they
inform, and decide nothing. What is renewed and revoked comes from the revocation record
(``revocation/record.py``), kept where tenants cannot write.
Pure: no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

VAULT_PATH = "secretops.io/vault-path"  # the same key the KV sync writes (rotation/service.py)
LEASE_ID = "secretops.io/vault-lease-id"
LEASE_END = "secretops.io/vault-lease-end"
LEASE_RENEWABLE = "secretops.io/vault-lease-renewable"
REPLACED_LEASES = "secretops.io/vault-replaced-leases"
LAST_ROTATION = "secretops.io/vault-last-rotation"


def lease_annotations(vault_path, lease_id, lease_end, renewable, replaced):
    """The annotations of a Secret holding the credentials of lease ``lease_id``."""
    return {
        VAULT_PATH: vault_path,
        LEASE_ID: lease_id,
        LEASE_END: lease_end or "",
        LEASE_RENEWABLE: "true" if renewable else "false",
        REPLACED_LEASES: ",".join(replaced),
    }


def static_annotations(vault_path, last_rotation):
    return {VAULT_PATH: vault_path, LAST_ROTATION: last_rotation or ""}


def read_record(secret):
    """``{"vault_path", "lease_id", "lease_end", "renewable", "replaced", "last_rotation"}`` from a Secret (None: no Secret)."""
    if secret is None:
        return None
    annotations = (secret.get("metadata") or {}).get("annotations") or {}
    return {
        "vault_path": annotations.get(VAULT_PATH),
        "lease_id": annotations.get(LEASE_ID) or None,
        "lease_end": annotations.get(LEASE_END) or None,
        "renewable": annotations.get(LEASE_RENEWABLE) == "true",
        "replaced": split_leases(annotations.get(REPLACED_LEASES)),
        "last_rotation": annotations.get(LAST_ROTATION) or None,
    }


def split_leases(text):
    return [item.strip() for item in (text or "").split(",") if item.strip()]
