# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hygiene findings on Secrets and ConfigMaps: unused, never updated in place, stale, expiring,
legacy tokens, several writers, secret-looking ConfigMap keys. Pure, no I/O.

A finding names the object, the category and the key names or times involved. Values are read
only where they are public by design (a certificate's ``notAfter``, a bootstrap token's
``expiration``) or to measure a ConfigMap value's character entropy, which is reported as a
category, never as a number or an excerpt.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import datetime
import math
import re

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.content_key import KEY_SECRET_NAME
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation.ledger import RECORD_TYPE
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.age import parse_time as parse_rfc3339
from ansible_collections.secretops.provisioning.plugins.module_utils.delivery.database_annotations import LAST_ROTATION, LEASE_END
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.pki_certificate import NOT_AFTER_ANNOTATION
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import consumers as discovery
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import stamps
from ansible_collections.secretops.provisioning.plugins.module_utils.timestamps import utc_text

UNUSED = "unused"
NOT_UPDATED_IN_PLACE = "not_updated_in_place"
NOT_ROTATED = "not_rotated"
EXPIRING = "expiring"
LEGACY_TOKEN = "legacy_service_account_token"
MULTIPLE_WRITERS = "multiple_writers"
SECRET_LIKE_CONFIGMAP = "secret_like_configmap"
CATEGORIES = (UNUSED, NOT_UPDATED_IN_PLACE, NOT_ROTATED, EXPIRING, LEGACY_TOKEN, MULTIPLE_WRITERS, SECRET_LIKE_CONFIGMAP)

SA_TOKEN_TYPE = "kubernetes.io/service-account-token"
BOOTSTRAP_TOKEN_TYPE = "bootstrap.kubernetes.io/token"
# The automation's own Secrets: not application Secrets, nothing to consume them.
OWN_TYPES = (RECORD_TYPE,)
OWN_NAMES = (KEY_SECRET_NAME,)
# Types no workload mounts by design (tokens are read by the API server or by controllers).
NO_CONSUMER_TYPES = (SA_TOKEN_TYPE, BOOTSTRAP_TOKEN_TYPE, "helm.sh/release.v1")

SECRET_NAME_PATTERN = re.compile(r"(pass(wd|word)?|secret|token|api[-_.]?key|private[-_.]?key|credential|auth)", re.IGNORECASE)
ENTROPY_BITS = 4.0       # bits per character above which a value looks random
ENTROPY_MIN_LENGTH = 20  # shorter values are not judged by entropy


def _metadata(item):
    return (item or {}).get("metadata") or {}


def finding(category, kind, item, **detail):
    metadata = _metadata(item)
    return dict({"category": category, "kind": kind, "name": metadata.get("name"), "namespace": metadata.get("namespace")}, **detail)


def is_own(secret):
    return secret.get("type") in OWN_TYPES or _metadata(secret).get("name") in OWN_NAMES


def unused(secret, consumers, opted_out):
    """A finding when no workload uses ``secret`` (and none opted out of it), else None."""
    if is_own(secret) or secret.get("type") in NO_CONSUMER_TYPES or consumers or opted_out:
        return None
    return finding(UNUSED, "Secret", secret, type=secret.get("type"))


def subpath_mounts(workload, secret_name):
    """``[{container, volume, sub_path}]``: mounts of the Secret with ``subPath`` (never updated in place)."""
    spec = discovery.pod_spec(workload)
    volumes = set()
    for volume in spec.get("volumes") or []:
        if (volume.get("secret") or {}).get("secretName") == secret_name:
            volumes.add(volume.get("name"))
        for source in (volume.get("projected") or {}).get("sources") or []:
            if (source.get("secret") or {}).get("name") == secret_name:
                volumes.add(volume.get("name"))
    found = []
    for field in discovery.CONTAINER_FIELDS:
        for container in spec.get(field) or []:
            for mount in container.get("volumeMounts") or []:
                if mount.get("name") in volumes and (mount.get("subPath") or mount.get("subPathExpr")):
                    found.append({"container": container.get("name"), "volume": mount.get("name"),
                                  "sub_path": mount.get("subPath") or mount.get("subPathExpr")})
    return found


def static_uses(secret, consumers, workloads):
    """A finding for the consumers that read ``secret`` through env vars or a ``subPath`` mount, else None.

    ``workloads`` maps ``(kind, name)`` to the listed objects (for the mounts of a consumer).
    """
    name = _metadata(secret).get("name")
    found = []
    for consumer in consumers:
        via = sorted(set(use["via"] for use in consumer["uses"] if use["via"] in ("env", "envFrom")))
        workload = workloads.get((consumer["kind"], consumer["name"]))
        mounts = subpath_mounts(workload, name) if workload else []
        if mounts:
            via.append("subPath")
        if via:
            found.append({"kind": consumer["kind"], "name": consumer["name"], "via": via})
    if not found:
        return None
    return finding(NOT_UPDATED_IN_PLACE, "Secret", secret, consumers=found)


