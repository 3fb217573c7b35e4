"""Issue 22: the Kubernetes connection as kubernetes.core users know it, against the real apiserver.

- ``impersonate_user``/``impersonate_groups`` (and K8S_AUTH_IMPERSONATE_*): the admin identity of the
  environment acts as a user bound to a Role, so the task has that user's permissions and no more
  (the group is sent as its own Impersonate-Group header among others).
- The namespace of the kubeconfig context is the default of a task that names none; an explicit
  namespace wins.
"""

import base64
import uuid

import yaml
from kubernetes import client as k8s_client

from tests.integration.ansible_run import run_tasks
from tests.integration.test_k8s_input_safety import kubectl

INFO = "secretops.provisioning.k8s_secret_info"
SECRET = "secretops.provisioning.k8s_secret"


def _secret(k8s_api, namespace, name, value):
    k8s_client.CoreV1Api(k8s_api).create_namespaced_secret(namespace, k8s_client.V1Secret(
        metadata=k8s_client.V1ObjectMeta(name=name), string_data={"password": value}))


def _reader_role(local_env, namespace, subject):
    """A Role that may read Secrets in ``namespace``, bound to ``subject`` (``--user=...`` or ``--group=...``)."""
    kubectl(local_env, "-n", namespace, "create", "role", "secret-reader", "--verb=get,list", "--resource=secrets")
    kubectl(local_env, "-n", namespace, "create", "rolebinding", "secret-reader", "--role=secret-reader", subject)


def test_impersonation_gives_the_task_the_impersonated_identitys_permissions(local_env, k8s_api, namespace):
    user = "it-user-" + uuid.uuid4().hex[:8]
    group = "it-group-" + uuid.uuid4().hex[:8]
    _secret(k8s_api, namespace, "db", "impersonated-" + uuid.uuid4().hex)
    _reader_role(local_env, namespace, "--user=" + user)
    kubectl(local_env, "-n", namespace, "create", "rolebinding", "group-reader", "--role=secret-reader", "--group=" + group)
    tasks = [
        {"name": "read as the user", INFO: {"name": "db", "namespace": namespace, "impersonate_user": user}},
        {"name": "write as the user", SECRET: {"name": "new", "namespace": namespace, "string_data": {"k": "v"},
                                               "impersonate_user": user}, "ignore_errors": True},
        {"name": "read elsewhere as the user", INFO: {"name": "db", "namespace": "default", "impersonate_user": user},
         "ignore_errors": True},
        {"name": "read as a stranger in the group", INFO: {
            "name": "db", "namespace": namespace, "impersonate_user": "stranger", "impersonate_groups": ["unrelated", group]}},
        {"name": "read as a stranger", INFO: {"name": "db", "namespace": namespace, "impersonate_user": "stranger"},
         "ignore_errors": True},
        {"name": "read as admin", INFO: {"name": "db", "namespace": namespace}},
    ]
    result = run_tasks(tasks, env=local_env.env).assert_ok()
    assert result.task("read as the user")["secret"]["data_keys"] == ["password"]
    for denied, identity in (("write as the user", user), ("read elsewhere as the user", user), ("read as a stranger", "stranger")):
        message = result.task(denied)["msg"]
        assert "HTTP 403" in message and 'User "%s"' % identity in message, denied
    assert result.task("read as a stranger in the group")["secret"]["data_keys"] == ["password"]
    assert result.task("read as admin")["secret"]["name"] == "db"
    assert k8s_client.CoreV1Api(k8s_api).list_namespaced_secret(namespace, field_selector="metadata.name=new").items == []

    # the same from kubernetes.core's variables, for a module and the lookup
    lookup = "{{ lookup('secretops.provisioning.k8s_secret', 'db', namespace='%s', key='password') | length }}" % namespace
    env = dict(local_env.env, K8S_AUTH_IMPERSONATE_USER="stranger", K8S_AUTH_IMPERSONATE_GROUPS="unrelated," + group)
    result = run_tasks([{"name": "module", INFO: {"name": "db", "namespace": namespace}},
                        {"name": "lookup", "ansible.builtin.set_fact": {"length": lookup}}], env=env).assert_ok()
    assert result.task("module")["secret"]["data_keys"] == ["password"]
    env = dict(local_env.env, K8S_AUTH_IMPERSONATE_USER="stranger")
    result = run_tasks([{"name": "module", INFO: {"name": "db", "namespace": namespace}, "ignore_errors": True},
                        {"name": "lookup", "ansible.builtin.set_fact": {"length": lookup}, "ignore_errors": True}], env=env)
    assert "HTTP 403" in result.task("module")["msg"] and "HTTP 403" in result.task("lookup")["msg"]


def test_the_kubeconfig_contexts_namespace_is_the_default_and_an_explicit_one_wins(local_env, k8s_api, namespace, tmp_path):
    with open(local_env.kubeconfig) as handle:
        config = yaml.safe_load(handle)
    current = next(entry for entry in config["contexts"] if entry["name"] == config["current-context"])
    current["context"]["namespace"] = namespace
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    env = dict(local_env.env, KUBECONFIG=str(path), K8S_AUTH_KUBECONFIG=str(path))
    _secret(k8s_api, "default", "it-explicit-" + namespace, "elsewhere")
    tasks = [
        {"name": "write", SECRET: {"name": "db", "string_data": {"password": "in-context"}}},
        {"name": "read", INFO: {"name": "db"}},
        {"name": "lookup", "ansible.builtin.set_fact": {
            "value": "{{ lookup('secretops.provisioning.k8s_secret', 'db', key='password') }}"}},
        {"name": "explicit", INFO: {"name": "it-explicit-" + namespace, "namespace": "default"}},
        {"name": "consumers", "secretops.provisioning.k8s_secret_consumers": {"name": "db"}},
        {"name": "restart", "secretops.provisioning.k8s_rollout_restart": {"secrets": ["db"]}},
        {"name": "service account", "secretops.provisioning.k8s_service_account": {"name": "it-context-sa", "create_namespace": False}},
    ]
    try:
        result = run_tasks(tasks, env=env).assert_ok()
    finally:
        k8s_client.CoreV1Api(k8s_api).delete_namespaced_secret("it-explicit-" + namespace, "default")
    assert result.task("write")["secret"]["namespace"] == namespace
    stored = k8s_client.CoreV1Api(k8s_api).read_namespaced_secret("db", namespace)
    assert base64.b64decode(stored.data["password"]) == b"in-context"
    assert result.task("read")["secret"]["namespace"] == namespace
    assert result.task("lookup")["ansible_facts"]["value"] == "in-context"
    assert result.task("explicit")["secret"]["namespace"] == "default"
    assert result.task("consumers")["consumers"] == [] and result.task("restart")["changed"] is False
    assert k8s_client.CoreV1Api(k8s_api).read_namespaced_service_account("it-context-sa", namespace).metadata.namespace == namespace
