"""The PKI modules against the real Vault: a root and an intermediate CA, roles, and certificates issued into
kubernetes.io/tls Secrets - issued once, left alone on a re-run, re-issued in the renew window, verified with
openssl, the replaced serial revoked, check mode issuing nothing, bad requests writing nothing, and the key
never in the output."""

import base64
import os
import subprocess
import tempfile

import pytest
from kubernetes import client as k8s_client

from tests.integration.ansible_run import run_tasks
from tests.integration.vault_it_helpers import merged, task, unique, vault_env


def _mount(vault_client, path, max_lease_ttl):
    vault_client.sys.enable_secrets_engine("pki", path=path, config={"max_lease_ttl": max_lease_ttl})


def _certs(vault_client, mount):
    """Serials of the certificates the mount stored (its issued certificates and CA certificates)."""
    return sorted(((vault_client.list("%s/certs" % mount) or {}).get("data") or {}).get("keys") or [])


def _secret(k8s_api, namespace, name):
    try:
        return k8s_client.CoreV1Api(k8s_api).read_namespaced_secret(name, namespace)
    except k8s_client.ApiException as exc:
        if exc.status == 404:
            return None
        raise


def _data(secret, key):
    value = (secret.data or {}).get(key)
    return base64.b64decode(value).decode() if value else None


@pytest.fixture(scope="module")
def pki(local_env, vault_client):
    """A root CA mount, an intermediate mount signed by it, and a role ``web`` for *.pki.test, made by the modules."""
    root, intermediate = unique("pki-root"), unique("pki-int")
    _mount(vault_client, root, "87600h")
    _mount(vault_client, intermediate, "43800h")
    tasks = [
        task("root", "vault_pki_ca", mount_point=root, common_name="IT Root " + root, ttl="87600h", key_type="ec", key_bits=384),
        task("intermediate", "vault_pki_ca", mount_point=intermediate, type="intermediate", issuer_mount_point=root,
             common_name="IT Issuing " + intermediate, ttl="43800h"),
        task("role", "vault_pki_role", mount_point=intermediate, name="web", allowed_domains=["pki.test"], allow_subdomains=True,
             key_type="ec", key_bits=256, ttl="1h", max_ttl="24h"),
    ]
    run_tasks(tasks, env=vault_env(local_env)).assert_ok()
    yield {"root": root, "intermediate": intermediate}
    for path in (intermediate, root):
        vault_client.sys.disable_secrets_engine(path)


def test_ca_check_mode_create_rerun_and_refusals(local_env, vault_client):
    root, intermediate = unique("ca-root"), unique("ca-int")
    _mount(vault_client, root, "87600h")
    _mount(vault_client, intermediate, "43800h")
    try:
        make_root = task("root", "vault_pki_ca", mount_point=root, common_name="Check Root", ttl="8760h",
                         issuing_certificates=["http://127.0.0.1:8200/v1/%s/ca" % root],
                         crl_distribution_points=["http://127.0.0.1:8200/v1/%s/crl" % root])
        make_int = task("intermediate", "vault_pki_ca", mount_point=intermediate, type="intermediate", issuer_mount_point=root,
                        common_name="Check Issuing", ttl="4380h")
        checked = run_tasks([make_root, make_int], env=vault_env(local_env), check=True).assert_ok()
        assert checked.task("root")["changed"] is True and checked.task("root")["action"] == "generated"
        assert checked.task("intermediate")["changed"] is True
        assert vault_client.list("%s/issuers" % root) is None and vault_client.list("%s/issuers" % intermediate) is None

        first = run_tasks([make_root, make_int], env=vault_env(local_env), diff=True).assert_ok()
        assert first.task("root")["action"] == "generated"
        assert first.task("root")["ca"]["type"] == "root" and first.task("root")["ca"]["common_name"] == "Check Root"
        assert sorted(first.task("root")["urls_changed"]) == ["crl_distribution_points", "issuing_certificates"]
        made = first.task("intermediate")
        assert made["action"] == "generated and signed"
        assert made["ca"]["type"] == "intermediate" and made["ca"]["issuer"] == "CN=Check Root"
        urls = vault_client.read("%s/config/urls" % root)["data"]
        assert urls["issuing_certificates"] == ["http://127.0.0.1:8200/v1/%s/ca" % root]

        again = run_tasks([make_root, make_int], env=vault_env(local_env)).assert_ok()
        assert again.task("root")["changed"] is False and again.task("intermediate")["changed"] is False
        assert again.task("intermediate")["ca"]["serial"] == made["ca"]["serial"]

        renamed = run_tasks([merged(make_root, **{"secretops.provisioning.vault_pki_ca": dict(
            make_root["secretops.provisioning.vault_pki_ca"], common_name="Another Root")})], env=vault_env(local_env))
        assert renamed.returncode != 0
        message = renamed.task("root")["msg"]
        assert "already has the CA CN=Check Root" in message and "never replaced implicitly" in message and "state=absent" in message
        assert again.task("root")["ca"]["serial"] == first.task("root")["ca"]["serial"]

        # The intermediate exists, but signed by another root than the one now named: refused, nothing written.
        other = unique("ca-other")
        _mount(vault_client, other, "87600h")
        try:
            run_tasks([task("other", "vault_pki_ca", mount_point=other, common_name="Other Root")], env=vault_env(local_env)).assert_ok()
            resigned = run_tasks([task("intermediate", "vault_pki_ca", mount_point=intermediate, type="intermediate",
                                       issuer_mount_point=other, common_name="Check Issuing")], env=vault_env(local_env))
            assert resigned.returncode != 0 and "an intermediate signed by CN=Other Root" in resigned.task("intermediate")["msg"]
        finally:
            vault_client.sys.disable_secrets_engine(other)

        delete = task("delete", "vault_pki_ca", mount_point=intermediate, state="absent")
        assert run_tasks([delete], env=vault_env(local_env), check=True).assert_ok().task("delete")["changed"] is True
        assert vault_client.list("%s/issuers" % intermediate)
        gone = run_tasks([delete], env=vault_env(local_env)).assert_ok().task("delete")
        assert gone["action"] == "deleted" and vault_client.list("%s/issuers" % intermediate) is None
        assert run_tasks([delete], env=vault_env(local_env)).assert_ok().task("delete")["changed"] is False
    finally:
        for path in (intermediate, root):
            vault_client.sys.disable_secrets_engine(path)


