# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Builds the ``--diff`` view of a Secret change without any value in it.

Data keys show a short HMAC fingerprint (``checksum.Fingerprinter``) and whether the key is
added, removed or changed; metadata shows only the labels and annotations the task manages, and
the client-side-apply annotation (which holds every value) only as being removed.
``text_fingerprints`` gives the same fingerprints for plain-text values (the rotation report).
``update_diff`` is the same view for the key-by-key writes of ``SecretService.update_keys``
(secret_sync, secret_rotation).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.decode import encode_value
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.reconcile import (
    DELETE, LAST_APPLIED, comparable_data, owned_fields,
)


def text_fingerprints(fingerprinter, values, fields=None):
    """``{field: fingerprint}`` of plain-text ``values`` (``fields`` of them, all by default; missing -> None).

    The fingerprint of a text equals the diff's fingerprint of its base64 form under the same key
    and ``fingerprinter``, so values compare within one run and never across runs.
    """
    values = values or {}
    result = {}
    for field in sorted(fields if fields is not None else values):
        value = values.get(field)
        if value is not None:
            value = fingerprinter.fingerprint(field, encode_value(value if isinstance(value, str) else str(value)))
        result[field] = value
    return result


def _shown_metadata(desired, current, manager, field):
    present = (current.get("metadata") or {}).get(field) or {}
    names = set(getattr(desired, field)) | owned_fields(current, manager, "metadata", field)
    shown = dict((name, present[name]) for name in names if name in present)
    if field == "annotations" and LAST_APPLIED in present:
        shown[LAST_APPLIED] = "(value hidden: it holds every value in clear text) (removed)"
    return shown


def _view(name, namespace, secret_type, immutable, labels, annotations, data):
    return {
        "metadata": {"name": name, "namespace": namespace, "labels": labels, "annotations": annotations},
        "type": secret_type,
        "immutable": immutable,
        "data": data,
    }


def secret_diff(plan, fingerprinter, manager):
    """The ``diff`` result entry (before/after and headers) for ``plan``."""
    desired = plan.desired
    current = plan.current
    header = "Secret %s" % desired.ref
    if current:
        server_data = comparable_data(current.get("type"), current.get("data"))
        removed = set(plan.key_changes["removed"]) if plan.action != DELETE else set(server_data)
        before_data = dict(
            (key, fingerprinter.fingerprint(key, value) + (" (removed)" if key in removed else ""))
            for key, value in server_data.items()
        )
        before = _view(desired.name, desired.namespace, current.get("type"), bool(current.get("immutable")),
                       _shown_metadata(desired, current, manager, "labels"),
                       _shown_metadata(desired, current, manager, "annotations"), before_data)
    else:
        server_data = {}
        before = {}
    if plan.action == DELETE:
        after = {}
    else:
        marks = dict((key, " (added)") for key in plan.key_changes["added"])
        marks.update((key, " (changed)") for key in plan.key_changes["changed"])
        after_data = dict(
            (key, fingerprinter.fingerprint(key, value) + marks.get(key, ""))
            for key, value in (plan.target_data or {}).items()
        )
        after = _view(desired.name, desired.namespace, desired.type, desired.immutable,
                      dict(desired.labels), dict(desired.annotations), after_data)
    return {"before": before, "after": after, "before_header": header, "after_header": header}


def _marked(fingerprinter, data, marks):
    return dict((key, fingerprinter.fingerprint(key, value) + marks.get(key, "")) for key, value in data.items())


def update_diff(fingerprinter, current, body, annotations):
    """The ``diff`` entry of ``SecretService.update_keys``: the Secret ``current`` (None: absent) against
    the ``body`` it writes. Data keys show a fingerprint and whether they are added, removed or changed;
    metadata shows only the ``annotations`` the writer sets, and kubectl's last-applied annotation only
    as being removed, so nothing derived from a value without a key appears."""
    meta = body["metadata"]
    header = "Secret %s/%s" % (meta["namespace"], meta["name"])
    before_data = dict((current or {}).get("data") or {})
    after_data = dict(body.get("data") or {})
    before_marks = dict((key, " (removed)") for key in before_data if key not in after_data)
    after_marks = dict((key, " (added)") for key in after_data if key not in before_data)
    after_marks.update((key, " (changed)") for key in after_data if key in before_data and before_data[key] != after_data[key])
    before = {}
    if current is not None:
        present = current["metadata"].get("annotations") or {}
        shown = dict((name, present[name]) for name in annotations if name in present)
        if LAST_APPLIED in present:
            shown[LAST_APPLIED] = "(value hidden: it holds every value in clear text) (removed)"
        before = _view(meta["name"], meta["namespace"], current.get("type"), bool(current.get("immutable")), {}, shown,
                       _marked(fingerprinter, before_data, before_marks))
    after_annotations = meta.get("annotations") or {}
    after = _view(meta["name"], meta["namespace"], body.get("type"), bool(body.get("immutable")), {},
                  dict((name, after_annotations[name]) for name in annotations if name in after_annotations),
                  _marked(fingerprinter, after_data, after_marks))
    return {"before": before, "after": after, "before_header": header, "after_header": header}
