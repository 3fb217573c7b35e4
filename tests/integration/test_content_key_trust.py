"""Issue 23: the content-stamp key is only ever one the collection made.

An identity that may create Secrets but not read them could plant ``secretops-content-key`` with a
key it knows; every stamp of the namespace could then be tested offline by anyone who reads Pods
(a 6-digit password in seconds). Here such a key is planted, shaped exactly like the collection's
(immutable, its label, one 32-byte key) but written by another field manager: k8s_secret must
replace it, say so, and return a checksum the planted key cannot reproduce.
"""

import base64

from kubernetes import client as k8s_client

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.content_key import KEY_SECRET_NAME, key_secret_body, untrusted
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import content_mac
from tests.integration.ansible_run import run_tasks

PLANTED = b"known-to-the-planter-0123456789!"
PASSWORD = "424242"


def test_a_key_planted_by_another_field_manager_is_replaced_with_a_warning(local_env, namespace, k8s_api):
    core = k8s_client.CoreV1Api(k8s_api)
    planted = core.create_namespaced_secret(namespace, key_secret_body(namespace, PLANTED), field_manager="secret-creator")
    tasks = [{"name": "secret", "secretops.provisioning.k8s_secret": {"name": "db", "namespace": namespace, "string_data": {"password": PASSWORD}}}]
    result = run_tasks(tasks, env=local_env.env).assert_ok().task("secret")
    # before the fix: the planted key was used, so the planter could test guesses against the checksum
    data = core.read_namespaced_secret("db", namespace).data
    assert result["secret"]["checksum"] != content_mac(PLANTED, "db", data)
    key_secret = core.read_namespaced_secret(KEY_SECRET_NAME, namespace)
    assert key_secret.metadata.uid != planted.metadata.uid
    key = base64.b64decode(key_secret.data["key"])
    assert key != PLANTED and result["secret"]["checksum"] == content_mac(key, "db", data)
    assert untrusted(k8s_api.sanitize_for_serialization(key_secret)) is None
    warnings = result.get("warnings", [])
    assert any("Secret %s/%s (the key of the content stamps) was not made by the collection (its data was not written by the "
               "collection's field manager secretops): it is replaced by a new key" % (namespace, KEY_SECRET_NAME) in warning
               for warning in warnings), warnings
    assert base64.b64encode(PLANTED).decode() not in str(result)
    # the collection's own key is kept: a second run neither replaces it nor warns
    again = run_tasks(tasks, env=local_env.env).assert_ok().task("secret")
    assert core.read_namespaced_secret(KEY_SECRET_NAME, namespace).metadata.uid == key_secret.metadata.uid
    assert not any(KEY_SECRET_NAME in warning for warning in again.get("warnings", []))
