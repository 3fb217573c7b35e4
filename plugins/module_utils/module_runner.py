# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs a module body and translates ``SecretOpsError`` in exactly one place.

Every module ends with::

    def main():
        module = AnsibleModule(argument_spec=..., supports_check_mode=True)
        run(module, lambda: do_the_work(module))

``fn`` returns the result dict (it must hold ``changed``); a ``SecretOpsError`` becomes
``fail_json(msg=str(error), **error.details)``. Any other exception is a bug and propagates with
its traceback, as Ansible shows it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from collections.abc import Mapping, Sequence, Set

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.parameters import remove_values

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

try:
    from ansible.module_utils.common.warnings import get_deprecation_messages, get_warning_messages
except ImportError:  # pragma: no cover - older ansible-core: never prune
    get_deprecation_messages = get_warning_messages = None

# Keys fail_json/exit_json own; error details must not override them (``changed`` may be
# reported: a partly applied bulk change did change things).
_RESERVED = frozenset(["msg", "failed", "invocation", "warnings", "deprecations"])


class ListFormModule(AnsibleModule):
    """``AnsibleModule`` for a module with a list form: its invocation log (syslog or the journal)
    gives the list option's item count instead of the items.

    Ansible logs every invocation, masking each no_log value in the text of every argument: for a
    list of a thousand items holding a thousand values that is a quarter of the module's run
    (docs/performance.md). The log then holds less, never more: the items are not in it at all.
    """

    def __init__(self, list_option, **kwargs):
        self._list_option = list_option
        super(ListFormModule, self).__init__(**kwargs)

    def _log_invocation(self):
        items = self.params.get(self._list_option)
        if not isinstance(items, list):
            return super(ListFormModule, self)._log_invocation()
        self.params[self._list_option] = "%d items" % len(items)
        try:
            return super(ListFormModule, self)._log_invocation()
        finally:
            self.params[self._list_option] = items


def failure_details(error):
    """The value-free details of ``error`` that are safe to add to a failure result."""
    return dict((key, value) for key, value in (error.details or {}).items() if key not in _RESERVED)


def output_strings(value, found=None):
    """Every string Ansible's masking would look at in ``value``: strings, dict keys, and the text
    of numbers (``remove_values`` masks a number whose text holds a no_log value)."""
    found = set() if found is None else found
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, (str, bytes)):
            found.add(item.decode("utf-8", "surrogateescape") if isinstance(item, bytes) else item)
        elif isinstance(item, Mapping):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, (Sequence, Set)):
            pending.extend(item)
        elif item is not None and not isinstance(item, bool):
            found.add(str(item))  # numbers; anything else as its text, which can only keep more
    return found


GRAM = 4  # length of the substrings indexed to rule a value out without scanning the text


class OutputText(object):
    """The output strings joined in one text, with the set of its ``GRAM``-long substrings: a value
    with a substring not in that set is not in the text, found without scanning it."""

    def __init__(self, strings):
        # a separator cannot hide a value that is in one string; it can only add false matches
        self.text = "\0".join(strings)
        self.grams = set(self.text[index:index + GRAM] for index in range(len(self.text) - GRAM + 1))

    def __contains__(self, value):
        if len(value) >= GRAM and any(value[index:index + GRAM] not in self.grams for index in range(len(value) - GRAM + 1)):
            return False
        return value in self.text


def must_keep(value, output):
    """Whether the no_log ``value`` must stay in the masking set for ``output`` (an ``OutputText``).

    Kept: a value that occurs in the output; a value holding an asterisk (masking writes
    ``********`` into strings, which could complete a value that was not there before); a value
    that JSON would escape (kept since the set was first pruned; cheap and conservative).
    """
    return "*" in value or value in output or json.dumps(value, ensure_ascii=False)[1:-1] != value


def _prune_no_log_values(module, result):
    """Keep only the no_log values that can occur in the output, so Ansible's masking stays cheap.

    Ansible masks by replacing every no_log value in every output string (``remove_values``: each
    string against each value), which is quadratic for a task with thousands of values (bulk
    Secrets). A value that occurs in no output string, and holds no asterisk, cannot be in the
    output before or after masking (masking only writes asterisks), so leaving it out changes
    nothing that is printed. Only a result that brings its own value-free ``invocation``
    qualifies (otherwise Ansible echoes every argument). The output scanned is the result plus
    the warnings and deprecations Ansible will add to it.
    """
    if "invocation" not in result or get_warning_messages is None:
        return
    strings = output_strings(result)
    output_strings(list(get_warning_messages()), strings)
    output_strings(list(get_deprecation_messages()), strings)
    output = OutputText(strings)
    module.no_log_values = set(value for value in module.no_log_values if must_keep(value, output))


def masked_warn(module):
    """``module.warn`` that first masks the module's no_log values in the message.

    ansible-core 2.19 returns a module's warnings as event objects that its ``remove_values``
    passes through unmasked, so a warning is masked here, against every no_log value (before
    any pruning), at the cost of one short message each.
    """
    def warn(message):
        module.warn(remove_values(message, module.no_log_values))
    return warn


def run(module, fn):
    """Call ``fn()`` and exit the module with its result, or fail with the error's message."""
    try:
        result = fn()
    except SecretOpsError as error:
        module.fail_json(msg=str(error), **failure_details(error))
        return  # fail_json exits; this keeps fakes in unit tests honest
    result = dict(result or {})
    result.setdefault("changed", False)
    _prune_no_log_values(module, result)
    module.exit_json(**result)
