"""rotation/dynamic_report.py: serials and lease ends in the report, revocation only after healthy rollouts, never a value."""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import dynamic_report, report, task_results


def result(secret, source, namespace="shop", **fields):
    """A result of vault_pki_certificate or vault_database_credentials as returned: ``name``, ``secret`` a dict naming the Secret."""
    return dict({"name": secret, "namespace": namespace, "secret": {"name": secret, "namespace": namespace}, "ansible_loop_var": "rotate_secrets_target",
                 "rotate_secrets_target": {"index": 0, "namespace": namespace, "secret": secret, "source": source}}, **fields)


def reissued_certificate(**extra):
    return result("web-tls", "pki", changed=True, issued=True, reason="forced", serial="aa:bb", not_after="2026-12-01T00:00:00Z",
                  replaced_serial="11:22", **extra)


def reissued_credentials(**extra):
    return result("db", "database", changed=True, action="issue", reason="forced", lease_id="db/creds/app/NEW",
                  lease_end="2026-12-01T00:05:00Z", replaced_lease_id="db/creds/app/OLD", **extra)


def test_replaced_certificate_and_lease_are_revoked_after_healthy_rollouts():
    revocations = {"results": [result("web-tls", "pki", changed=True, issued=False, revoked_serial="11:22"),
                               result("db", "database", changed=True, action="keep", revoked_lease_ids=["db/creds/app/OLD"])]}
    entries = dynamic_report.dynamic_entries({"results": [reissued_certificate(), reissued_credentials()]}, revocations)
    assert entries[0]["serial"] == "aa:bb" and entries[0]["replaced_serial"] == "11:22" and entries[0]["revocation"] == "revoked"
    assert entries[0]["revoked_serial"] == "11:22"
    assert entries[1]["lease_end"] == "2026-12-01T00:05:00Z" and entries[1]["revoked_lease_ids"] == ["db/creds/app/OLD"]
    assert entries[1]["revocation"] == "revoked"


def test_the_summary_names_what_was_revoked_not_only_the_secrets_current_serial():
    # The next run revokes a certificate an earlier, killed run issued: the Secret's certificate stands.
    kept = result("web-tls", "pki", changed=True, issued=False, serial="aa:bb", not_after="2026-12-01T00:00:00Z")
    revocations = [result("web-tls", "pki", changed=True, issued=False, revoked_serial="cc:dd", revoked_serials=["cc:dd"]),
                   result("db", "database", changed=True, action="keep", revoked_lease_ids=["db/creds/app/OLD", "db/creds/app/OLDER"])]
    entries = dynamic_report.dynamic_entries([kept, result("db", "database", action="keep", lease_id="db/creds/app/NEW")], revocations)
    lines = dynamic_report.summary_lines(entries)
    assert lines[1].endswith("serial aa:bb, valid until 2026-12-01T00:00:00Z; revoked cc:dd"), lines[1]
    assert lines[2].endswith("; revoked db/creds/app/OLD, db/creds/app/OLDER"), lines[2]


def test_without_a_revocation_run_the_replaced_ones_are_reported_still_valid():
    entries = dynamic_report.dynamic_entries([reissued_certificate(), reissued_credentials()], None)
    assert entries[0]["revocation"].startswith("not revoked") and "certificate keeps working" in entries[0]["revocation"]
    assert "credentials keep working" in entries[1]["revocation"]
    lines = dynamic_report.summary_lines(entries)
    assert "replaced serial 11:22; not revoked" in lines[1] and "lease db/creds/app/NEW ends 2026-12-01T00:05:00Z" in lines[2]


def test_a_kept_certificate_needs_no_revocation_and_a_renewed_lease_replaces_nothing():
    kept = result("web-tls", "pki", changed=False, issued=False, reason=None, serial="aa:bb", not_after="2026-12-01T00:00:00Z")
    renewed = result("db", "database", changed=True, action="renew", lease_id="db/creds/app/X", lease_end="2026-12-01T00:05:00Z")
    entries = dynamic_report.dynamic_entries([kept, renewed])
    assert [entry.get("replaced") for entry in entries] == [False, False]
    assert all("revocation" not in entry for entry in entries)


