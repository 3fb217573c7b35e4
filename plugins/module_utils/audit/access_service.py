# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access audit's reads: RBAC objects, SubjectAccessReviews, and Vault's Kubernetes auth roles.

Candidates come from ``access.py``; each is sent to the API server as a SubjectAccessReview and
reported only when every review it needs is allowed, so no path is invented. A review of the same
subject and attributes is sent once per run. On the Vault side, roles and policies are read once
per run and evaluated by ``vault_access.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import access, drift, vault_access
from ansible_collections.secretops.provisioning.plugins.module_utils.audit.inventory import read_namespace
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import paths
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import kv
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.hcl_policy import HclSyntaxError, path_blocks
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import consumers as discovery
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.stamps import FINISHED_PHASES

REVIEWS = paths.SUBJECT_ACCESS_REVIEWS
RBAC = paths.RBAC


def _listed(client, path, kind, path_params=None):
    listing = client.request("GET", path, path_params=path_params, action="list %ss" % kind)
    return [dict(item, kind=kind) for item in listing.get("items") or []]


# SubjectAccessReviews in flight at once (the client's connection pool is made as large: see the module).
CONCURRENCY = 8


class Reviewer(object):
    """Sends SubjectAccessReviews, each (subject, attributes) once, ``CONCURRENCY`` at a time."""

    def __init__(self, client, concurrency=CONCURRENCY):
        self.client = client
        self.concurrency = concurrency
        self._answers = {}
        self.sent = 0

    def _review(self, subject, attributes):
        spec = dict(access.review_identity(subject), resourceAttributes=attributes)
        body = {"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec": spec}
        answer = self.client.request("POST", REVIEWS, body=body, action="create a SubjectAccessReview")
        return bool((answer.get("status") or {}).get("allowed"))

    def allowed(self, subject, attributes, key=None):
        key = key or (subject, json.dumps(attributes, sort_keys=True))
        if key not in self._answers:
            self._answers[key] = self._review(subject, attributes)
            self.sent += 1
        return self._answers[key]

    def _prefetch(self, candidates):
        """Send the reviews ``candidates`` need that were never sent, several at a time."""
        pending = {}
        for candidate in candidates:
            for key, review in zip(candidate.review_keys(), candidate.reviews):
                if key not in self._answers:
                    pending[key] = (candidate.subject, review)
        if len(pending) < 2 or self.concurrency < 2:
            return
        keys = sorted(pending, key=lambda item: (tuple(part or "" for part in item[0]), item[1]))
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            answers = list(pool.map(lambda key: self._review(*pending[key]), keys))
        self._answers.update(zip(keys, answers))
        self.sent += len(keys)

    def confirmed(self, candidates):
        self._prefetch(candidates)
        return [candidate for candidate in candidates
                if all(self.allowed(candidate.subject, review, key) for key, review in zip(candidate.review_keys(), candidate.reviews))]


class ClusterRbac(object):
    """ClusterRoles and ClusterRoleBindings, listed once per run."""

    def __init__(self, client):
        self.cluster_roles = dict((item["metadata"]["name"], item) for item in _listed(client, RBAC + "/clusterroles", "ClusterRole"))
        self.bindings = _listed(client, RBAC + "/clusterrolebindings", "ClusterRoleBinding")


def namespace_grants(client, namespace, cluster):
    listed = _listed(client, RBAC + "/namespaces/{namespace}/roles", "Role", {"namespace": namespace})
    roles = dict((item["metadata"]["name"], item) for item in listed)
    bindings = _listed(client, RBAC + "/namespaces/{namespace}/rolebindings", "RoleBinding", {"namespace": namespace})
    return access.grants(bindings, cluster.bindings, roles, cluster.cluster_roles)


