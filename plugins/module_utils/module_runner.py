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

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

# Keys fail_json/exit_json own; error details must not override them (``changed`` may be
# reported: a partly applied bulk change did change things).
_RESERVED = frozenset(["msg", "failed", "invocation", "warnings", "deprecations"])


def failure_details(error):
    """The value-free details of ``error`` that are safe to add to a failure result."""
    return dict((key, value) for key, value in (error.details or {}).items() if key not in _RESERVED)


def run(module, fn):
    """Call ``fn()`` and exit the module with its result, or fail with the error's message."""
    try:
        result = fn()
    except SecretOpsError as error:
        module.fail_json(msg=str(error), **failure_details(error))
        return  # fail_json exits; this keeps fakes in unit tests honest
    result = dict(result or {})
    result.setdefault("changed", False)
    module.exit_json(**result)
