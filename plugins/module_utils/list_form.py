# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one rule for a module's list form (``secrets:``, ``policies:``, ``roles:``), and the one
builder of its argument spec (``argument_spec``).

A task-level option given beside the list either applies to every item that does not set it
itself (``inherited``), or is refused with a message that names it (``refused``): nothing a user
writes at task level is silently dropped. Each module lists every item option in exactly one of
the two (``unclassified`` finds the ones it forgot; a unit test per module checks it).

Inheritance needs the item's own option to have no default (``None`` means "not set"), so the
task-level value, or the task-level default, fills it in.

An item that fails does not stop the others: every item is tried, each has its own result in
input order (a failed one with ``failed`` and ``msg``), and the task then fails with ``failure``:
how many failed, and the first messages, each naming its item as ``label`` does
(``policies[3] (policy team-c): ...``). What fails before any item is tried (a refused task-level
option; ``k8s_secret``'s checks of every item before it writes any) fails the task with nothing
written. The ``list_form`` doc fragment says this to users.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError


# How many failed items the task's message names (every one is in the results).
SHOWN_FAILURES = 5


def argument_spec(list_option, item_options, task_defaults=None, item_only=()):
    """The options of a module with a list form: each item option at task level too, with its
    ``task_defaults`` (an item's own option has none: ``None`` means "not set"), and ``list_option``,
    a list of items taking ``item_options``.

    ``item_only`` options identify an item (``name``, ``path``): required in an item, optional at
    task level (the single form gives them; the module keeps them apart from the list). The list
    itself is not ``no_log``, so names stay readable; item options that carry values are.
    """
    task_defaults = task_defaults or {}
    spec = {}
    for name, option in item_options.items():
        option = dict(option)
        if name in item_only:
            option.pop("required", None)
        if name in task_defaults:
            option["default"] = copy.deepcopy(task_defaults[name])
        spec[name] = option
    spec[list_option] = {"type": "list", "elements": "dict", "options": item_options, "no_log": False}
    return spec


def named_item_options(options, mount_option):
    """An item's options for a list of named objects under a Vault mount (roles): ``options`` and ``name``,
    ``mount_option`` and ``state``, none with a default (an item that does not set one takes the task's)."""
    options = dict(options)
    options.update({"name": {"type": "str", "required": True}, mount_option: {"type": "str"},
                    "state": {"type": "str", "choices": ["present", "absent"]}})
    return options


def label(list_option, index, name):
    """How messages name an item of the list: ``secrets[3] (demo/db)``."""
    return "%s[%d] (%s)" % (list_option, index, name)


def failure(messages, total, noun, **details):
    """The task's error when items failed: ``2 of 5 policies failed: <message>; <message>``.

    ``messages`` are the failed items' messages, each starting with its ``label``; ``details``
    carry every item's result, so nothing but the first few messages is left out.
    """
    return SecretOpsError("%d of %d %s failed: %s" % (len(messages), total, noun, "; ".join(messages[:SHOWN_FAILURES])), **details)


def refuse_task_level(params, list_option, refused):
    """Fail, naming them, when options that cannot apply to every item are set beside the list."""
    given = [option for option in refused if params.get(option) is not None]
    if given:
        raise SecretOpsError(
            "%s cannot be set at task level beside %s: it does not apply to every item. Set %s on each item of %s instead."
            % (", ".join(given), list_option, "it" if len(given) == 1 else "them", list_option),
            refused_options=given,
        )


def inherit(params, entries, inherited):
    """Copies of ``entries`` where each option in ``inherited`` an entry leaves unset takes the task-level value."""
    items = []
    for entry in entries:
        item = dict(entry)
        for option in inherited:
            if item.get(option) is None:
                item[option] = params.get(option)
        items.append(item)
    return items


def list_items(params, list_option, inherited, refused):
    """The items of the list form with task-level options applied, or None for the single form.

    Refused options are checked first, so a refused task fails before anything is read or written.
    """
    entries = params.get(list_option)
    if entries is None:
        return None
    refuse_task_level(params, list_option, refused)
    return inherit(params, entries, inherited)


def unclassified(item_options, inherited, refused, item_only=()):
    """Item options the rule does not cover (in neither or both lists); empty when the module is complete.

    ``item_only`` names options that identify an item (``name``, ``path``), which the single form
    already keeps apart from the list with ``mutually_exclusive``.
    """
    inherited, refused, item_only = set(inherited), set(refused), set(item_only)
    return sorted(
        option for option in set(item_options)
        if [option in inherited, option in refused, option in item_only].count(True) != 1
    )