class VaultRoles(object):
    """The roles of every Kubernetes auth mount and the policies they carry, read once per run."""

    def __init__(self, vault):
        self.vault = vault
        self.notes = []
        self._roles = None
        self._policies = {}
        self._paths = {}

    def roles(self):
        if self._roles is None:
            self._roles = []
            mounts = (self.vault.read("sys/auth") or {}).get("data") or {}
            for mount, info in sorted(mounts.items()):
                if (info or {}).get("type") != "kubernetes":
                    continue
                mount = mount.strip("/")
                for name in self.vault.list("auth/%s/role" % mount):
                    role = (self.vault.read("auth/%s/role/%s" % (mount, name)) or {}).get("data") or {}
                    self._roles.append((mount, name, role))
        return self._roles

    def policy(self, name):
        if name not in self._policies:
            text = ((self.vault.read("sys/policies/acl/%s" % name) or {}).get("data") or {}).get("policy")
            try:
                self._policies[name] = path_blocks(text) if text else []
            except HclSyntaxError as error:
                self.notes.append("Vault policy %s could not be evaluated (%s): roles carrying it may read more than reported" % (name, error))
                self._policies[name] = []
        return self._policies[name]

    def api_path(self, vault_path):
        if vault_path not in self._paths:
            self._paths[vault_path] = vault_access.data_path(kv.resolve(self.vault, vault_path))
        return self._paths[vault_path]

    def readers(self, vault_path, namespace):
        """The roles whose policies read ``vault_path``, each with the policy blocks that grant it."""
        path = self.api_path(vault_path)
        found = []
        for mount, name, role in self.roles():
            policies = dict((policy, self.policy(policy)) for policy in vault_access.role_policies(role))
            allowed, evidence = vault_access.reads(policies, path)
            if allowed:
                found.append(vault_access.role_entry(mount, name, role, evidence, namespace))
        return found


def pods_using(namespace, secret):
    """Names of the running Pods of ``namespace`` (an ``inventory.Namespace``) that use ``secret``."""
    return sorted(pod["metadata"]["name"] for pod in namespace.candidates(secret)
                  if pod.get("kind") == "Pod" and (pod.get("status") or {}).get("phase") not in FINISHED_PHASES
                  and discovery.secret_uses(pod, secret, namespace.accounts))


def audit_secret(reviewer, grants, shared, namespace, secret, vault_roles=None):
    """The access result of one Secret (``grants`` an ``access.NamespaceGrants``): its confirmed readers, and the
    Vault roles that read its path."""
    direct = reviewer.confirmed(access.direct_paths(grants, secret))
    readers = sorted(set(candidate.subject for candidate in direct), key=lambda subject: tuple(part or "" for part in subject))
    pods = pods_using(namespace, secret)
    indirect = reviewer.confirmed([candidate for pod in pods for candidate in grants.pod_paths(pod)]
                                  + [candidate for reader in readers for candidate in grants.reader_paths(reader)])
    result = {"name": secret, "namespace": namespace.name, "pods": pods,
              "readers": access.readers_of(direct + shared + indirect)}
    path = drift.recorded_path(namespace.secrets.get(secret))
    if vault_roles is not None and path:
        result["vault_path"] = path
        try:
            result["vault_roles"] = vault_roles.readers(path, namespace.name)
        except SecretOpsError as error:
            result["vault_error"] = str(error)
    return result


def audit(client, vault, namespaces, secret_names=None, allowed_subjects=None, control_plane_allowed=True):
    """``{"secrets": [...], "summary": {...}, "notes": [...]}``: who may read each Secret of ``namespaces``
    (only ``secret_names`` when given), confirmed by the API server; ``vault`` None leaves Vault out."""
    reviewer = Reviewer(client)
    cluster = ClusterRbac(client)
    vault_roles = VaultRoles(vault) if vault is not None else None
    results = []
    for name in namespaces:
        namespace = read_namespace(client, name, with_key=False)
        selected = secret_names or sorted(namespace.secrets)
        if not selected:
            continue
        grants = access.NamespaceGrants(namespace_grants(client, name, cluster), name)
        shared = reviewer.confirmed(access.namespace_candidates(grants.all, name) + access.bind_candidates(grants.all, name))
        for secret in selected:
            result = audit_secret(reviewer, grants, shared, namespace, secret, vault_roles)
            if allowed_subjects is not None:
                result["outside_allowed"] = access.outside(result["readers"], allowed_subjects, control_plane_allowed)
            results.append(result)
    summary = {"secrets": len(results), "reviews": reviewer.sent,
               "readers": len(set(json.dumps(reader["subject"], sort_keys=True) for result in results for reader in result["readers"]))}
    if allowed_subjects is not None:
        summary["outside_allowed"] = sum(1 for result in results if result["outside_allowed"])
    return {"secrets": results, "summary": summary, "notes": list(vault_roles.notes) if vault_roles else []}
