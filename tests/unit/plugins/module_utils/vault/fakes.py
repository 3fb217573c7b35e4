"""A small fake of ``VaultClient.request`` for the services that do Vault I/O.

Only ``request`` is replaced: ``read``, ``write``, ``delete`` and ``list`` are the real ones, so a
service under test goes through the same methods as against Vault. ``answers`` maps
``(method, path)`` to a body (returned) or a ``SecretOpsError`` (raised, as the real ``request``
raises for an HTTP error); a path without an answer is absent (``None`` for a read, ``{}`` for a write).
``login`` (which the real client sends beside ``request``) is faked too: it records ``(mount, data)`` in
``logins`` and uses the token of the answer to ``("POST", "auth/<mount>/login")`` (its ``auth``, or
an error raised), by default ``AUTH``'s; ``set_token`` and ``token`` are the real ones.
``k8s_auth_configs`` maps a kubernetes auth method's ``auth/<mount>/config`` to what it holds (None:
never written) and serves it as Vault does: a write replaces the whole config, and the reviewer JWT
is write-only (a read says only ``token_reviewer_jwt_set``).
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import VaultClient

WRITES = ("POST", "PUT", "DELETE")
AUTH = {"client_token": "s.LOGIN-TOKEN-VALUE", "token_policies": ["default"], "lease_duration": 3600}
CREATED, DELETED = "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"  # every version's times, unless put with another


def denied(path, detail=None):
    """What the real ``request`` raises for a 403 (with Vault's error text ``detail`` when it is more than "permission denied")."""
    return SecretOpsError("permission denied on %s: the token is invalid or expired, or its policies do not grant this%s"
                          % (path, " (%s)" % detail if detail else ""), status=403, vault_path=path)


class FakeVaultApi(VaultClient):
    def __init__(self, answers=None, k8s_auth_configs=None):
        super(FakeVaultApi, self).__init__(hvac_client=type("Hvac", (), {"token": None})(), url="https://vault.example.test:8200")
        self.answers = dict(answers or {})
        self.k8s_auth_configs = dict(k8s_auth_configs or {})
        self.logins = []
        self.sent = []
        self.sent_once = []  # (method, path) of the requests sent with retry=False (never repeated)

    def request(self, method, path, data=None, missing_ok=False, action=None, retry=True):
        self.sent.append((method, path, data))
        if not retry:
            self.sent_once.append((method, path))
        answer = self.answers.get((method, path))
        if isinstance(answer, Exception):
            raise answer
        if answer is None and path in self.k8s_auth_configs:
            return self._k8s_auth_config(method, path, data, missing_ok)
        if answer is None:
            return None if missing_ok else {}
        return answer

    def _k8s_auth_config(self, method, path, data, missing_ok):
        if method == "POST":
            config = dict((key, value) for key, value in data.items() if key != "token_reviewer_jwt")
            config["token_reviewer_jwt_set"] = bool(data.get("token_reviewer_jwt"))
            self.k8s_auth_configs[path] = config
            return {}
        stored = self.k8s_auth_configs[path]
        if stored is None:
            return None if missing_ok else {}
        return {"data": dict(stored)}

    def login(self, mount, data):
        self.logins.append((mount, data))
        self.set_token(None)
        answer = self.answers.get(("POST", "auth/%s/login" % mount.strip("/")))
        if isinstance(answer, Exception):
            raise answer
        auth = dict((answer or {}).get("auth") or AUTH)
        self.set_token(auth["client_token"], "the token Vault returned")
        return auth

    def writes(self):
        return [entry for entry in self.sent if entry[0] in WRITES]

    def close(self):
        pass


class FakeKv2(FakeVaultApi):
    """A KV v2 mount ``secret`` with versions: reads of the latest or ``?version=N``, check-and-set
    writes (a wrong ``cas`` is Vault's 400), the metadata of a path written to (``current_version``,
    each version's times, ``max_versions``; ``mount_max_versions`` in the mount's ``config``), and a
    root token's mount lookup elsewhere (Vault's 403 "preflight capability check returned 403").
    ``answers`` still win, to make one path fail."""

    MOUNT_INFO = {"data": {"path": "secret/", "type": "kv", "options": {"version": "2"}}}

    def __init__(self, max_versions=0, answers=None, mount_max_versions=0):
        super(FakeKv2, self).__init__(answers)
        self.versions = {}
        self.created = {}  # (path, version) -> created_time, when not the default
        self.max_versions = max_versions
        self.mount_max_versions = mount_max_versions
        # Writes of another writer, each made just before one of ours: [(path, data), ...]
        self.racing_writes = []
        self.deleted = set()  # (path, version) soft-deleted: read as data null with a deletion_time
        self.destroyed = set()  # (path, version) destroyed: read as data null, destroyed in its metadata

    def put(self, path, data, created_time=None):
        self.versions.setdefault(path, []).append(dict(data))
        if created_time:
            self.created[(path, len(self.versions[path]))] = created_time

    def _metadata(self, path):
        """Vault's answer to a read of ``secret/metadata/<path>``: None (its 404) when never written."""
        versions = self.versions.get(path)
        if not versions:
            return None
        return {"data": {"max_versions": self.max_versions, "current_version": len(versions), "versions": dict(
            (str(number), {"created_time": self.created.get((path, number), CREATED), "destroyed": (path, number) in self.destroyed,
                           "deletion_time": DELETED if (path, number) in self.deleted else ""})
            for number in range(1, len(versions) + 1))}}

    def delete_latest(self, path):
        """What ``vault kv delete`` does on KV v2: the latest version's data is gone, its metadata stays."""
        self.deleted.add((path, len(self.versions[path])))

    def destroy(self, path, version):
        """What ``vault kv destroy`` does: that version's data is gone for good, its metadata says destroyed."""
        self.destroyed.add((path, version))

    def request(self, method, path, data=None, missing_ok=False, action=None, retry=True):
        if (method, path) in self.answers:
            return super(FakeKv2, self).request(method, path, data, missing_ok, action, retry)
        self.sent.append((method, path, data))
        if path.startswith("sys/internal/ui/mounts/secret/"):
            return self.MOUNT_INFO
        if path.startswith("sys/internal/ui/mounts/"):
            raise denied(path, "preflight capability check returned 403")
        if path == "auth/token/lookup-self":
            return {"data": {"policies": ["root"]}}
        if path.startswith("secret/metadata/") and method == "GET":
            return self._metadata(path[len("secret/metadata/"):])
        if path.startswith("secret/metadata/"):
            return {"data": {"max_versions": self.max_versions}}
        if path == "secret/config":
            return {"data": {"max_versions": self.mount_max_versions}}
        assert path.startswith("secret/data/"), path
        relative, _separator, wanted = path[len("secret/data/"):].partition("?version=")
        versions = self.versions.setdefault(relative, [])
        if method == "GET":
            number = int(wanted) if wanted else len(versions)
            if not 0 < number <= len(versions):
                return None
            metadata = {"version": number, "created_time": self.created.get((relative, number), CREATED)}
            if (relative, number) in self.deleted or (relative, number) in self.destroyed:
                deletion = DELETED if (relative, number) in self.deleted else ""
                return {"data": {"data": None, "metadata": dict(metadata, deletion_time=deletion, destroyed=(relative, number) in self.destroyed)}}
            return {"data": {"data": dict(versions[number - 1]), "metadata": metadata}}
        assert method == "POST", method
        if self.racing_writes:
            racing_path, racing_data = self.racing_writes.pop(0)
            self.versions.setdefault(racing_path, []).append(dict(racing_data))
        cas = (data.get("options") or {}).get("cas")
        if cas is not None and cas != len(versions):  # a write without cas is not checked, as in Vault
            # What VaultClient.request raises when the current version is live (see its tests).
            raise SecretOpsError("Vault rejected %s: check-and-set parameter did not match the current version" % (action or path),
                                 status=400, vault_path=path, lost_cas_race=True)
        versions.append(dict(data["data"]))
        return {"data": {"version": len(versions)}}
