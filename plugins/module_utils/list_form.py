# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one rule for a module's list form (``secrets:``, ``policies:``, ``roles:``).

A task-level option given beside the list either applies to every item that does not set it
itself (``inherited``), or is refused with a message that names it (``refused``): nothing a user
writes at task level is silently dropped. Each module lists every item option in exactly one of
the two (``unclassified`` finds the ones it forgot; a unit test per module checks it).

Inheritance needs the item's own option to have no default (``None`` means "not set"), so the
task-level value, or the task-level default, fills it in.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError


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
