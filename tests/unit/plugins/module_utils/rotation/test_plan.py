"""rotation/plan.py: what seeding and rotation write to Vault."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import plan


def new(_rules):
    return "new"


def test_rotation_keeps_a_user_field_ending_in_previous():
    current = {"password": "old", "api_previous": "user's own", "password_previous": "older"}
    for keep in (False, True):
        data, rotated = plan.rotate("db", {"password": {"generate": {}}}, current, keep_previous=keep, generate=new)
        assert rotated == ["password"] and data["api_previous"] == "user's own", keep
    data, _rotated = plan.rotate("db", {"password": {"generate": {}}}, current, keep_previous=True, generate=new)
    assert data == {"password": "new", "password_previous": "old", "api_previous": "user's own"}
    data, _rotated = plan.rotate("db", {"password": {"generate": {}}}, current, keep_previous=False, generate=new)
    assert data == {"password": "new", "api_previous": "user's own"}


def test_a_rotated_field_owns_its_previous_twin_even_when_new():
    data, _rotated = plan.rotate("db", {}, {"api_previous": "stale"}, {"api": "k2"}, keep_previous=True)
    assert data == {"api": "k2"}


def test_seed_writes_values_as_json_types_and_compares_them_strictly():
    fields = {"enabled": {"value": True}, "limits": {"value": {"rps": 10}}, "port": {"value": 5432}, "name": {"value": "x"}}
    data, written = plan.seed("cfg", fields, {})
    assert data == {"enabled": True, "limits": {"rps": 10}, "port": 5432, "name": "x"}
    assert isinstance(data["enabled"], bool) and written == ["enabled", "limits", "name", "port"]
    assert plan.seed("cfg", fields, data) == (data, [])
    # Python's True == 1 == 1.0, and older versions wrote str(True): each is a different JSON value
    for stored in (1, 1.0, "True", "true"):
        assert plan.seed("cfg", {"enabled": {"value": True}}, {"enabled": stored})[1] == ["enabled"], stored
    assert plan.seed("cfg", {"port": {"value": 5432}}, {"port": 5432.0})[1] == ["port"]


def test_rotation_takes_new_values_as_they_are():
    data, rotated = plan.rotate("cfg", {}, {"flags": {"a": 1}}, {"flags": {"a": 2}, "on": False})
    assert data == {"flags": {"a": 2}, "on": False} and rotated == ["flags", "on"]


def test_seed_generates_once_and_writes_given_values_when_different():
    fields = {"username": {"value": "app"}, "password": {"generate": {"length": 16}}}
    data, written = plan.seed("db", fields, {}, generate=lambda rules: "G" * rules["length"])
    assert data == {"username": "app", "password": "G" * 16} and written == ["password", "username"]
    again, written = plan.seed("db", fields, data, generate=lambda rules: "NEW")
    assert again == data and written == []
    changed, written = plan.seed("db", {"username": {"value": "other"}}, dict(data, extra="kept"))
    assert changed["username"] == "other" and changed["extra"] == "kept" and written == ["username"]


def test_field_spec_needs_value_or_generate():
    with pytest.raises(SecretOpsError, match="exactly one"):
        plan.seed("db", {"password": {}}, {})
    with pytest.raises(SecretOpsError, match="exactly one"):
        plan.seed("db", {"password": {"value": "x", "generate": {}}}, {})


def test_rotate_generates_takes_given_values_and_keeps_previous():
    fields = {"username": {"value": "app"}, "password": {"generate": {}}}
    current = {"username": "app", "password": "old", "token_previous": "stale", "token": "t1"}
    data, rotated = plan.rotate("db", fields, current, {"token": "t2"}, keep_previous=True, generate=lambda rules: "new")
    assert rotated == ["password", "token"]
    assert data == {"username": "app", "password": "new", "password_previous": "old", "token": "t2", "token_previous": "t1"}
    data, rotated = plan.rotate("db", fields, data, keep_previous=False, generate=lambda rules: "newer")
    assert data == {"username": "app", "password": "newer", "token": "t2"}
    with pytest.raises(SecretOpsError, match="nothing to rotate"):
        plan.rotate("db", {"username": {"value": "app"}}, current)
