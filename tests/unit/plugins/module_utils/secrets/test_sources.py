"""resolve_sources reads files and names what it cannot read."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.builder import build_secret
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.sources import resolve_sources


def test_resolve_sources_reads_files(tmp_path, pki):
    (tmp_path / "blob").write_bytes(b"\x00bytes")
    (tmp_path / "app.env").write_text("A=1\n")
    (tmp_path / "tls.crt").write_text(pki.chain_pem)
    (tmp_path / "tls.key").write_text(pki.key_pem)
    spec = resolve_sources({
        "name": "a", "namespace": "d", "files": {"blob": str(tmp_path / "blob")}, "env_file": str(tmp_path / "app.env"),
        "tls": {"cert": None, "key": None, "ca": None, "cert_file": str(tmp_path / "tls.crt"), "key_file": str(tmp_path / "tls.key"), "ca_file": None},
    })
    assert spec["file_contents"] == {"blob": b"\x00bytes"} and spec["env_file_content"] == b"A=1\n"
    assert spec["tls"] == {"cert": pki.chain_pem, "key": pki.key_pem, "ca": None}
    secret = build_secret(spec)
    assert set(secret.data) == {"blob", "A", "tls.crt", "tls.key"}


def test_resolve_sources_errors(tmp_path):
    with pytest.raises(SecretOpsError, match=r"cannot read files\[k\] .*/missing"):
        resolve_sources({"files": {"k": str(tmp_path / "missing")}})
    (tmp_path / "c").write_text("x")
    with pytest.raises(SecretOpsError, match="give tls.cert or tls.cert_file, not both"):
        resolve_sources({"tls": {"cert": "x", "cert_file": str(tmp_path / "c")}})
