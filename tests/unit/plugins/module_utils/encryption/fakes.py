"""The one fake of etcd for unit tests: an in-memory key space under a real ``EtcdReader``. Only
``_range`` (the HTTP exchange with etcd's JSON gateway) is replaced, so the reader's paging and
key-range arithmetic are the real ones. It answers ``/v3/kv/range`` as etcd does: the keys in
``[key, range_end)`` in key order, at most ``limit`` of them, ``more`` when some were left out.
``stored`` maps key bytes to value bytes; ``ranges`` records each request as ``(start, end, limit)``.
"""

import base64

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption.etcd import EtcdReader


class FakeEtcd(EtcdReader):
    def __init__(self, stored=None, url="http://127.0.0.1:2379"):
        super(FakeEtcd, self).__init__(url)
        self.stored = dict(stored or {})
        self.ranges = []

    def _range(self, body):
        start, end = base64.b64decode(body["key"]), base64.b64decode(body["range_end"])
        limit = body.get("limit") or 0
        self.ranges.append((start, end, limit))
        keys = sorted(key for key in self.stored if start <= key and (end == b"\0" or key < end))
        page = keys[:limit] if limit else keys
        answer = {"header": {"revision": "7"}, "count": str(len(keys))}
        if page:
            answer["kvs"] = [{"key": base64.b64encode(key).decode("ascii"), "value": base64.b64encode(self.stored[key]).decode("ascii")}
                             for key in page]
        if len(page) < len(keys):
            answer["more"] = True
        return answer
