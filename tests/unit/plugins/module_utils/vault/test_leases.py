"""Lease decisions (keep, renew, issue), renew_before forms and Vault timestamps; the lease calls against a fake."""

import datetime

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import leases

from .fakes import FakeVaultApi, denied


def lease(ttl, renewable=True, issue="2026-11-24T00:00:00Z", expire="2026-11-24T01:00:00Z", last_renewal=None):
    return {"id": "database/creds/app/x", "ttl": ttl, "renewable": renewable, "issue_time": issue, "expire_time": expire,
            "last_renewal": last_renewal}


def test_renew_before_is_a_duration_or_a_percentage():
    assert leases.parse_renew_before("33%") == ("percent", 33.0)
    assert leases.parse_renew_before("12.5 %") == ("percent", 12.5)
    assert leases.parse_renew_before("10m") == ("seconds", 600)
    assert leases.parse_renew_before(90) == ("seconds", 90)
    for bad in ("0%", "100%", "150%", "soon"):
        with pytest.raises(SecretOpsError, match="renew_before"):
            leases.parse_renew_before(bad)


def test_percentages_apply_to_the_lifetime_since_issue_or_last_renewal():
    assert leases.lifetime(lease(100)) == 3600
    assert leases.lifetime(lease(100, last_renewal="2026-11-24T00:30:00Z")) == 1800
    assert leases.lifetime({"ttl": 42}) == 42  # no timestamps: what is left is all we know
    assert leases.renew_before_seconds(("percent", 25.0), 3600) == 900
    assert leases.renew_before_seconds(("seconds", 60), 3600) == 60


def test_plan_keeps_renews_or_issues():
    quarter = leases.parse_renew_before("25%")
    assert leases.plan(lease(1000), quarter)[0] == leases.KEEP
    assert leases.plan(lease(900), quarter)[0] == leases.RENEW
    assert leases.plan(lease(900, renewable=False), quarter)[0] == leases.ISSUE
    assert leases.plan(None, quarter) == (leases.ISSUE, leases.GONE)
    action, reason = leases.plan(lease(30), leases.parse_renew_before("1m"))
    assert action == leases.RENEW and "30s" in reason and "60s" in reason


def test_a_capped_renewal_does_not_count_as_one():
    quarter = leases.parse_renew_before("25%")
    before = lease(300)  # a one-hour lease
    assert leases.renewal_suffices(before, 3600, quarter)
    assert not leases.renewal_suffices(before, 600, quarter)  # max TTL left only 10 minutes


def test_vault_timestamps():
    assert leases.parse_time("2026-11-24T00:15:00.123456789Z") == datetime.datetime(2026, 11, 24, 0, 15, tzinfo=datetime.timezone.utc)
    assert leases.parse_time("2026-11-24T01:15:00+01:00") == datetime.datetime(2026, 11, 24, 0, 15, tzinfo=datetime.timezone.utc)
    assert leases.parse_time("") is None and leases.parse_time("yesterday") is None


def test_lookup_of_an_unknown_lease_is_none_and_other_errors_raise():
    gone = SecretOpsError("Vault rejected look up lease x: invalid lease", status=400)
    assert leases.lookup(FakeVaultApi({("POST", "sys/leases/lookup"): gone}), "x") is None
    with pytest.raises(SecretOpsError, match="permission denied"):
        leases.lookup(FakeVaultApi({("POST", "sys/leases/lookup"): denied("sys/leases/lookup")}), "x")
    found = FakeVaultApi({("POST", "sys/leases/lookup"): {"data": lease(5)}})
    assert leases.lookup(found, "x")["ttl"] == 5 and found.sent == [("POST", "sys/leases/lookup", {"lease_id": "x"})]


def test_renew_sends_the_increment_in_seconds_and_revoke_waits():
    vault = FakeVaultApi({("POST", "sys/leases/renew"): {"lease_id": "x", "lease_duration": 600}})
    assert leases.renew(vault, "x", "10m") == 600
    leases.revoke(vault, "x")
    assert vault.sent == [("POST", "sys/leases/renew", {"lease_id": "x", "increment": 600}),
                          ("POST", "sys/leases/revoke", {"lease_id": "x", "sync": True})]


def test_token_facts_and_a_token_that_may_not_look_itself_up():
    periodic = FakeVaultApi({("GET", "auth/token/lookup-self"): {"data": {"ttl": 3500, "period": 3600, "orphan": True, "renewable": True}}})
    assert leases.token_facts(periodic) == {"ttl": 3500, "period": 3600, "orphan": True, "renewable": True}
    hidden = FakeVaultApi({("GET", "auth/token/lookup-self"): denied("auth/token/lookup-self")})
    assert leases.token_facts(hidden) == {"ttl": None, "period": None, "orphan": None, "renewable": None}
