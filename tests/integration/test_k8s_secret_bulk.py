"""k8s_secret bulk form (secrets:) against the real apiserver: one task, per-item results in input order,
only differing items written, validation of every item before any write, and the info module and lookup."""

import base64
import os
import subprocess
import uuid

from kubernetes import client as k8s_client

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.content_key import KEY_SECRET_NAME
from tests.integration.ansible_run import run_tasks

MODULE = "secretops.provisioning.k8s_secret"


def unique(prefix="v"):
    return "%s-%s" % (prefix, uuid.uuid4().hex)


def run(local_env, *tasks, **kwargs):
    env = kwargs.pop("env", None)
    return run_tasks(list(tasks), env=local_env.env if env is None else env, **kwargs)


def task(title, module, **options):
    return {"name": title, module: options, "register": "out"}


def listed(k8s_api, namespace):
    """The Secrets of ``namespace`` but the content-stamp key, which k8s_secret makes on its first write there."""
    items = k8s_client.CoreV1Api(k8s_api).list_namespaced_secret(namespace).items
    return dict((item.metadata.name, item) for item in items if item.metadata.name != KEY_SECRET_NAME)


def values(secret):
    return dict((key, base64.b64decode(value).decode()) for key, value in (secret.data or {}).items())


def test_bulk_create_rerun_change_and_delete(local_env, k8s_api, namespace):
    items = [{"name": "app-%02d" % index, "string_data": {"token": unique("t%02d" % index)}} for index in range(40)]
    items.append({"name": "tls-like", "type": "example.com/custom", "labels": {"kind": "custom"}, "string_data": {"x": unique()}})
    first = run(local_env, task("bulk", MODULE, namespace=namespace, concurrency=8, secrets=items)).assert_ok().task("bulk")
    assert first["changed"] is True
    assert [result["name"] for result in first["results"]] == [item["name"] for item in items]
    assert all(result["action"] == "created" and result["secret"]["resource_version"] for result in first["results"])
    stored = listed(k8s_api, namespace)
    assert len(stored) == 41 and values(stored["app-07"]) == items[7]["string_data"]
    key = k8s_client.CoreV1Api(k8s_api).read_namespaced_secret(KEY_SECRET_NAME, namespace)
    assert key.immutable is True and all(result["secret"]["checksum"].startswith("hmac-sha256:") for result in first["results"])
    assert stored["tls-like"].type == "example.com/custom" and stored["tls-like"].metadata.labels == {"kind": "custom"}
    versions = dict((name, secret.metadata.resource_version) for name, secret in stored.items())

    second = run(local_env, task("bulk", MODULE, namespace=namespace, secrets=items)).assert_ok().task("bulk")
    assert second["changed"] is False and set(result["action"] for result in second["results"]) == {"unchanged"}
    assert dict((name, secret.metadata.resource_version) for name, secret in listed(k8s_api, namespace).items()) == versions

    changed = [dict(item) for item in items]
    changed[3] = {"name": "app-03", "string_data": {"token": unique("new")}}
    changed[5] = {"name": "app-05", "state": "absent"}
    third = run(local_env, task("bulk", MODULE, namespace=namespace, secrets=changed), diff=True).assert_ok()
    results = third.task("bulk")["results"]
    assert [r["action"] for r in results[:7]] == ["unchanged"] * 3 + ["updated", "unchanged", "deleted", "unchanged"]
    assert len(third.task("bulk")["diff"]) == 2
    after = listed(k8s_api, namespace)
    assert "app-05" not in after and values(after["app-03"]) == changed[3]["string_data"]
    untouched = [name for name in after if name != "app-03"]
    assert all(after[name].metadata.resource_version == versions[name] for name in untouched)


def test_bulk_items_inherit_task_options_and_span_namespaces(local_env, k8s_api, namespace):
    other = "it-" + uuid.uuid4().hex[:10]
    core = k8s_client.CoreV1Api(k8s_api)
    core.create_namespace(k8s_client.V1Namespace(metadata=k8s_client.V1ObjectMeta(name=other)))
    try:
        items = [{"name": "a", "string_data": {"k": unique()}}, {"name": "b", "namespace": other, "string_data": {"k": unique()}, "immutable": False}]
        result = run(local_env, task("bulk", MODULE, namespace=namespace, immutable=True, labels={"team": "x"}, secrets=items)).assert_ok()
        assert [r["namespace"] for r in result.task("bulk")["results"]] == [namespace, other]
        first = core.read_namespaced_secret("a", namespace)
        second = core.read_namespaced_secret("b", other)
        assert first.immutable is True and first.metadata.labels == {"team": "x"}
        assert not second.immutable and second.metadata.labels == {"team": "x"}
    finally:
        core.delete_namespace(other)


def test_bulk_bad_item_fails_naming_item_and_key_and_writes_nothing(local_env, k8s_api, namespace):
    items = [{"name": "good", "string_data": {"k": unique()}}, {"name": "bad", "string_data": {"no/slash": unique()}}]
    result = run(local_env, task("bulk", MODULE, namespace=namespace, secrets=items))
    assert result.returncode != 0
    failure = result.task("bulk")
    assert failure["msg"].startswith("secrets[1] (%s/bad): string_data key 'no/slash' is not a valid Secret key" % namespace)
    assert failure["item"] == 1
    assert listed(k8s_api, namespace) == {}
    duplicate = run(local_env, task("bulk", MODULE, namespace=namespace, secrets=[items[0], items[0]]))
    assert "secrets[1] (%s/good): the same Secret is already given by secrets[0]" % namespace in duplicate.task("bulk")["msg"]
    assert listed(k8s_api, namespace) == {}


