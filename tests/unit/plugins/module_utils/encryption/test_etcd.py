"""encryption/etcd.py: etcd read through its JSON gateway, page by page, every key of a prefix and
nothing else (against the one fake of etcd, ``fakes.py``, which replaces only the HTTP exchange), and
a failed exchange reported without the request."""

import base64
import json

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import etcd
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

from .fakes import FakeEtcd

PREFIX = b"/registry/secrets/"


def test_the_range_end_of_a_prefix_is_the_next_key_after_every_key_it_starts():
    assert etcd._prefix_end(b"/registry/secrets/") == b"/registry/secrets0"
    assert etcd._prefix_end(b"a\xff\xff") == b"b"
    assert etcd._prefix_end(b"\xff") == b"\0"  # every key from there on


def test_every_key_of_the_prefix_is_read_in_order_over_pages_and_no_other(monkeypatch):
    monkeypatch.setattr(etcd, "PAGE", 2)
    stored = dict((PREFIX + b"shop/s%d" % number, b"value-%d" % number) for number in range(5))
    stored.update({b"/registry/secrets": b"not under the prefix", b"/registry/secretsX/a": b"neither", b"/registry/configmaps/a": b"no"})
    reader = FakeEtcd(stored)
    assert list(reader.items(PREFIX)) == [(PREFIX + b"shop/s%d" % number, b"value-%d" % number) for number in range(5)]
    assert [(start, limit) for start, _end, limit in reader.ranges] == [
        (PREFIX, 2), (PREFIX + b"shop/s1\0", 2), (PREFIX + b"shop/s3\0", 2)]
    assert set(end for _start, end, _limit in reader.ranges) == {b"/registry/secrets0"}
    assert list(FakeEtcd().items(PREFIX)) == []


def test_a_url_is_required_and_the_params_name_the_tls_files():
    with pytest.raises(SecretOpsError, match="etcd_url is needed to read etcd"):
        etcd.etcd_reader({"etcd_url": None})
    reader = etcd.etcd_reader({"etcd_url": "https://etcd:2379/", "etcd_ca_cert": "/pki/ca.crt", "etcd_client_cert": "/pki/c.crt",
                               "etcd_client_key": "/pki/c.key"})
    assert (reader.url, reader.ca_cert, reader.client_cert, reader.client_key) == ("https://etcd:2379", "/pki/ca.crt", "/pki/c.crt", "/pki/c.key")


class Answer(object):
    def __init__(self, body):
        self.body = body

    def read(self):
        return self.body


def test_the_exchange_posts_the_range_with_the_tls_files(monkeypatch):
    sent = []

    def open_url(url, **kwargs):
        sent.append((url, kwargs))
        return Answer(json.dumps({"kvs": [{"key": base64.b64encode(PREFIX + b"a").decode()}]}).encode())

    monkeypatch.setattr(etcd, "open_url", open_url)
    reader = etcd.EtcdReader("https://etcd:2379", "/pki/ca.crt", "/pki/c.crt", "/pki/c.key", timeout=5)
    assert list(reader.items(PREFIX)) == [(PREFIX + b"a", b"")]  # a key without a value reads as empty
    url, kwargs = sent[0]
    assert url == "https://etcd:2379/v3/kv/range" and kwargs["method"] == "POST" and kwargs["timeout"] == 5
    assert (kwargs["ca_path"], kwargs["client_cert"], kwargs["client_key"]) == ("/pki/ca.crt", "/pki/c.crt", "/pki/c.key")
    assert json.loads(kwargs["data"]) == {"key": base64.b64encode(PREFIX).decode(), "range_end": base64.b64encode(b"/registry/secrets0").decode(),
                                          "limit": etcd.PAGE}


def test_a_failed_exchange_names_the_endpoint_and_the_error_class_only(monkeypatch):
    def open_url(url, **kwargs):
        raise ValueError("refused: request body %s" % kwargs["data"])

    monkeypatch.setattr(etcd, "open_url", open_url)
    with pytest.raises(SecretOpsError) as raised:
        list(etcd.EtcdReader("https://etcd:2379").items(PREFIX))
    assert str(raised.value) == "cannot read etcd at https://etcd:2379 (ValueError): check etcd_url and the etcd TLS options"
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