def _self_signed_bundle(common_name):
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False),
                       critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    return cert_pem, key_pem


def _key_body(key_pem):
    """The base64 lines of a PEM key: what a leak would show, whatever the framing."""
    return [line for line in key_pem.splitlines() if line and not line.startswith("-----")]


def test_imported_root_ca_is_idempotent_and_its_key_never_shown(local_env, vault_client):
    mount = unique("pki-imp")
    _mount(vault_client, mount, "8760h")
    cert_pem, key_pem = _self_signed_bundle("Imported Root " + mount)
    try:
        imported = task("import", "vault_pki_ca", mount_point=mount, pem_bundle=cert_pem + key_pem)
        first = run_tasks([imported], env=vault_env(local_env), extra_args=["-vvvv"], diff=True).assert_ok()
        assert first.task("import")["action"] == "imported"
        assert first.task("import")["ca"]["common_name"] == "Imported Root " + mount
        assert vault_client.read("%s/cert/ca" % mount)["data"]["certificate"].strip() == cert_pem.strip()
        second = run_tasks([imported], env=vault_env(local_env), extra_args=["-vvvv"], diff=True).assert_ok()
        assert second.task("import")["changed"] is False

        other_cert, other_key = _self_signed_bundle("Other " + mount)
        refused = run_tasks([task("import", "vault_pki_ca", mount_point=mount, pem_bundle=other_cert + other_key)],
                            env=vault_env(local_env), extra_args=["-vvvv"])
        assert refused.returncode != 0 and "already has the CA" in refused.task("import")["msg"]
        mismatched = run_tasks([task("import", "vault_pki_ca", mount_point=unique("pki-none"), pem_bundle=cert_pem + other_key)],
                               env=vault_env(local_env), extra_args=["-vvvv"])
        assert mismatched.returncode != 0 and "does not belong to its first certificate" in mismatched.task("import")["msg"]
        for run in (first, second, refused, mismatched):
            for line in _key_body(key_pem) + _key_body(other_key):
                assert line not in run.output
    finally:
        vault_client.sys.disable_secrets_engine(mount)


