# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apply one item function to a list of items over one authenticated client.

The list forms (``policies:``, ``roles:``, ``secrets:``) exist so hundreds of objects cost one
login and one HTTP session instead of one Ansible task each. Results keep the input order; the
first failure stops the run and names the item, and the results so far travel with the error.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.list_form import list_items


def apply_items(items, apply_one, label):
    """Run ``apply_one(item)`` for each item; return ``{"changed", "results", "diff", "warnings"}``.

    ``label(item)`` names an item in errors and diff headers. Each result's ``diff`` moves into
    the combined diff list (Ansible shows a list of diffs one after the other).
    """
    results = []
    diffs = []
    warnings = []
    for index, item in enumerate(items):
        name = label(item)
        try:
            result = dict(apply_one(item))
        except SecretOpsError as exc:
            details = dict(exc.details)
            details.update(failed_item=index, results=results)
            raise SecretOpsError("item %d (%s): %s" % (index, name, exc), **details)
        change = result.pop("diff", None)
        if change is not None:
            change = dict(change)
            change.setdefault("before_header", name)
            change.setdefault("after_header", name)
            diffs.append(change)
        warnings.extend(result.pop("warnings", None) or [])
        results.append(result)
    return {"changed": any(result.get("changed") for result in results), "results": results, "diff": diffs, "warnings": warnings}


def apply_single_or_list(module, list_option, apply_one, label, inherited=(), refused=()):
    """Apply the module's list form (``module.params[list_option]``) or, without it, its top-level
    options as the one item; warn through the module and return the module result.

    Task-level options beside the list follow the one list-form rule (``list_form.py``): those in
    ``inherited`` apply to every item that does not set them, those in ``refused`` fail the task
    before any item is applied.

    The list form returns ``{"changed", "results", "diff"}``; the single form returns the item's
    own result with its ``diff``, so a one-item task reads like any other module.
    """
    listed = list_items(module.params, list_option, inherited, refused)
    outcome = apply_items(listed if listed is not None else [module.params], apply_one, label)
    for warning in outcome.pop("warnings"):
        module.warn(warning)
    if listed is not None:
        return outcome
    result = outcome["results"][0]
    if outcome["diff"]:
        result["diff"] = outcome["diff"][0]
    return result
