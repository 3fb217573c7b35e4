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

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

try:
    from ansible.module_utils.common.warnings import get_deprecation_messages, get_warning_messages
except ImportError:  # pragma: no cover - older ansible-core: never prune
    get_deprecation_messages = get_warning_messages = None

# Keys fail_json/exit_json own; error details must not override them (``changed`` may be
# reported: a partly applied bulk change did change things).
_RESERVED = frozenset(["msg", "failed", "invocation", "warnings", "deprecations"])


def failure_details(error):
    """The value-free details of ``error`` that are safe to add to a failure result."""
    return dict((key, value) for key, value in (error.details or {}).items() if key not in _RESERVED)


def _prune_no_log_values(module, result):
    """Keep only the no_log values that occur in ``result``, so Ansible's masking stays cheap.

    Ansible masks by scanning every output string once per no_log value, which is quadratic for a
    task with thousands of values (bulk Secrets). Only a result that brings its own value-free
    ``invocation`` qualifies (otherwise Ansible echoes every argument), and only when there are no
    warnings or deprecations, which are masked too but not part of ``result``. A value that JSON
    would escape is always kept. Masking of the output is unchanged: a value that appears in it
    is still in the set.
    """
    if "invocation" not in result or get_warning_messages is None or get_warning_messages() or get_deprecation_messages():
        return
    text = json.dumps(result, ensure_ascii=False, default=str)
    kept = set()
    for value in module.no_log_values:
        if value in text or json.dumps(value, ensure_ascii=False)[1:-1] != value:
            kept.add(value)
    module.no_log_values = kept


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
