# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One namespace as the audit sees it: its Secrets, workloads and service accounts, one LIST each.

The Secrets are listed before the Pods (``stamps.PodEvidence`` relies on that order). Nothing is
written: the content key is read, never made (``create=False``), and a key this identity may not
read leaves the stamps untested rather than failing the audit.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.content_key import KEY_SECRET_NAME, NamespaceKeys
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import SecretService
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import content_mac
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import consumers as discovery
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import service as workload_service
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import stamps


class Namespace(object):
    """The listed objects of one namespace and what the audit derives from them (consumers, stamps)."""

    def __init__(self, name, secrets, workloads, accounts, key=None, key_note=None):
        self.name = name
        self.secrets = secrets            # name -> Secret
        self.workloads = workloads        # listed objects of discovery.WORKLOAD_KINDS, each with its kind
        self.accounts = accounts          # name -> ServiceAccount
        self.key = key                    # the content-stamp key (bytes), or None
        self.key_note = key_note
        self.index = dict(((item.get("kind"), (item.get("metadata") or {}).get("name")), item) for item in workloads)
        written = dict((secret_name, stamps.last_write_time(secret)) for secret_name, secret in secrets.items())
        self.evidence = stamps.PodEvidence(workloads, accounts, written)
        self._consumers = {}
        self._by_text = None

    def _referencing(self):
        """Text value -> the workloads whose pod spec (or whose service account) holds it, built once.

        Every way a workload names a Secret is a string in its pod spec, or in its service
        account's ``imagePullSecrets``, equal to the name: the workloads holding a Secret's name
        are a superset of its consumers, and discovery need only look at them (and their
        controllers). A namespace of 1,000 Secrets and 200 workloads is then audited in one pass
        over the workloads instead of one per Secret.
        """
        if self._by_text is None:
            self._by_text = {}
            for workload in self.workloads:
                spec = discovery.pod_spec(workload)
                account = self.accounts.get(spec.get("serviceAccountName") or spec.get("serviceAccount") or "default") or {}
                for text in _strings(spec) | _strings(account.get("imagePullSecrets")):
                    self._by_text.setdefault(text, []).append(workload)
        return self._by_text

    def candidates(self, secret_name):
        """The workloads that may use ``secret_name``, with their controllers (``consumers.top_controller`` follows them)."""
        found, seen = [], set()
        pending = list(self._referencing().get(secret_name) or [])
        while pending:
            workload = pending.pop()
            key = (workload.get("kind"), _metadata(workload).get("name"))
            if key in seen:
                continue
            seen.add(key)
            found.append(workload)
            reference = discovery.controller_reference(workload)
            owner = self.index.get((reference.get("kind"), reference.get("name"))) if reference else None
            if owner is not None:
                pending.append(owner)
        order = dict((id(workload), position) for position, workload in enumerate(self.workloads))
        return sorted(found, key=lambda workload: order.get(id(workload), 0))

    def consumers(self, secret_name):
        """``(consumers, opted_out)`` of ``secret_name`` (``consumers.find_consumers``), found once."""
        if secret_name not in self._consumers:
            self._consumers[secret_name] = discovery.find_consumers(secret_name, self.candidates(secret_name), self.accounts)
        return self._consumers[secret_name]

    def checksum(self, secret_name):
        """The keyed MAC of the Secret's current content, or None (no key, or no Secret)."""
        secret = self.secrets.get(secret_name)
        if self.key is None or secret is None:
            return None
        return content_mac(self.key, secret_name, secret.get("data") or {})

    def workload(self, kind, name):
        return self.index.get((kind, name))


def _metadata(item):
    return (item or {}).get("metadata") or {}


def _strings(value):
    """Every string value in ``value`` (nested dicts and lists), as a set."""
    found = set()
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return found


def read_namespace(client, namespace, with_key=True):
    """A ``Namespace`` read from the API server: Secrets, then workloads and service accounts."""
    secrets = SecretService(client).list(namespace)
    key, note = None, None
    if with_key:
        keys = NamespaceKeys(client, create=False, optional=True)
        key = keys.get(namespace) if KEY_SECRET_NAME in secrets else None
        note = keys.unavailable.get(namespace) or (None if key is not None else
                                                   "no content key in namespace %s: consumer stamps cannot be tested" % namespace)
    workloads = workload_service.list_workloads(client, namespace)
    accounts = workload_service.list_service_accounts(client, namespace)
    return Namespace(namespace, secrets, workloads, accounts, key, note)