def test_role_check_create_partial_update_and_absent(local_env, vault_client, pki):
    mount = pki["intermediate"]
    name = unique("role")
    create = task("role", "vault_pki_role", mount_point=mount, name=name, allowed_domains=["a.test", "b.test"], allow_subdomains=True,
                  key_type="rsa", key_bits=2048, ttl="1h", max_ttl=86400)
    assert run_tasks([create], env=vault_env(local_env), check=True).assert_ok().task("role")["changed"] is True
    assert vault_client.read("%s/roles/%s" % (mount, name)) is None
    assert run_tasks([create], env=vault_env(local_env)).assert_ok().task("role")["changed"] is True
    same = task("role", "vault_pki_role", mount_point=mount, name=name, allowed_domains=["b.test", "a.test"], ttl=3600, max_ttl="24h")
    assert run_tasks([same], env=vault_env(local_env)).assert_ok().task("role")["changed"] is False

    # Vault replaces a whole role on a write: changing ttl alone must keep allowed_domains and the key settings.
    longer = task("role", "vault_pki_role", mount_point=mount, name=name, ttl="2h")
    changed = run_tasks([longer], env=vault_env(local_env), diff=True).assert_ok().task("role")
    assert changed["changed_settings"] == ["ttl"]
    assert (changed["diff"]["before"], changed["diff"]["after"]) == ({"ttl": 3600}, {"ttl": 7200})
    role = vault_client.read("%s/roles/%s" % (mount, name))["data"]
    assert sorted(role["allowed_domains"]) == ["a.test", "b.test"] and role["allow_subdomains"] is True
    assert (role["key_type"], role["key_bits"], role["ttl"], role["max_ttl"]) == ("rsa", 2048, 7200, 86400)

    items = [{"name": name, "state": "absent"}, {"name": name + "-b", "allow_any_name": True}]
    listed = task("roles", "vault_pki_role", mount_point=mount, roles=items)
    results = run_tasks([listed], env=vault_env(local_env)).assert_ok().task("roles")["results"]
    assert [result["changed"] for result in results] == [True, True]
    assert vault_client.read("%s/roles/%s" % (mount, name)) is None
    assert vault_client.read("%s/roles/%s-b" % (mount, name))["data"]["allow_any_name"] is True


def _issue(pki, namespace, name, **options):
    args = dict(name=name, namespace=namespace, mount_point=pki["intermediate"], role="web", common_name="web.pki.test")
    args.update(options)
    return task("issue", "vault_pki_certificate", **args)


def _openssl_verify(root_pem, chain_pem):
    """``openssl verify`` of the leaf in ``chain_pem`` against ``root_pem``, with the rest of the chain as untrusted intermediates."""
    blocks = ["-----BEGIN CERTIFICATE-----" + block for block in chain_pem.split("-----BEGIN CERTIFICATE-----")[1:]]
    with tempfile.TemporaryDirectory() as directory:
        paths = {}
        for label, text in (("root", root_pem), ("leaf", blocks[0]), ("intermediates", "".join(blocks[1:]))):
            paths[label] = os.path.join(directory, label + ".pem")
            with open(paths[label], "w") as handle:
                handle.write(text)
        command = ["openssl", "verify", "-CAfile", paths["root"]]
        if len(blocks) > 1:
            command += ["-untrusted", paths["intermediates"]]
        return subprocess.run(command + [paths["leaf"]], capture_output=True, text=True, check=False)


