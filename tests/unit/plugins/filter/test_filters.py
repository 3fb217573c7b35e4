"""The filters built on the decoding helpers, one plugin file each."""

import base64

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.secretops.provisioning.plugins.filter import b64decode_data, dockerconfigjson


FILTERS = dict(b64decode_data.FilterModule().filters(), **dockerconfigjson.FilterModule().filters())


def b64(raw):
    return base64.b64encode(raw if isinstance(raw, bytes) else raw.encode()).decode()


def test_filters():
    assert FILTERS["b64decode_data"]({"a": b64("x")}) == {"a": "x"}
    with pytest.raises(AnsibleFilterError, match="b64decode_data: expected a Secret's data"):
        FILTERS["b64decode_data"](["x"])
    text = FILTERS["dockerconfigjson"]({"server": "r", "username": "u", "password": "p"})
    assert text == '{"auths":{"r":{"username":"u","password":"p","auth":"%s"}}}' % b64("u:p")
    with pytest.raises(AnsibleFilterError, match=r"dockerconfigjson: registries\[0\] needs both"):
        FILTERS["dockerconfigjson"]([{"username": "u"}])
