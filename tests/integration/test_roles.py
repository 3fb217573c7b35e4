"""The bootstrap and provision playbooks against the real servers: converge, idempotence, a real login."""

import base64

from tests.integration.test_roles_support import kv_current, recap, run_collection_playbook, sample_app, secret_data


def test_bootstrap_and_provision_converge_and_rerun_changes_nothing(local_env, namespace, k8s_api, vault_client):
    app = dict(sample_app(namespace, auth_mount="k8s-" + namespace), vault_k8s_auth_reviewer_namespace=namespace + "-auth")
    first = run_collection_playbook("bootstrap_vault_auth", app, local_env.env).assert_ok()
    assert recap(first)["changed"] > 0
    provision = run_collection_playbook("provision", app, local_env.env).assert_ok()
    assert "Log in as %s/app" % namespace in provision.stdout
    version, data = kv_current(vault_client, "it/%s/db" % namespace)
    secret, metadata = secret_data(k8s_api, namespace, "db")
    assert base64.b64decode(secret["password"]).decode() == data["password"] and len(data["password"]) == 20
    assert metadata.annotations["secretops.io/vault-path"] == "secret/it/%s/db" % namespace
    assert data["password"] not in provision.output
    for name in ("bootstrap_vault_auth", "provision"):
        again = run_collection_playbook(name, app, local_env.env).assert_ok()
        assert recap(again)["changed"] == 0, again.stdout[-4000:]
    assert kv_current(vault_client, "it/%s/db" % namespace) == (version, data), "generated once, never regenerated"
    policy = vault_client.sys.read_policy(namespace)["data"]["rules"]
    assert 'path "secret/data/it/%s/db"' % namespace in policy and "*" not in policy
