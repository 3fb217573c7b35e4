# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The one list-form rule of the modules that take a list of items (secrets:, policies:, roles:);
    # plugins/module_utils/list_form.py implements it.
    DOCUMENTATION = r"""
options: {}
notes:
  - "List form: a task-level option given beside the list either applies to every item that does not set it itself,
    or, when it cannot mean the same for every item, fails the task before anything is written, naming it."
  - "List form: an item that fails does not stop the others. Every item has its own result, in input order (a failed
    one with C(failed) and C(msg)); the task then fails saying how many items failed and naming the first five, each as
    C(<list>[<index>] (<item>)), for example C(policies[3] (policy team-c)): ...)."
"""
