# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apply one item function to a list of items over one authenticated client.

The list forms (``policies:``, ``roles:``, ``secrets:``) exist so hundreds of objects cost one
login and one HTTP session instead of one Ansible task each. They follow the one list-form rule
(``list_form.py``): results keep the input order, an item that fails does not stop the others, and
the task then fails naming the failed items, with every item's result.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils import list_form
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError


def _with_headers(change, name):
    change = dict(change)
    change.setdefault("before_header", name)
    change.setdefault("after_header", name)
    return change


def apply_items(items, apply_one, label, list_option):
    """Run ``apply_one(item)`` for each item; return ``{"changed", "results", "diff", "warnings", "failures"}``.

    ``label(item)`` names an item in errors and diff headers. Each result's ``diff`` moves into
    the combined diff list (Ansible shows a list of diffs one after the other). An item that
    fails has ``failed`` and ``msg`` in its result (its message names it as
    ``list_form.label`` does) and its message in ``failures``; the items after it are applied.
    """
    results = []
    diffs = []
    warnings = []
    failures = []
    for index, item in enumerate(items):
        name = label(item)
        try:
            result = dict(apply_one(item))
        except SecretOpsError as exc:
            message = "%s: %s" % (list_form.label(list_option, index, name), exc)
            failures.append(message)
            results.append(dict(exc.details, item=index, failed=True, changed=False, msg=message))
            continue
        change = result.pop("diff", None)
        if change is not None:
            diffs.append(_with_headers(change, name))
        warnings.extend(result.pop("warnings", None) or [])
        results.append(result)
    changed = any(result.get("changed") and not result.get("failed") for result in results)
    return {"changed": changed, "results": results, "diff": diffs, "warnings": warnings, "failures": failures}


def apply_single_or_list(module, list_option, apply_one, label, inherited=(), refused=()):
    """Apply the module's list form (``module.params[list_option]``) or, without it, its top-level
    options as the one item; warn through the module and return the module result.

    Task-level options beside the list follow the one list-form rule (``list_form.py``): those in
    ``inherited`` apply to every item that does not set them, those in ``refused`` fail the task
    before any item is applied.

    The list form returns ``{"changed", "results", "diff"}``, or fails naming the failed items
    with every result; the single form returns the item's own result with its ``diff``, or fails
    with the item's own error, so a one-item task reads like any other module.
    """
    listed = list_form.list_items(module.params, list_option, inherited, refused)
    if listed is None:
        result = dict(apply_one(module.params))
        for warning in result.pop("warnings", None) or []:
            module.warn(warning)
        change = result.pop("diff", None)
        if change is not None:
            result["diff"] = _with_headers(change, label(module.params))
        return result
    outcome = apply_items(listed, apply_one, label, list_option)
    for warning in outcome.pop("warnings"):
        module.warn(warning)
    failures = outcome.pop("failures")
    if failures:
        raise list_form.failure(failures, len(listed), list_option, changed=outcome["changed"], results=outcome["results"])
    return outcome
