"""A small fake of ``VaultClient.request`` for the services that do Vault I/O.

Only ``request`` is replaced: ``read``, ``write``, ``delete`` and ``list`` are the real ones, so a
service under test goes through the same methods as against Vault. ``answers`` maps
``(method, path)`` to a body (returned) or a ``SecretOpsError`` (raised, as the real ``request``
raises for an HTTP error); a path without an answer is absent (``None`` for a read, ``{}`` for a write).
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import VaultClient

WRITES = ("POST", "PUT", "DELETE")


def denied(path):
    """What the real ``request`` raises for a 403."""
    return SecretOpsError("permission denied on %s: the token is invalid or expired, or its policies do not grant this" % path,
                          status=403, vault_path=path)


class FakeVaultApi(VaultClient):
    def __init__(self, answers=None):
        super(FakeVaultApi, self).__init__(hvac_client=None, url="https://vault.example.test:8200")
        self.answers = dict(answers or {})
        self.sent = []

    def request(self, method, path, data=None, missing_ok=False, action=None):
        self.sent.append((method, path, data))
        answer = self.answers.get((method, path))
        if isinstance(answer, Exception):
            raise answer
        if answer is None:
            return None if missing_ok else {}
        return answer

    def writes(self):
        return [entry for entry in self.sent if entry[0] in WRITES]

    def close(self):
        pass
