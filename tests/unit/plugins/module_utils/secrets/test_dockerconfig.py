"""Registry credentials: byte-identical to kubectl create secret docker-registry."""

import base64
import json

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.dockerconfig import dockercfg, dockerconfigjson


def b64(text):
    return base64.b64encode(text.encode()).decode()


# registry credentials: byte-identical to kubectl create secret docker-registry
def test_dockerconfigjson_matches_kubectl_byte_for_byte():
    text = dockerconfigjson([{"server": "registry.example.com", "username": "robot", "password": "p<a>s&s", "email": "ops@example.com"}])
    assert text == ('{"auths":{"registry.example.com":{"username":"robot","password":"p\\u003ca\\u003es\\u0026s",'
                    '"email":"ops@example.com","auth":"cm9ib3Q6cDxhPnMmcw=="}}}')


def test_dockerconfigjson_several_registries_sorted_and_default_server():
    document = json.loads(dockerconfigjson([{"server": "z.example", "username": "u", "password": "p"}, {"username": "d", "password": "q"}]))
    assert list(document["auths"]) == ["https://index.docker.io/v1/", "z.example"]
    assert document["auths"]["z.example"] == {"username": "u", "password": "p", "auth": b64("u:p")}


def test_dockercfg_is_the_auths_map():
    assert json.loads(dockercfg([{"server": "r", "username": "u", "password": "p"}])) == {"r": {"username": "u", "password": "p", "auth": b64("u:p")}}


@pytest.mark.parametrize("registries, message", [
    ([], "non-empty list"),
    ([{"server": "r", "username": "u"}], r"registries\[0\] needs both username and password"),
    ([{"server": "r", "username": "u", "password": "p"}, {"server": "r", "username": "v", "password": "q"}], "given twice"),
    ([{"server": "r", "username": "u", "password": "p", "token": "x"}], "unknown field"),
])
def test_dockerconfigjson_rejects_bad_registries(registries, message):
    with pytest.raises(SecretOpsError, match=message) as caught:
        dockerconfigjson(registries)
    assert "'p'" not in str(caught.value)
