# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every filter of the collection shares: the collection's errors raised as Ansible's, named.

A filter file holds its documentation and one function that calls the tested logic in module_utils;
``filters(function)`` is its ``FilterModule.filters()`` answer.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

from ansible.errors import AnsibleFilterError

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError


def translated(function):
    """``function`` as a filter: a SecretOpsError becomes an AnsibleFilterError that starts with the
    filter's name (the function's name); arguments and results pass through unchanged."""
    @functools.wraps(function)
    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except SecretOpsError as error:
            raise AnsibleFilterError("%s: %s" % (function.__name__, error))
    return run


def filters(*functions):
    """The ``{name: filter}`` map of a FilterModule, each function translated."""
    return dict((function.__name__, translated(function)) for function in functions)
