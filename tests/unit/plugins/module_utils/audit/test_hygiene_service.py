"""audit/hygiene_service.py against the fake API server (``k8s/fakes.py``): one LIST of each kind per
namespace and nothing written; every Secret's findings, then the ConfigMaps'; the categories kept;
names and times in the findings, never a value."""

import base64
import datetime
import json

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import hygiene_service
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import paths
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import _expand

from ..k8s.fakes import FakeApiServer

NOW = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.timezone.utc)
DAY = 86400
VALUE = base64.b64encode(b"hunter2-secret-value").decode()


def secret(name, kind="Opaque", annotations=None, writers=()):
    fields = [{"manager": manager, "operation": "Update", "time": when, "fieldsV1": {"f:data": {}}} for manager, when in writers]
    return {"kind": "Secret", "type": kind, "data": {"password": VALUE},
            "metadata": {"name": name, "namespace": "shop", "annotations": annotations or {}, "managedFields": fields}}


def deployment(uses):
    env = [{"name": "PW", "valueFrom": {"secretKeyRef": {"name": uses, "key": "password"}}}]
    return {"metadata": {"name": "web", "namespace": "shop", "uid": "web"},
            "spec": {"template": {"spec": {"containers": [{"name": "app", "env": env}]}}}}


def stored(path, *items):
    """``items`` by their object paths under the collection ``path`` of namespace shop."""
    return dict((_expand(path + "/{name}", {"namespace": "shop", "name": item["metadata"]["name"]}), item) for item in items)


def server():
    objects = stored(paths.DEPLOYMENTS, deployment("db"))
    objects.update(stored(paths.CONFIG_MAPS,
                          {"metadata": {"name": "settings", "namespace": "shop"}, "data": {"db_password": "hunter2-config-value", "color": "blue"}},
                          {"metadata": {"name": "kube-root-ca.crt", "namespace": "shop"}, "data": {"ca.crt": "-----BEGIN CERTIFICATE-----"}}))
    return FakeApiServer(
        secret("db", writers=[("manager-a", "2026-01-01T00:00:00Z")]),
        secret("old", writers=[("manager-a", "2026-12-01T00:00:00Z"), ("kubectl-edit", "2026-12-02T00:00:00Z")]),
        secret("leased", annotations={"secretops.io/vault-lease-end": "2026-12-08T00:00:00Z"}),
        secret("token", kind="kubernetes.io/service-account-token", annotations={"kubernetes.io/service-account.name": "builder"}),
        objects=objects)


def test_each_secret_then_each_configmap_is_judged_and_nothing_written():
    api = server()
    result = hygiene_service.audit(api, ["shop", "blog"], max_age=90 * DAY, expiry_window=7 * DAY, now=NOW)
    found = [(item["category"], item["kind"], item["name"]) for item in result["findings"]]
    assert found == [("not_updated_in_place", "Secret", "db"), ("not_rotated", "Secret", "db"),
                     ("unused", "Secret", "leased"), ("expiring", "Secret", "leased"),
                     ("unused", "Secret", "old"), ("multiple_writers", "Secret", "old"),
                     ("legacy_service_account_token", "Secret", "token"),
                     ("secret_like_configmap", "ConfigMap", "settings")]
    assert result["summary"]["total"] == 8 and result["summary"]["unused"] == 2 and result["summary"]["not_updated_in_place"] == 1
    assert api.writes() == [] and all(method == "GET" for method in api.methods())
    assert len(api.requests) == 2 * len(set(paths.BY_KIND) | {"Secret", "ConfigMap"})  # one LIST of each kind per namespace
    text = json.dumps(result)
    assert "hunter2" not in text and VALUE not in text


def test_the_checks_with_no_threshold_are_off_and_categories_filter_the_findings():
    result = hygiene_service.audit(server(), ["shop"], now=NOW)
    assert not [item for item in result["findings"] if item["category"] in ("not_rotated", "expiring")]
    kept = hygiene_service.audit(server(), ["shop"], max_age=90 * DAY, expiry_window=7 * DAY, categories=["unused", "expiring"], now=NOW)
    kept_findings = sorted((item["category"], item["name"]) for item in kept["findings"])
    assert kept_findings == [("expiring", "leased"), ("unused", "leased"), ("unused", "old")]
    assert kept["summary"]["total"] == 3 and kept["summary"]["multiple_writers"] == 0


def test_a_configmap_finding_names_its_keys_and_why_never_the_value():
    found = hygiene_service.audit(server(), ["shop"], categories=["secret_like_configmap"], now=NOW)["findings"]
    assert found == [{"category": "secret_like_configmap", "kind": "ConfigMap", "name": "settings", "namespace": "shop",
                      "keys": [{"key": "db_password", "reasons": ["name"]}]}]
    assert hygiene_service.list_config_maps(server(), "blog") == []
