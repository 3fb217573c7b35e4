# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an etcd value says in clear about how it is stored: plaintext, or which provider sealed it
and (KMS v2) under which key id. Nothing is decrypted; nothing of the value is returned. Pure.

Kubernetes writes an encrypted value as ``k8s:enc:<provider>:<version>:<name>:<payload>``; a KMS v2
payload is the protobuf ``EncryptedObject`` whose field 2 is the key id the plugin reported.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

PREFIX = b"k8s:enc:"
KMS_V2 = "kms-v2"
PLAINTEXT = "identity"
_KEY_ID_FIELD = 2
# (provider, version) in the prefix -> the kind reported
_KINDS = {("kms", "v2"): KMS_V2, ("kms", "v1"): "kms-v1", ("aescbc", "v1"): "aescbc", ("aesgcm", "v1"): "aesgcm",
          ("secretbox", "v1"): "secretbox"}


def _varint(data, offset):
    value = shift = 0
    while True:
        if offset >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, offset
        shift += 7


def kms_v2_key_id(payload):
    """The key id of a KMS v2 ``EncryptedObject`` (protobuf), or None when it has none or is malformed."""
    offset = 0
    try:
        while offset < len(payload):
            tag, offset = _varint(payload, offset)
            field, wire = tag >> 3, tag & 7
            if wire == 0:
                offset = _varint(payload, offset)[1]
            elif wire == 2:
                length, offset = _varint(payload, offset)
                if offset + length > len(payload):
                    return None
                if field == _KEY_ID_FIELD:
                    return payload[offset:offset + length].decode("utf-8", "replace")
                offset += length
            else:
                return None
    except ValueError:
        return None
    return None


def describe(value):
    """``(kind, provider_name, key_id)`` of one stored value: kind is "identity" for plaintext,
    else the provider type ("kms-v2", "aescbc", ...); provider_name and key_id are None when absent."""
    if not value.startswith(PREFIX):
        return PLAINTEXT, None, None
    parts = value[len(PREFIX):].split(b":", 3)
    if len(parts) < 4:
        return "unknown", None, None
    provider, version, name, payload = parts
    kind = _KINDS.get((provider.decode("ascii", "replace"), version.decode("ascii", "replace")), "unknown")
    key_id = kms_v2_key_id(payload) if kind == KMS_V2 else None
    return kind, name.decode("utf-8", "replace"), key_id
