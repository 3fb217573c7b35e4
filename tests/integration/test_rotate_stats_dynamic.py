"""rotate_secrets publishes counts of its dynamic secrets (certificates, database credentials) with set_stats:
selected, re-issued, revoked after healthy rollouts, failed. Run through ansible-runner as AWX does; needs no server."""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.report import build_report
from tests.integration.awx_runner import run_job
from tests.integration.test_rotate_stats import PLAYBOOK


def _target(secret, source):
    return {"ansible_loop_var": "rotate_secrets_target",
            "rotate_secrets_target": {"index": 0, "namespace": "shop", "secret": secret, "source": source}}


CERTIFICATE = dict(_target("shop-tls", "pki"), changed=True, issued=True, reason="forced", serial="aa:bb",
                   not_after="2026-12-01T00:00:00Z", replaced_serial="11:22")
CREDENTIALS = dict(_target("shop-db", "database"), changed=True, action="issue", lease_id="db/creds/shop/NEW",
                   lease_end="2026-12-01T00:05:00Z", replaced_lease_id="db/creds/shop/OLD")
KEPT = dict(_target("api-tls", "pki"), changed=False, issued=False, serial="cc:dd", not_after="2026-12-01T00:00:00Z")
FAILED = dict(_target("bad-tls", "pki"), failed=True, msg="unknown role")
REVOKED = [dict(_target("shop-tls", "pki"), changed=True, revoked_serial="11:22")]


def test_dynamic_counts_are_published(tmp_path):
    report = build_report([], dynamic=[CERTIFICATE, CREDENTIALS, KEPT, FAILED], dynamic_revocations=REVOKED, run_id="rotation-dyn")
    host = {"rotate_secrets_report_id": "rotation-dyn",
            "rotate_secrets_report": {"report": report, "json_path": "/reports/dyn.json", "summary_path": "/reports/dyn.txt"}}
    playbook = tmp_path / "publish.yml"
    playbook.write_text(PLAYBOOK)
    job = run_job(str(tmp_path / "runner"), str(playbook), hosts={"dyn-host": host}, ident="stats", verbosity=0, timeout=300)
    assert job.status == "successful", job.describe()
    stats = job.artifact_data()["secretops_rotation"]
    assert stats["hosts"]["dyn-host"]["dynamic"] == {"selected": 4, "replaced": 2, "revoked": 1, "failed": 1}
    assert stats["hosts"]["dyn-host"]["outcome"] == "failed"