def test_issue_rerun_renew_verify_revoke(local_env, vault_client, k8s_api, namespace, pki):
    name = "web-tls"
    env = vault_env(local_env)
    first = run_tasks([_issue(pki, namespace, name, alt_names=["www.pki.test"], ip_sans=["127.0.0.1"], ttl="1h", include_ca=True)],
                      env=env, diff=True).assert_ok().task("issue")
    assert first["changed"] is True and first["issued"] is True and first["reason"] == "the Secret does not exist"
    assert first["issuer"] == "CN=IT Issuing " + pki["intermediate"]
    secret = _secret(k8s_api, namespace, name)
    assert secret.type == "kubernetes.io/tls" and set(secret.data) == {"tls.crt", "tls.key", "ca.crt"}
    assert secret.metadata.annotations["secretops.io/pki-serial"] == first["serial"]
    assert secret.metadata.annotations["secretops.io/pki-request"].startswith("sha256:")
    tls_crt, ca_crt = _data(secret, "tls.crt"), _data(secret, "ca.crt")
    root_pem = vault_client.read("%s/cert/ca" % pki["root"])["data"]["certificate"]
    assert tls_crt.count("BEGIN CERTIFICATE") == 2, "leaf and intermediate, never the root"
    assert root_pem.strip() not in tls_crt and ca_crt.strip() == root_pem.strip()
    verified = _openssl_verify(root_pem, tls_crt)
    assert verified.returncode == 0 and ": OK" in verified.stdout, verified.stdout + verified.stderr

    again = run_tasks([_issue(pki, namespace, name, alt_names=["www.pki.test"], ip_sans=["127.0.0.1"], ttl=3600, include_ca=True)],
                      env=env).assert_ok().task("issue")
    assert again["changed"] is False and again["issued"] is False and again["reason"] is None
    assert again["serial"] == first["serial"]
    assert _secret(k8s_api, namespace, name).metadata.resource_version == secret.metadata.resource_version

    # Dropping ca.crt does not re-issue.
    no_ca = run_tasks([_issue(pki, namespace, name, alt_names=["www.pki.test"], ip_sans=["127.0.0.1"], ttl="1h")],
                      env=env).assert_ok().task("issue")
    assert no_ca["changed"] is True and no_ca["ca_changed"] is True and no_ca["serial"] == first["serial"]
    assert set(_secret(k8s_api, namespace, name).data) == {"tls.crt", "tls.key"}

    # A renew window longer than the remaining life re-issues, and the replaced certificate is revoked.
    renewed = run_tasks([_issue(pki, namespace, name, alt_names=["www.pki.test"], ip_sans=["127.0.0.1"], ttl="1h", renew_before="99.9%",
                                revoke_replaced=True)], env=env).assert_ok().task("issue")
    assert renewed["issued"] is True and "within renew_before (99.9%)" in renewed["reason"]
    assert renewed["serial"] != first["serial"]
    assert renewed["replaced_serial"] == first["serial"] and renewed["revoked_serial"] == first["serial"]
    revoked = vault_client.read("%s/cert/%s" % (pki["intermediate"], first["serial"]))["data"]
    assert revoked["revocation_time"] > 0
    crl = vault_client.read("%s/cert/crl" % pki["intermediate"])["data"]["certificate"]
    assert first["serial"].replace(":", "").lstrip("0").upper() in _crl_serials(crl)
    assert vault_client.read("%s/cert/%s" % (pki["intermediate"], renewed["serial"]))["data"]["revocation_time"] == 0

    # Changed names re-issue.
    renamed = run_tasks([_issue(pki, namespace, name, alt_names=["www.pki.test", "api.pki.test"], ip_sans=["127.0.0.1"], ttl="1h")],
                        env=env).assert_ok().task("issue")
    assert renamed["issued"] is True and renamed["reason"] == "the request changed (mount, role, names or TTL)"
    assert "DNS:api.pki.test" in subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName"],
                                                input=_data(_secret(k8s_api, namespace, name), "tls.crt"),
                                                capture_output=True, text=True, check=True).stdout.replace(" ", "")


def _crl_serials(crl_pem):
    from cryptography import x509

    crl = x509.load_pem_x509_crl(crl_pem.encode())
    return {"%X" % entry.serial_number for entry in crl}


def test_check_mode_issues_nothing(local_env, vault_client, k8s_api, namespace, pki):
    env = vault_env(local_env)
    before = _certs(vault_client, pki["intermediate"])
    checked = run_tasks([_issue(pki, namespace, "check-tls")], env=env, check=True, diff=True).assert_ok().task("issue")
    assert checked["changed"] is True and checked["issued"] is False and checked["reason"] == "the Secret does not exist"
    assert _certs(vault_client, pki["intermediate"]) == before
    assert _secret(k8s_api, namespace, "check-tls") is None

    issued = run_tasks([_issue(pki, namespace, "check-tls", ttl="1h")], env=env).assert_ok().task("issue")
    after_issue = _certs(vault_client, pki["intermediate"])
    assert len(after_issue) == len(before) + 1
    version = _secret(k8s_api, namespace, "check-tls").metadata.resource_version
    due = run_tasks([_issue(pki, namespace, "check-tls", ttl="1h", renew_before="99.9%", revoke_replaced=True)], env=env,
                    check=True).assert_ok().task("issue")
    assert due["changed"] is True and due["issued"] is False and "renew_before" in due["reason"]
    assert due["replaced_serial"] == issued["serial"]
    assert _certs(vault_client, pki["intermediate"]) == after_issue
    assert _secret(k8s_api, namespace, "check-tls").metadata.resource_version == version
    assert vault_client.read("%s/cert/%s" % (pki["intermediate"], issued["serial"]))["data"]["revocation_time"] == 0


