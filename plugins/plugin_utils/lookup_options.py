# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How lookups read their connection options: ``get_option``, with an empty environment variable read as unset.

AWX / Automation Controller credential types inject every environment variable they define, as an
empty string when its input was left blank (an optional CA certificate, a Vault namespace).
Modules already read an empty variable as unset; Ansible's option system would turn an empty
``path`` option into the current directory, so a blank CA certificate would become
``VAULT_CACERT=<cwd>``. A value given directly or through a variable is kept as it is.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

ENV_ORIGIN = "env: "


def option_getter(plugin):
    """A ``get_option`` for ``plugin`` (a lookup after ``set_options``) that returns None for an
    option whose value came from an environment variable set to the empty string."""
    def get(name):
        value, origin = plugin.get_option_and_origin(name)
        if isinstance(origin, str) and origin.startswith(ENV_ORIGIN) and os.environ.get(origin[len(ENV_ORIGIN):]) == "":
            return None
        return value
    return get


def environment_sources(plugin, names):
    """Option -> environment variable, for each of ``names`` whose value came from the environment
    (Ansible's origin ``env: <variable>``); a variable set to the empty string counts as unset."""
    sources = {}
    for name in names:
        _value, origin = plugin.get_option_and_origin(name)
        if isinstance(origin, str) and origin.startswith(ENV_ORIGIN) and os.environ.get(origin[len(ENV_ORIGIN):]):
            sources[name] = origin[len(ENV_ORIGIN):]
    return sources
