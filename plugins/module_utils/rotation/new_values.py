# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which given new values (the rotate_secrets role's ``rotate_secrets_new_values``) belong to a Secret.

Keys are ``<namespace>/<name>`` or a bare Secret name. A bare name is taken only when it names
one Secret of the selection: the same name in two namespaces (two applications) is refused, as is
a Secret given under both forms. Errors name keys, never values.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError


def new_values_for(new_values, namespace, name, selected):
    """The ``{field: value}`` given for Secret ``namespace``/``name`` (``{}`` when none).

    ``selected`` lists the selected Secrets as ``{"namespace", "secret"}`` mappings (more keys are
    ignored), to tell whether a bare name is ambiguous.
    """
    new_values = new_values or {}
    if not isinstance(new_values, dict):
        raise SecretOpsError("rotate_secrets_new_values must map <namespace>/<name> (or a Secret name) to {field: value}")
    ref = "%s/%s" % (namespace, name)
    if name not in new_values:
        return _fields(new_values.get(ref), ref)
    if ref in new_values:
        raise SecretOpsError("rotate_secrets_new_values gives Secret %s twice, under %s and under %s: give it once, as %s" % (ref, name, ref, ref))
    namespaces = sorted(set(item["namespace"] for item in selected or () if item.get("secret") == name))
    if len(namespaces) > 1:
        raise SecretOpsError("rotate_secrets_new_values key %s is ambiguous: the selected Secrets named %s are in namespaces %s; "
                             "key the values as <namespace>/%s (%s)" % (name, name, ", ".join(namespaces), name,
                                                                        ", ".join("%s/%s" % (where, name) for where in namespaces)))
    return _fields(new_values[name], ref)


def _fields(values, ref):
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise SecretOpsError("rotate_secrets_new_values for Secret %s must be a mapping of field to value" % ref)
    return values
