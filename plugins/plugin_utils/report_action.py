# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugins of the report tasks: the task runs on the controller, in the worker that
templated it, with the module's argument spec and code (module_utils/rotation/report_tasks.py),
and writes where ansible-playbook runs. A ``SecretOpsError`` becomes the task's failure with the
same message and details the module would give."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import failure_details


class ReportAction(ActionBase):
    """Subclasses name the task's ``argument_spec`` and ``write(params, check_mode)``."""

    TRANSFERS_FILES = False
    _requires_connection = False
    argument_spec = None

    def write(self, params, check_mode):
        raise NotImplementedError

    def run(self, tmp=None, task_vars=None):
        result = super(ReportAction, self).run(tmp, task_vars)
        # Raises AnsibleActionFail naming the wrong argument, as AnsibleModule would.
        _validation, params = self.validate_argument_spec(argument_spec=self.argument_spec)
        try:
            result.update(self.write(params, bool(self._play_context.check_mode)))
        except SecretOpsError as error:
            result.update(dict(failure_details(error), failed=True, msg=str(error)))
        return result
