"""Issue 23: ``rotate --check`` wrote an audit report and set_stats saying ROTATED, as if it had rotated.

Against the real apiserver and each Vault server: a check-mode rotate run changes nothing, and its
report (JSON and text) and its published stats say it was a dry run.
"""

import os

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.integration.ansible_run import run_ansible_playbook
from tests.integration.test_roles_support import (
    consumer_deployment, create, kv_current, report_of, run_collection_playbook, sample_app, summary_of, wait_available,
)


def rotate_check(app, env, tmp_path):
    """``ansible-playbook secretops.provisioning.rotate --check -e @vars``; the run's report_dir holds its reports."""
    report_dir = str(tmp_path / "reports")
    path = tmp_path / "vars.yml"
    path.write_text(yaml.safe_dump(app))
    run = run_ansible_playbook("secretops.provisioning.rotate", ["--check", "-e", "@%s" % path],
                               env=dict(env, SECRETOPS_REPORT_DIR=report_dir), cwd=REPO_ROOT)
    run.report_dir = report_dir
    return run


@pytest.mark.usefixtures("vault_server")
def test_rotate_in_check_mode_reports_a_dry_run_and_changes_nothing(local_env, namespace, k8s_api, vault_client, tmp_path):
    app = sample_app(namespace)
    run_collection_playbook("provision", dict(app, app_secrets_vault_access=False), local_env.env).assert_ok()
    create(k8s_api, consumer_deployment(namespace))
    wait_available(k8s_api, namespace, "web")
    version, data = kv_current(vault_client, "it/%s/db" % namespace)
    run = rotate_check(app, local_env.env, tmp_path).assert_ok()
    assert kv_current(vault_client, "it/%s/db" % namespace) == (version, data), "check mode changed nothing"
    report = report_of(run)
    assert report["dry_run"] is True
    assert summary_of(run).startswith("Secret rotation %s: DRY RUN (check mode), nothing was changed; a real run: " % report["run_id"])
    stats = run.task("secretops.provisioning.rotate_secrets : Publish the outcome for AWX workflows (set_stats)")["ansible_stats"]["data"]["secretops_rotation"]
    assert stats["dry_run"] is True and stats["hosts"]["localhost"]["dry_run"] is True
    assert os.listdir(run.report_dir)