def test_bad_requests_fail_clearly_and_write_nothing(local_env, vault_client, k8s_api, namespace, pki):
    env = vault_env(local_env)
    before = _certs(vault_client, pki["intermediate"])
    unknown = run_tasks([_issue(pki, namespace, "bad-tls", role="no-such-role")], env=env)
    assert unknown.returncode != 0
    assert "unknown role: no-such-role" in unknown.task("issue")["msg"] and pki["intermediate"] + "/issue/no-such-role" in unknown.task("issue")["msg"]
    outside = run_tasks([_issue(pki, namespace, "bad-tls", common_name="web.elsewhere.test")], env=env)
    assert outside.returncode != 0 and "common name web.elsewhere.test not allowed by this role" in outside.task("issue")["msg"]
    bad_alt = run_tasks([_issue(pki, namespace, "bad-tls", alt_names=["evil.example"])], env=env)
    assert bad_alt.returncode != 0 and "evil.example not allowed by this role" in bad_alt.task("issue")["msg"]
    bad_window = run_tasks([_issue(pki, namespace, "bad-tls", renew_before="150%")], env=env)
    assert bad_window.returncode != 0 and "renew_before" in bad_window.task("issue")["msg"]
    assert _secret(k8s_api, namespace, "bad-tls") is None
    assert _certs(vault_client, pki["intermediate"]) == before

    # An existing certificate stays as it is when a changed request is refused.
    good = run_tasks([_issue(pki, namespace, "bad-tls", ttl="1h")], env=env).assert_ok().task("issue")
    version = _secret(k8s_api, namespace, "bad-tls").metadata.resource_version
    refused = run_tasks([_issue(pki, namespace, "bad-tls", ttl="1h", alt_names=["evil.example"])], env=env)
    assert refused.returncode != 0
    kept = _secret(k8s_api, namespace, "bad-tls")
    assert kept.metadata.resource_version == version and kept.metadata.annotations["secretops.io/pki-serial"] == good["serial"]


def test_the_key_never_appears_in_vvvv_output(local_env, k8s_api, namespace, pki):
    env = vault_env(local_env)
    tasks = [
        _issue(pki, namespace, "leak-tls", ttl="1h", include_ca=True),
        merged(_issue(pki, namespace, "leak-tls", ttl="1h", renew_before="99.9%", revoke_replaced=True), name="renew"),
        merged(_issue(pki, namespace, "leak-tls", ttl="1h", alt_names=["evil.example"]), name="refused", ignore_errors=True),
    ]
    first = run_tasks(tasks[:1], env=env, extra_args=["-vvvv"], diff=True).assert_ok()
    first_key = _data(_secret(k8s_api, namespace, "leak-tls"), "tls.key")
    second = run_tasks(tasks[1:], env=env, extra_args=["-vvvv"], diff=True).assert_ok()
    second_key = _data(_secret(k8s_api, namespace, "leak-tls"), "tls.key")
    assert first_key != second_key and "not allowed by this role" in second.task("refused")["msg"]
    for run in (first, second):
        assert "PRIVATE KEY" not in run.output
        for line in _key_body(first_key) + _key_body(second_key):
            assert line not in run.output


def test_a_certificate_cut_below_renew_before_by_a_role_the_token_may_not_read_is_revoked_and_not_delivered(
        local_env, vault_client, k8s_api, namespace):
    """The role gives at most 10 minutes; the token may issue and revoke but not read the role, so the module cannot refuse
    before it issues: the certificate Vault issues is revoked at once and not delivered (every later run would re-issue
    it), and the task names both values."""
    mount = unique("pki-cap")
    _mount(vault_client, mount, "87600h")
    try:
        run_tasks([task("root", "vault_pki_ca", mount_point=mount, common_name="Cap Root " + mount, ttl="8760h", key_type="ec", key_bits=256),
                   task("role", "vault_pki_role", mount_point=mount, name="web", allowed_domains=["pki.test"], allow_subdomains=True,
                        key_type="ec", key_bits=256, ttl="5m", max_ttl="10m")], env=vault_env(local_env)).assert_ok()
        policy = unique("issue-only")
        vault_client.sys.create_or_update_policy(policy, 'path "%s/issue/web" { capabilities = ["create", "update"] }\n'
                                                         'path "%s/revoke" { capabilities = ["update"] }\n' % (mount, mount))
        token = vault_client.auth.token.create(policies=[policy], ttl="1h")["auth"]["client_token"]
        before = _certs(vault_client, mount)
        refused = run_tasks([task("issue", "vault_pki_certificate", name="cap-tls", namespace=namespace, mount_point=mount, role="web",
                                  common_name="web.pki.test", ttl="1h", renew_before="30m")], env=vault_env(local_env, VAULT_TOKEN=token))
        assert refused.returncode != 0
        message = refused.task("issue")["msg"]
        assert "renew_before (30m) is not shorter than the lifetime Vault gave the certificate (630 s" in message, message
        assert "revoked and not delivered" in message and "ttl 1h" in message, message
        issued = [serial for serial in _certs(vault_client, mount) if serial not in before]
        assert len(issued) == 1 and vault_client.read("%s/cert/%s" % (mount, issued[0]))["data"]["revocation_time"] > 0
        assert _secret(k8s_api, namespace, "cap-tls") is None
    finally:
        vault_client.sys.disable_secrets_engine(mount)
