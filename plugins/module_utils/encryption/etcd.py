# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reads etcd directly through its v3 JSON gateway (``/v3/kv/range``), page by page, yielding
(key, value) pairs of a prefix to a pure consumer. Used to verify what is stored, never to write.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json

from ansible.module_utils.urls import open_url

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

PAGE = 500

ETCD_ARGUMENT_SPEC = {
    "etcd_url": {"type": "str"},
    "etcd_ca_cert": {"type": "path"},
    "etcd_client_cert": {"type": "path"},
    "etcd_client_key": {"type": "path", "no_log": False},
    "etcd_prefix": {"type": "str", "default": "/registry"},
}


def _b64(raw):
    return base64.b64encode(raw).decode("ascii")


def _prefix_end(prefix):
    """etcd's range_end for "every key that starts with prefix"."""
    end = bytearray(prefix)
    while end:
        if end[-1] < 0xFF:
            end[-1] += 1
            return bytes(end)
        end.pop()
    return b"\0"


class EtcdReader(object):
    def __init__(self, url, ca_cert=None, client_cert=None, client_key=None, timeout=30):
        if not url:
            raise SecretOpsError("etcd_url is needed to read etcd (for example http://127.0.0.1:2379)")
        self.url = url.rstrip("/")
        self.ca_cert, self.client_cert, self.client_key, self.timeout = ca_cert, client_cert, client_key, timeout

    def _range(self, body):
        try:
            response = open_url(self.url + "/v3/kv/range", data=json.dumps(body), method="POST",
                                headers={"Content-Type": "application/json"}, timeout=self.timeout, ca_path=self.ca_cert,
                                client_cert=self.client_cert, client_key=self.client_key)
            return json.loads(response.read() or b"{}")
        except Exception as exc:  # pylint: disable=broad-except
            # urllib's errors may quote the request; keep only the class and the endpoint.
            raise SecretOpsError("cannot read etcd at %s (%s): check etcd_url and the etcd TLS options"
                                 % (self.url, exc.__class__.__name__)) from None

    def items(self, prefix):
        """Yield (key, value) bytes for every key under ``prefix`` (bytes), in key order."""
        start, end = prefix, _prefix_end(prefix)
        while True:
            answer = self._range({"key": _b64(start), "range_end": _b64(end), "limit": PAGE})
            kvs = answer.get("kvs") or []
            for kv in kvs:
                yield base64.b64decode(kv["key"]), base64.b64decode(kv.get("value") or "")
            if not answer.get("more") or not kvs:
                return
            start = base64.b64decode(kvs[-1]["key"]) + b"\0"


def etcd_reader(params):
    return EtcdReader(params.get("etcd_url"), params.get("etcd_ca_cert"), params.get("etcd_client_cert"), params.get("etcd_client_key"))
