# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dockerconfigjson filter: build the .dockerconfigjson text for registry credentials."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: dockerconfigjson
short_description: Build the .dockerconfigjson text for registry credentials
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Turns registry credentials into the JSON of a C(kubernetes.io/dockerconfigjson) Secret, byte for byte as
    C(kubectl create secret docker-registry) builds it (including the C(auth) field).
  - Several registries may share one document; a server given twice is an error.
options:
  _input:
    description:
      - One registry, or a list of registries, each with C(server) (default C(https://index.docker.io/v1/)), C(username), C(password)
        and optional C(email).
    type: raw
    required: true
seealso:
  - module: secretops.provisioning.k8s_secret
"""

EXAMPLES = r"""
# {"auths":{"registry.example.com":{"username":"robot","password":"...","auth":"..."}}}
pull_config: "{{ [{'server': 'registry.example.com', 'username': 'robot', 'password': registry_token}] | secretops.provisioning.dockerconfigjson }}"
"""

RETURN = r"""
_value:
  description: The JSON text (not base64-encoded).
  type: str
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.dockerconfig import dockerconfigjson as build_dockerconfigjson
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def dockerconfigjson(registries):
    """Registries ({server, username, password, email}, one or a list) -> .dockerconfigjson text."""
    return build_dockerconfigjson(registries)


class FilterModule(object):
    def filters(self):
        return filters(dockerconfigjson)