def last_rotated(secret):
    """``(time, source)`` of the Secret's last change of content: a database rotation's recorded time,
    else the newest ``managedFields`` time; ``(None, None)`` when neither is known."""
    recorded = (_metadata(secret).get("annotations") or {}).get(LAST_ROTATION)
    if recorded:
        return recorded, "vault_last_rotation"
    written = stamps.last_write_time(secret)
    return (written, "managed_fields") if written else (None, None)


def _parse(text):
    try:
        return parse_rfc3339(text)
    except SecretOpsError:
        return stamps.parse_time(text)


def not_rotated(secret, max_age_seconds, now):
    """A finding when the Secret's content is older than ``max_age_seconds``, else None."""
    if max_age_seconds is None or is_own(secret) or secret.get("type") in NO_CONSUMER_TYPES:
        return None
    when, source = last_rotated(secret)
    moment = _parse(when) if when else None
    if moment is None:
        return None
    age = (now - moment).total_seconds()
    if age < max_age_seconds:
        return None
    return finding(NOT_ROTATED, "Secret", secret, last_rotated=when, source=source, age_days=int(age // 86400))


def _decoded(secret, key):
    try:
        return base64.b64decode((secret.get("data") or {}).get(key) or "").decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return ""


def certificate_not_after(pem):
    """The ``notAfter`` of the first certificate of ``pem`` (an aware datetime), or None when unreadable."""
    try:
        from cryptography import x509  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    try:
        certificate = x509.load_pem_x509_certificate(pem.encode("utf-8"))
    except ValueError:
        return None
    value = getattr(certificate, "not_valid_after_utc", None)
    return value if value is not None else certificate.not_valid_after.replace(tzinfo=datetime.timezone.utc)


def expiry(secret):
    """``(time, what)``: when the Secret's certificate, lease or token expires, or ``(None, None)``."""
    annotations = _metadata(secret).get("annotations") or {}
    for key, what in ((NOT_AFTER_ANNOTATION, "certificate"), (LEASE_END, "lease")):
        if annotations.get(key):
            return _parse(annotations[key]), what
    if secret.get("type") == BOOTSTRAP_TOKEN_TYPE:
        text = _decoded(secret, "expiration")
        return (_parse(text), "bootstrap_token") if text else (None, None)
    if "tls.crt" in (secret.get("data") or {}):
        return certificate_not_after(_decoded(secret, "tls.crt")), "certificate"
    return None, None


def expiring(secret, window_seconds, now):
    """A finding when the Secret's certificate, lease or token expires within ``window_seconds`` (or has expired)."""
    if window_seconds is None:
        return None
    moment, what = expiry(secret)
    if moment is None:
        return None
    left = (moment - now).total_seconds()
    if left > window_seconds:
        return None
    return finding(EXPIRING, "Secret", secret, expires=utc_text(moment), what=what,
                   expired=left <= 0, days_left=int(left // 86400))


def legacy_token(secret):
    if secret.get("type") != SA_TOKEN_TYPE:
        return None
    account = (_metadata(secret).get("annotations") or {}).get("kubernetes.io/service-account.name")
    return finding(LEGACY_TOKEN, "Secret", secret, service_account=account)


def data_writers(secret):
    """The field managers that own part of the Secret's ``data`` or ``stringData``, sorted."""
    found = set()
    for entry in _metadata(secret).get("managedFields") or []:
        fields = entry.get("fieldsV1") or {}
        if "f:data" in fields or "f:stringData" in fields:
            found.add(entry.get("manager"))
    return sorted(name for name in found if name)


def multiple_writers(secret):
    writers = data_writers(secret)
    if len(writers) < 2:
        return None
    return finding(MULTIPLE_WRITERS, "Secret", secret, writers=writers)


def entropy_bits(text):
    """Shannon entropy of ``text`` in bits per character (0 for an empty text)."""
    if not text:
        return 0.0
    counts = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    return -sum(count / float(len(text)) * math.log(count / float(len(text)), 2) for count in counts.values())


def looks_random(value):
    """Whether a value looks like a generated secret: long, no spaces, high character entropy."""
    text = value or ""
    return len(text) >= ENTROPY_MIN_LENGTH and not any(char.isspace() for char in text) and entropy_bits(text) >= ENTROPY_BITS


def secret_like_keys(config_map):
    """``[{key, reasons}]``: ConfigMap keys whose name looks like a secret's, or whose value looks random."""
    found = []
    for key, value in sorted((config_map.get("data") or {}).items()):
        reasons = []
        if SECRET_NAME_PATTERN.search(key):
            reasons.append("name")
        if looks_random(value):
            reasons.append("entropy")
        if reasons:
            found.append({"key": key, "reasons": reasons})
    return found


def secret_like_configmap(config_map):
    if _metadata(config_map).get("name") == "kube-root-ca.crt":
        return None
    keys = secret_like_keys(config_map)
    return finding(SECRET_LIKE_CONFIGMAP, "ConfigMap", config_map, keys=keys) if keys else None


def summary(findings):
    counts = dict((category, 0) for category in CATEGORIES)
    for item in findings:
        counts[item["category"]] += 1
    counts["total"] = len(findings)
    return counts
