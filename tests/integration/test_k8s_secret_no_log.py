"""Speed never comes from weaker masking: k8s_secret's bulk form leaves out of Ansible's no_log set
the values that cannot occur in its output (module_runner.py), and logs its invocation with the
item count. Real ansible-playbook runs at -vvvv, with warnings, diffs and failures, print no value."""

import datetime
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.integration.ansible_run import run_tasks

MODULE = "secretops.provisioning.k8s_secret"


def expiring_pair(days=5):
    """A certificate that expires in ``days`` (k8s_secret warns under 30 days) and its key, PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, u"expiring.example.com")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=days)).sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key_pem


def value(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex)


def shown_forms(secret):
    """``secret`` as it could appear in output: as is, JSON-escaped, and each line of a multi-line one."""
    forms = {secret, secret.replace('"', '\\"'), secret.replace("\n", "\\n")}
    forms.update(line for line in secret.splitlines() if len(line) > 20 and "-----" not in line)
    return forms


def assert_no_value(run, secrets):
    output = run.output
    for secret in secrets:
        for form in shown_forms(secret):
            assert form not in output, "a no_log value reached the -vvvv output"


def bulk_items(values, cert, key):
    items = [{"name": "app-%02d" % index, "string_data": {"password": secret, "user": "u%02d" % index}} for index, secret in enumerate(values)]
    items.append({"name": "expiring-tls", "type": "tls", "tls": {"cert": cert, "key": key}})
    return items


def run(local_env, items, namespace, **kwargs):
    task = {"name": "bulk", MODULE: {"namespace": namespace, "secrets": items}, "register": "out"}
    return run_tasks([task], env=local_env.env, extra_args=["-vvvv"], **kwargs)


def test_bulk_output_at_vvvv_holds_no_value_with_warnings_diffs_and_failures(local_env, namespace):
    values = [value("pw%02d" % index) for index in range(30)] + ['quo"te-' + value("q"), "st*rs-" + value("s")]
    cert, key = expiring_pair()
    secrets = values + [key]
    items = bulk_items(values, cert, key)

    created = run(local_env, items, namespace, diff=True).assert_ok()
    result = created.task("bulk")
    assert result["changed"] is True and len(result["results"]) == len(items)
    assert "renew it soon" in created.output  # the expiry warning was printed (and pruning ran beside it)
    assert_no_value(created, secrets)

    changed_values = [value("new%02d" % index) for index in range(3)]
    changed = [dict(item) for item in items]
    for index, secret in enumerate(changed_values):
        changed[index] = {"name": "app-%02d" % index, "string_data": {"password": secret, "user": "u%02d" % index}}
    updated = run(local_env, changed, namespace, diff=True).assert_ok()
    assert len(updated.task("bulk")["diff"]) == 3
    assert_no_value(updated, secrets + changed_values)

    failing = changed + [{"name": "bad", "string_data": {"no/slash": value("bad"), "ok": value("ok")}}]
    failed = run(local_env, failing, namespace, diff=True)
    assert failed.returncode != 0 and "not a valid Secret key" in failed.task("bulk")["msg"]
    assert_no_value(failed, secrets + changed_values + list(failing[-1]["string_data"].values()))
