"""rotation/selection.py: which secrets the rotate_secrets role rotates, and the module's items."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import selection

APPS = [{"name": "web", "namespace": "shop", "image": "big", "secrets": [
    {"name": "db", "vault_path": "shop/db", "type": "basic-auth", "generate": {"password": {}}},
    {"name": "cert", "pki": {"role": "web", "common_name": "web.shop"}},
    {"name": "pg", "database": {"role": "owner", "role_type": "static", "renew_before": "2h"}},
    {"name": "pg2", "database": {"role": "app", "renew_before": "1h"}}]},
    {"name": "blog", "namespace": "blog", "secrets": [{"name": "db", "vault_path": "blog/db", "keep_previous": True}]},
    {"name": "static-site", "namespace": "www"}]


def names(pairs):
    return ["%s/%s" % (pair[0]["namespace"], pair[1]["name"]) for pair in pairs]


def test_pairs_hold_the_application_as_its_name_and_namespace_only():
    pairs = selection.select_pairs(APPS, [])
    assert names(pairs) == ["shop/db", "shop/cert", "shop/pg", "shop/pg2", "blog/db"]
    assert pairs[0] == [{"name": "web", "namespace": "shop"}, APPS[0]["secrets"][0]]


def test_a_selection_names_secrets_by_name_or_namespace_and_name():
    assert names(selection.select_pairs(APPS, ["db"])) == ["shop/db", "blog/db"]
    assert names(selection.select_pairs(APPS, ["blog/db", "cert"])) == ["shop/cert", "blog/db"]
    assert selection.select_pairs(APPS, ["nothing"]) == [] and selection.select_pairs(None, []) == []


def test_applications_of_the_wrong_shape_are_refused():
    with pytest.raises(SecretOpsError, match="secrets of application web must be a list"):
        selection.select_pairs([{"name": "web", "namespace": "shop", "secrets": {"db": {}}}], [])
    with pytest.raises(SecretOpsError, match="every application must be a mapping"):
        selection.select_pairs(["web"], [])


def test_kv_targets_point_at_their_pair_and_hold_no_value():
    pairs = selection.select_pairs(APPS, [])
    assert selection.targets(pairs) == [{"index": 0, "namespace": "shop", "secret": "db"}, {"index": 4, "namespace": "blog", "secret": "db"}]


def test_dynamic_targets_say_their_source_and_whether_they_are_forced():
    pairs = selection.select_pairs(APPS, [])
    assert selection.targets(pairs, "dynamic") == [
        {"index": 1, "namespace": "shop", "secret": "cert", "source": "pki", "forced": False, "static": False},
        {"index": 2, "namespace": "shop", "secret": "pg", "source": "database", "forced": False, "static": True, "renew_before": "2h"},
        {"index": 3, "namespace": "shop", "secret": "pg2", "source": "database", "forced": False, "static": False, "renew_before": "1h"}]
    assert [target["secret"] for target in selection.targets(pairs, "pki")] == ["cert"]
    assert [target["secret"] for target in selection.targets(pairs, "database")] == ["pg", "pg2"]


def test_a_forced_dynamic_credential_asks_for_a_century_but_a_static_role_keeps_its_window():
    pairs = selection.select_pairs(APPS, [])
    forced = selection.targets(pairs, "database", ["shop/pg2", "pg"])
    assert [(t["forced"], t["renew_before"]) for t in forced] == [(True, "2h"), (True, selection.FORCE_WINDOW)]
    assert all(t["forced"] for t in selection.targets(pairs, "dynamic", [], True))
    assert selection.targets(pairs, "pki", ["cert"])[0]["forced"] is True


def test_an_unknown_kind_is_refused():
    with pytest.raises(SecretOpsError, match="kind must be one of kv, dynamic, pki, database, not static"):
        selection.targets([], "static")


def test_requests_carry_the_defaults_and_the_given_new_values():
    pairs = selection.select_pairs(APPS, [])
    selected = selection.targets(pairs)
    assert selection.requests(pairs, selected, {"shop/db": {"password": "given"}}) == [
        {"name": "db", "namespace": "shop", "type": "basic-auth", "vault_path": "shop/db", "generate": {"password": {}}, "mapping": {},
         "keep_previous": False, "new_values": {"password": "given"}},
        {"name": "db", "namespace": "blog", "type": "opaque", "vault_path": "blog/db", "generate": {}, "mapping": {},
         "keep_previous": True, "new_values": {}}]
    with pytest.raises(SecretOpsError, match="key db is ambiguous"):
        selection.requests(pairs, selected, {"db": {"password": "hunter2"}})