def test_values_in_a_result_never_reach_the_entry():
    leaky = reissued_credentials(password="SENTINEL-pw", username="SENTINEL-user", key="SENTINEL-key")
    leaky["rotate_secrets_target"]["password"] = "SENTINEL-item"
    entries = dynamic_report.dynamic_entries([leaky, reissued_certificate(private_key="SENTINEL-key")])
    assert "SENTINEL" not in repr(entries) + "\n".join(dynamic_report.summary_lines(entries))


def test_a_failed_dynamic_secret_is_an_error_entry_and_fails_the_run():
    failed = result("web-tls", "pki", failed=True, msg="Vault refused: unknown role")
    built = report.build_report([], dynamic=[failed])
    assert built["dynamic"] == [{"secret": "web-tls", "namespace": "shop", "source": "pki", "error": "Vault refused: unknown role"}]
    assert built["outcome"] == "failed"


def test_a_re_issue_alone_is_a_rotation_and_shows_in_the_summary():
    built = report.build_report([], dynamic=[reissued_certificate()])
    assert built["outcome"] == "rotated"
    summary = report.render_summary(built)
    assert "Dynamic secrets:" in summary and "re-issued (forced): serial aa:bb" in summary and "(none selected)" not in summary


def test_skipped_results_are_left_out():
    assert dynamic_report.dynamic_entries({"results": [{"skipped": True}]}) == []


def test_a_revocation_held_back_by_running_pods_names_them_and_what_was_revoked_is_listed():
    held = [{"id": "db/creds/app/OLD", "replaced_at": "2026-12-07T10:00:00Z", "holders": ["Pod/db-0 (StatefulSet/db)"]}]
    revocations = [result("db", "database", changed=False, action="keep", revoked_lease_ids=[], revocation_held=held,
                          pending_revocation=["db/creds/app/OLD"]),
                   result("web-tls", "pki", changed=True, issued=False, revoked_serials=["11:22", "33:44"], revoked_serial="33:44")]
    entries = dynamic_report.dynamic_entries([reissued_credentials(), reissued_certificate()], revocations)
    assert entries[0]["revocation"].startswith("not revoked yet: db/creds/app/OLD stays valid while Pod/db-0 (StatefulSet/db)")
    assert entries[0]["pending_revocation"] == ["db/creds/app/OLD"] and entries[0]["revocation_held"] == held
    assert entries[1]["revocation"] == "revoked" and entries[1]["revoked_serials"] == ["11:22", "33:44"]
    assert "Pod/db-0" in "\n".join(dynamic_report.summary_lines(entries))


def test_a_revocation_that_failed_is_named_in_the_entry_and_the_summary():
    """Nothing was due and the revocation step's call to Vault failed (the database was down): the report says so."""
    failed = [{"id": "db/creds/app/OLD", "error": "failed to revoke entry: connection refused"}]
    kept = result("db", "database", changed=False, action="keep", lease_id="db/creds/app/NEW", lease_end="2026-12-01T00:05:00Z")
    revocations = [result("db", "database", changed=False, action="keep", revoked_lease_ids=["db/creds/app/OLDER"],
                          revocation_failed=failed, pending_revocation=["db/creds/app/OLD"])]
    entries = dynamic_report.dynamic_entries([kept], revocations)
    assert entries[0]["revocation"] == ("revoked db/creds/app/OLDER; revocation failed for db/creds/app/OLD (a later run tries again): "
                                        "failed to revoke entry: connection refused")
    assert entries[0]["revocation_failed"] == failed and entries[0]["pending_revocation"] == ["db/creds/app/OLD"]
    assert "revocation failed for db/creds/app/OLD" in "\n".join(dynamic_report.summary_lines(entries))


def test_the_secret_is_named_by_the_results_name_without_a_loop_item():
    """Issue 22: ``secret`` is a dict in every module's result; the report names the Secret by ``name``."""
    bare = {"name": "web-tls", "namespace": "shop", "secret": {"name": "web-tls", "namespace": "shop"}, "issued": True, "serial": "aa:bb"}
    assert task_results.secret_name(bare) == "web-tls"
    assert task_results.secret_name({"secret": "legacy"}) == "legacy"
