"""vault/durations.py: seconds computed exactly as Vault computes them (Go's time.ParseDuration, truncated)."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import durations
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.durations import same_duration, to_seconds


# Expected values printed by Go 1.x: time.ParseDuration(s), then int64(d.Seconds()) as Vault stores it.
GO_SECONDS = [
    ("8.2h", 29520), ("1.5m", 90), ("0.1s", 0), ("1h30m", 5400), ("1.5h", 5400), ("500ms", 0), (".5h", 1800),
    ("5.h", 18000), ("1.1s", 1), ("0.999999999s", 0), ("2562047h", 9223369200), ("1.0000000001s", 1),
    ("0.3333333333333h", 1199), ("7.77777m", 466), ("1.123456789123h", 4044), ("2.675h", 9630), ("4.35m", 261),
    ("1.15h", 4140), ("0.29h", 1044),
]


GO_NANOSECONDS = [
    ("8.2h", 29520000000000), ("0.3333333333333h", 1199999999999), ("7.77777m", 466666200000),
    ("1.123456789123h", 4044444440842), ("0.999999999s", 999999999), ("1.0000000001s", 1000000000),
]


@pytest.mark.parametrize("text, seconds", GO_SECONDS)
def test_seconds_match_what_vault_stores(text, seconds):
    assert to_seconds(text) == seconds


@pytest.mark.parametrize("text, nanoseconds", GO_NANOSECONDS)
def test_nanoseconds_match_go(text, nanoseconds):
    assert durations._nanoseconds(text) == nanoseconds


def test_float_arithmetic_would_have_been_off_by_one():
    # The regression: 8.2 * 3600 is 29519.999999999996 in floating point.
    assert int(8.2 * 3600) == 29519
    assert to_seconds("8.2h") == 29520


@pytest.mark.parametrize("text, seconds", [
    (u"1500\u00b5s", 0), (u"2000000\u03bcs", 2), ("1d12h", 129600), ("+1h", 3600), ("0", 0), ("1h0.5m", 3630),
])
def test_go_units_signs_and_days(text, seconds):
    assert to_seconds(text) == seconds


@pytest.mark.parametrize("text", [".h", "1.h2", "1h 30m", "-1h", "1e3s", "2562048h", "1..5h", "+"])
def test_invalid_or_too_long_durations_are_rejected(text):
    with pytest.raises(SecretOpsError) as error:
        to_seconds(text, "token_ttl")
    assert "token_ttl" in str(error.value)


@pytest.mark.parametrize("value, seconds", [
    (3600, 3600), ("3600", 3600), ("1h", 3600), ("60m", 3600), ("3600s", 3600), ("1h30m", 5400),
    ("1d", 86400), ("1.5h", 5400), (" 90S ", 90), (0, 0), ("0s", 0), ("500ms", 0),
])
def test_durations_are_seconds(value, seconds):
    assert to_seconds(value) == seconds


def test_equal_durations_in_any_spelling():
    assert same_duration("1h", 3600)
    assert same_duration("60m", "3600s")
    assert not same_duration("1h", "1m")


def test_none_is_unmanaged():
    assert to_seconds(None) is None


@pytest.mark.parametrize("value", ["1 hour", "h", "1x", "", True, -5, "1h-"])
def test_bad_durations_name_the_option(value):
    with pytest.raises(SecretOpsError) as error:
        to_seconds(value, "token_ttl")
    assert "token_ttl" in str(error.value)