def test_bulk_check_mode_writes_nothing(local_env, k8s_api, namespace):
    items = [{"name": "s%d" % index, "string_data": {"k": unique()}} for index in range(5)]
    result = run(local_env, task("bulk", MODULE, namespace=namespace, secrets=items), check=True).assert_ok().task("bulk")
    assert result["changed"] is True and all(r["action"] == "created" for r in result["results"])
    assert listed(k8s_api, namespace) == {}


def test_info_module_hides_values_unless_decode(local_env, namespace):
    password = unique("pw")
    result = run(
        local_env,
        task("make", MODULE, namespace=namespace, name="db", labels={"app": "web"}, string_data={"password": password}),
        task("make2", MODULE, namespace=namespace, name="other", string_data={"x": unique()}),
        task("one", "secretops.provisioning.k8s_secret_info", namespace=namespace, name="db"),
        task("selected", "secretops.provisioning.k8s_secret_info", namespace=namespace, label_selector="app=web"),
        task("missing", "secretops.provisioning.k8s_secret_info", namespace=namespace, name="nope"),
        {"name": "decoded", "secretops.provisioning.k8s_secret_info": {"namespace": namespace, "name": "db", "decode": True},
         "register": "decoded"},
        {"name": "use", "ansible.builtin.assert": {"that": ["decoded.secret.string_data.password == %r" % password,
                                                            "decoded.secret.data.password | b64decode == %r" % password]}},
    ).assert_ok()
    one = result.task("one")
    assert one["changed"] is False and one["secret"]["data_keys"] == ["password"] and one["secret"]["labels"] == {"app": "web"}
    assert one["secret"]["checksum"] == result.task("make")["secret"]["checksum"]
    assert "data" not in one["secret"]
    assert [s["name"] for s in result.task("selected")["secrets"]] == ["db"]
    assert result.task("missing")["secret"] is None and result.task("missing")["secrets"] == []
    for title in ("make", "make2", "one", "selected", "missing"):
        assert password not in str(result.task(title))
    check = run(local_env, task("one", "secretops.provisioning.k8s_secret_info", namespace=namespace, name="db"), check=True).assert_ok()
    assert check.task("one")["secret"]["data_keys"] == ["password"]


def test_lookup_values_map_and_clear_errors(local_env, namespace):
    password = unique("pw")
    lookup = "lookup('secretops.provisioning.k8s_secret', 'db', namespace=%r%s)"
    result = run(
        local_env,
        task("make", MODULE, namespace=namespace, name="db", string_data={"password": password, "user": "someone"}),
        {"name": "value", "ansible.builtin.set_fact": {"value": "{{ %s }}" % (lookup % (namespace, ", key='password'"))}},
        {"name": "map", "ansible.builtin.set_fact": {"whole": "{{ %s }}" % (lookup % (namespace, ""))}},
        {"name": "check", "ansible.builtin.assert": {"that": ["value == %r" % password, "whole == {'password': %r, 'user': 'someone'}" % password]}},
        {"name": "filter", "ansible.builtin.assert": {"that": [
            "({'a': 'aGVsbG8='} | secretops.provisioning.b64decode_data) == {'a': 'hello'}",
            "([{'server': 'r', 'username': 'u', 'password': 'p'}] | secretops.provisioning.dockerconfigjson | from_json).auths.r.auth == 'dTpw'",
        ]}},
    ).assert_ok()
    assert not result.task("check").get("failed")
    missing_key = run(local_env, {"name": "x", "ansible.builtin.debug": {"msg": "{{ %s }}" % (lookup % (namespace, ", key='nope'"))}})
    assert missing_key.returncode != 0 and "Secret %s/db has no key 'nope': its keys are password, user" % namespace in missing_key.output
    gone = "lookup('secretops.provisioning.k8s_secret', 'gone', namespace=%r)" % namespace
    missing = run(local_env, {"name": "x", "ansible.builtin.debug": {"msg": "{{ %s }}" % gone}})
    assert missing.returncode != 0 and "Secret %s/gone does not exist" % namespace in missing.output


def test_lookup_uses_k8s_auth_environment_only(local_env, namespace):
    """No KUBECONFIG: the K8S_AUTH_* variables AWX sets are enough (here host + token + CA of a service account)."""
    core_env = dict(os.environ, **local_env.env)
    subprocess.run(["kubectl", "-n", namespace, "create", "serviceaccount", "reader"], env=core_env, check=True, capture_output=True)
    subprocess.run(["kubectl", "-n", namespace, "create", "rolebinding", "reader", "--clusterrole=admin", "--serviceaccount=%s:reader" % namespace],
                   env=core_env, check=True, capture_output=True)
    token = subprocess.run(["kubectl", "-n", namespace, "create", "token", "reader"], env=core_env, check=True, capture_output=True,
                           text=True).stdout.strip()
    value = unique("pw")
    run(local_env, task("make", MODULE, namespace=namespace, name="db", string_data={"password": value})).assert_ok()
    assert not any(name in os.environ for name in ("KUBECONFIG", "K8S_AUTH_KUBECONFIG"))
    env = {"K8S_AUTH_HOST": local_env.api_server, "K8S_AUTH_API_KEY": token, "K8S_AUTH_SSL_CA_CERT": local_env.ca_cert}
    result = run(local_env, {"name": "value", "ansible.builtin.set_fact": {
        "value": "{{ lookup('secretops.provisioning.k8s_secret', 'db', namespace=%r, key='password') }}" % namespace}},
        {"name": "check", "ansible.builtin.assert": {"that": ["value == %r" % value]}}, env=env)
    result.assert_ok()
