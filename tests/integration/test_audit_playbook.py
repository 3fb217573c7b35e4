"""The secretops.provisioning.audit playbook on the real cluster and OpenBao: the three audits, one report
(JSON, Markdown, HTML), the gate failing the play after the report is written, and no value anywhere."""

import json
import os

from tests.integration.test_roles_support import create, run_collection_playbook

VALUE = "audit-playbook-value-42"


def test_audit_playbook_reports_and_gates(local_env, namespace, k8s_api):
    create(k8s_api, {"kind": "Secret", "metadata": {"name": "orphan", "namespace": namespace, "annotations": {
        "secretops.io/vault-path": "secret/it/%s/gone" % namespace, "secretops.io/vault-version": "1"}}, "stringData": {"password": VALUE}})
    extra = {"secretops_audit_namespaces": [namespace], "secretops_audit_allowed_subjects": ["Group:system:masters"],
             "secretops_audit_fail_on": {"drift_states": ["vault_path_missing"]}}
    run = run_collection_playbook("audit", extra, local_env.env)
    assert run.returncode != 0 and "vault_path_missing" in run.output and "gate failed" in run.output
    names = sorted(os.listdir(run.report_dir))
    assert len(names) == 3 and [name.rsplit(".", 1)[1] for name in names] == ["html", "json", "md"], names
    paths = [os.path.join(run.report_dir, name) for name in names]
    with open(paths[1]) as handle:
        report = json.load(handle)
    part = report["clusters"][""]
    assert [(item["name"], item["state"]) for item in part["drift"]["secrets"]] == [("orphan", "vault_path_missing")]
    assert [item["name"] for item in part["access"]["secrets"]] == ["orphan"] and part["access"]["secrets"][0]["readers"]
    assert ("unused", "orphan") in [(item["category"], item["name"]) for item in part["hygiene"]["findings"]]
    assert report["gate"]["failed"] and report["totals"]["drift"]["vault_path_missing"] == 1
    pages = ""
    for path in paths:
        with open(path) as handle:
            pages += handle.read()
    assert "<h2>Summary</h2>" in pages and "## Namespace %s" % namespace in pages
    assert VALUE not in pages and VALUE not in run.output
