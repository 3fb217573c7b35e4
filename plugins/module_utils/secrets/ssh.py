# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks the private key (and known_hosts) of a ``kubernetes.io/ssh-auth`` Secret."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.tls import require_cryptography

try:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
except ImportError:  # pragma: no cover - reported by require_cryptography
    UnsupportedAlgorithm = ValueError

KNOWN_HOST_KEY_TYPES = ("ssh-", "ecdsa-", "sk-ssh-", "sk-ecdsa-")


def check_private_key(text, field="ssh_auth.private_key"):
    """Parse an unencrypted OpenSSH or PEM private key; return its type and public fingerprint."""
    require_cryptography()
    data = (text.decode("utf-8", "replace") if isinstance(text, bytes) else (text or "")).encode("utf-8")
    if b"PRIVATE KEY-----" not in data:
        raise SecretOpsError("%s is not an SSH private key: give the text of an OpenSSH or PEM private key file" % field)
    if not data.endswith(b"\n"):
        # ssh refuses a key file without the final newline
        raise SecretOpsError("%s must end with a newline after -----END ...-----: keep the file's last line break" % field)
    loader = serialization.load_ssh_private_key if b"OPENSSH PRIVATE KEY" in data else serialization.load_pem_private_key
    try:
        key = loader(data, password=None)
    except TypeError:
        raise SecretOpsError("%s is encrypted: Kubernetes workloads need an unencrypted key (ssh-keygen -p -N '' -f FILE)" % field)
    except (ValueError, UnsupportedAlgorithm):
        raise SecretOpsError("%s is not a readable SSH private key: check that the whole key was copied" % field)
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    key_type, blob = public.split(b" ")[:2]
    digest = base64.b64encode(hashlib.sha256(base64.b64decode(blob)).digest()).decode("ascii").rstrip("=")
    return {"key_type": key_type.decode("ascii"), "fingerprint": "SHA256:" + digest}


def check_known_hosts(text, field="ssh_auth.known_hosts"):
    """Each non-comment line is ``[marker] hosts keytype base64key [comment]``."""
    for number, line in enumerate((text or "").splitlines(), start=1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if fields[0].startswith("@"):
            fields = fields[1:]
        if len(fields) < 3 or not fields[1].startswith(KNOWN_HOST_KEY_TYPES):
            raise SecretOpsError(
                "%s line %d is not a known_hosts entry: use 'host keytype base64-key' lines (ssh-keyscan output)" % (field, number)
            )
        try:
            base64.b64decode(fields[2], validate=True)
        except ValueError:
            raise SecretOpsError("%s line %d has a key that is not base64: use ssh-keyscan output" % (field, number))
