# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waits until kube-apiserver has loaded an EncryptionConfiguration: its metric
``apiserver_encryption_config_controller_last_config_info`` carries the sha256 of the file content
it loaded, so the content written is the content in force once the two hashes match.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import re
import time

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

METRIC = "apiserver_encryption_config_controller_last_config_info"
_HASH = re.compile(r'^%s\{[^}]*hash="sha256:(?P<hash>[0-9a-f]{64})"[^}]*\}\s+1(?:\.0)?\s*$' % METRIC)


def config_hash(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def loaded_hashes(metrics):
    """The configuration hashes the metrics text reports as loaded (pure)."""
    return set(match.group("hash") for match in (_HASH.match(line) for line in metrics.splitlines()) if match)


def wait_until_loaded(client, text, timeout, sleep=time.sleep, clock=time.monotonic, interval=1):
    """Poll /metrics until the apiserver reports ``text`` as its loaded configuration."""
    wanted = config_hash(text)
    deadline = clock() + timeout
    while True:
        if wanted in loaded_hashes(client.request("GET", "/metrics", action="read the apiserver's metrics", text=True)):
            return
        if clock() >= deadline:
            raise SecretOpsError("after %ss kube-apiserver has not loaded the new encryption configuration (metric %s): check that it "
                                 "runs with --encryption-provider-config on this file and --encryption-provider-config-automatic-reload=true, "
                                 "and its log for why the configuration was refused" % (timeout, METRIC))
        sleep(interval)
