# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who may read a Secret, and how: candidate access paths from RBAC objects. Pure, no I/O.

A candidate is a binding, the rule of its role that grants something, and the subject it grants it
to. Direct paths read the Secret (``get``, ``list``, ``watch``); indirect ones lead to its content
another way: create Pods or workloads in the namespace (and mount it), change a workload's pod
template, ``exec`` into a Pod that mounts it, mint a token for a service account that reads it,
impersonate a subject that reads it, or bind or escalate a role. Nothing here is reported as it is:
each candidate carries the ``SubjectAccessReview`` attributes that the service sends to the API
server, and only the confirmed ones are reported.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import json

RBAC_GROUP = "rbac.authorization.k8s.io"
READ_VERBS = ("get", "list", "watch")

DIRECT = "direct"
INDIRECT = "indirect"

# (via, verb, API group, resource): what lets a subject reach a Secret's content without reading it.
WORKLOAD_RESOURCES = (
    ("apps", "deployments"), ("apps", "statefulsets"), ("apps", "daemonsets"), ("apps", "replicasets"),
    ("batch", "jobs"), ("batch", "cronjobs"), ("", "replicationcontrollers"),
)
NAMESPACE_PATHS = (
    [("create_pods", "create", "", "pods")]
    + [("create_workloads", "create", group, resource) for group, resource in WORKLOAD_RESOURCES]
    + [("change_workloads", verb, group, resource) for verb in ("patch", "update") for group, resource in WORKLOAD_RESOURCES]
)
BIND_PATHS = (
    ("bind", "bind", RBAC_GROUP, "roles"), ("bind", "bind", RBAC_GROUP, "clusterroles"),
    ("escalate", "escalate", RBAC_GROUP, "roles"), ("escalate", "escalate", RBAC_GROUP, "clusterroles"),
)
# What a bind or escalate path needs besides the verb: a RoleBinding to create (to a role that reads
# Secrets), or a Role to update (the one bound to the subject, given rules it does not hold).
BIND_NEEDS = {"bind": ("create", RBAC_GROUP, "rolebindings"), "escalate": ("update", RBAC_GROUP, "roles")}
IMPERSONATE_RESOURCES = {"User": "users", "Group": "groups", "ServiceAccount": "serviceaccounts"}


def _matches(values, wanted):
    return "*" in (values or []) or wanted in (values or [])


def resource_matches(resources, resource, subresource=None):
    """Whether a rule's ``resources`` cover ``resource`` (and ``subresource``), wildcards as RBAC reads them."""
    full = "%s/%s" % (resource, subresource) if subresource else resource
    for item in resources or []:
        if item in ("*", full):
            return True
        if subresource and item in ("%s/*" % resource, "*/%s" % subresource):
            return True
    return False


def rule_allows(rule, verb, group, resource, subresource=None, name=None):
    """Whether one PolicyRule grants ``verb`` on ``group``/``resource`` (``name`` None: any name)."""
    if not _matches(rule.get("verbs"), verb) or not _matches(rule.get("apiGroups"), group):
        return False
    if not resource_matches(rule.get("resources"), resource, subresource):
        return False
    names = rule.get("resourceNames") or []
    return not names or (name is not None and name in names)


def narrow(all_grants, verbs, group, resource, subresource=None):
    """The grants whose rule may allow one of ``verbs`` on ``resource`` for some name: the few a
    per-Secret check need look at, picked once per namespace from the cluster's hundreds."""
    found = []
    for grant in all_grants:
        unnamed = dict(grant.rule, resourceNames=None)
        if any(rule_allows(unnamed, verb, group, resource, subresource) for verb in verbs):
            found.append(grant)
    return found


class NamespaceGrants(object):
    """A namespace's grants, the subsets each kind of per-Secret path reads, and the direct
    candidates of the rules that read every Secret (the same for each Secret, made once)."""

    def __init__(self, all_grants, namespace):
        self.all = all_grants
        self.namespace = namespace
        self.secrets = narrow(all_grants, READ_VERBS, "", "secrets")
        self.named_secrets = [grant for grant in self.secrets if grant.rule.get("resourceNames")]
        self.every_secret = direct_candidates([grant for grant in self.secrets if not grant.rule.get("resourceNames")], namespace, None)
        self.exec = narrow(all_grants, ("create",), "", "pods", "exec")
        self.tokens = narrow(all_grants, ("create",), "", "serviceaccounts", "token")
        self.impersonate = [grant for grant in all_grants if any(narrow([grant], ("impersonate",), "", resource)
                                                                 for resource in IMPERSONATE_RESOURCES.values())]
        self._by_reader = {}
        self._by_pod = {}

    def reader_paths(self, reader):
        """The candidates that mint a token for, or impersonate, ``reader`` (made once per reader)."""
        if reader not in self._by_reader:
            self._by_reader[reader] = token_candidates(self.tokens, [reader]) + impersonate_candidates(self.impersonate, [reader])
        return self._by_reader[reader]

    def pod_paths(self, pod):
        """The candidates that exec into ``pod`` (made once per Pod)."""
        if pod not in self._by_pod:
            self._by_pod[pod] = exec_candidates(self.exec, self.namespace, [pod])
        return self._by_pod[pod]


def direct_paths(grants, secret):
    """The direct candidates of ``secret`` from ``grants`` (a ``NamespaceGrants``)."""
    return grants.every_secret + direct_candidates(grants.named_secrets, grants.namespace, secret)


def subject_key(subject, binding_namespace):
    """``(kind, name, namespace)`` of a binding subject; a ServiceAccount's namespace defaults to the binding's."""
    kind = subject.get("kind")
    namespace = subject.get("namespace") or binding_namespace if kind == "ServiceAccount" else None
    return kind, subject.get("name"), namespace


def review_identity(subject):
    """The ``user`` and ``groups`` of a SubjectAccessReview for the subject ``(kind, name, namespace)``.

    A service account is reviewed with the groups every service account has; a user alone (the
    audit cannot know the groups a user logs in with); a group alone.
    """
    kind, name, namespace = subject
    if kind == "ServiceAccount":
        return {"user": "system:serviceaccount:%s:%s" % (namespace, name),
                "groups": ["system:serviceaccounts", "system:serviceaccounts:%s" % namespace, "system:authenticated"]}
    if kind == "Group":
        return {"groups": [name]}
    return {"user": name}


def attributes(namespace, verb, group, resource, subresource=None, name=None):
    """The ``resourceAttributes`` of a SubjectAccessReview."""
    found = {"namespace": namespace, "verb": verb, "group": group, "resource": resource}
    if subresource:
        found["subresource"] = subresource
    if name:
        found["name"] = name
    return found


class Grant(object):
    """One rule of one role, reached through one binding, for its subjects."""

    def __init__(self, binding, role, rule, aggregated_from=None):
        self.binding = binding
        self.role = role
        self.rule = rule
        self.aggregated_from = aggregated_from or []
        self._described = None

    def subjects(self):
        metadata = self.binding.get("metadata") or {}
        return [subject_key(subject, metadata.get("namespace")) for subject in self.binding.get("subjects") or []]

    def describe(self):
        if self._described is not None:
            return dict(self._described)
        metadata = self.binding.get("metadata") or {}
        described = {
            "binding": {"kind": self.binding.get("kind"), "name": metadata.get("name"), "namespace": metadata.get("namespace")},
            "role": {"kind": self.role.get("kind"), "name": (self.role.get("metadata") or {}).get("name")},
            "rule": dict((key, self.rule[key]) for key in ("verbs", "apiGroups", "resources", "resourceNames") if self.rule.get(key)),
        }
        if self.aggregated_from:
            described["aggregated_from"] = self.aggregated_from
        self._described = described
        return dict(described)


def _labels_match(selector, labels):
    expected = (selector or {}).get("matchLabels") or {}
    return all(labels.get(key) == value for key, value in expected.items()) and not (selector or {}).get("matchExpressions")


def aggregated_sources(cluster_role, cluster_roles, rule):
    """Names of the ClusterRoles aggregated into ``cluster_role`` whose own rules hold ``rule``."""
    selectors = ((cluster_role.get("aggregationRule") or {}).get("clusterRoleSelectors")) or []
    if not selectors:
        return []
    found = []
    for name, candidate in sorted(cluster_roles.items()):
        labels = (candidate.get("metadata") or {}).get("labels") or {}
        if name != (cluster_role.get("metadata") or {}).get("name") and any(_labels_match(s, labels) for s in selectors):
            if rule in (candidate.get("rules") or []):
                found.append(name)
    return found


def grants(role_bindings, cluster_role_bindings, roles, cluster_roles):
    """Every ``Grant`` of the namespace's RoleBindings and the cluster's ClusterRoleBindings.

    ``roles`` and ``cluster_roles`` map names to the objects (each with its ``kind``); a binding
    whose role is missing grants nothing.
    """
    found = []
    for binding in list(role_bindings) + list(cluster_role_bindings):
        reference = binding.get("roleRef") or {}
        role = (roles if reference.get("kind") == "Role" else cluster_roles).get(reference.get("name"))
        if role is None:
            continue
        for rule in role.get("rules") or []:
            sources = aggregated_sources(role, cluster_roles, rule) if role.get("kind") == "ClusterRole" else []
            found.append(Grant(binding, role, rule, sources))
    return found


class Candidate(object):
    """A path to check: ``subject`` may do ``via`` to reach the Secret, by ``grant``, if the ``reviews`` all allow it."""

    def __init__(self, subject, how, via, grant, reviews, detail=None):
        self.subject = subject
        self.how = how
        self.via = via
        self.grant = grant
        self.reviews = reviews  # resourceAttributes dicts; every one must be allowed
        self.detail = detail or {}
        self._described = None
        self._review_keys = None

    def review_keys(self):
        """``(subject, attributes as JSON)`` of each review, the reviewer's cache keys (made once)."""
        if self._review_keys is None:
            self._review_keys = [(self.subject, json.dumps(review, sort_keys=True)) for review in self.reviews]
        return self._review_keys

    def describe(self):
        """The reported path (made once: the namespace's shared candidates are reported for every Secret)."""
        if self._described is None:
            path = {"how": self.how, "via": self.via}
            path.update(self.grant.describe())
            path.update(self.detail)
            self._described = (path, json.dumps(path, sort_keys=True))
        return self._described[0]

    def key(self):
        if self._described is None:
            self.describe()
        return self._described[1]


def direct_candidates(all_grants, namespace, secret):
    """Candidates that read ``secret`` itself: ``get``, ``list`` or ``watch`` on Secrets."""
    found = []
    for grant in all_grants:
        for verb in READ_VERBS:
            if rule_allows(grant.rule, verb, "", "secrets", name=secret):
                named = secret if grant.rule.get("resourceNames") else None
                for subject in grant.subjects():
                    found.append(Candidate(subject, DIRECT, verb, grant, [attributes(namespace, verb, "", "secrets", name=named)]))
    return found


def namespace_candidates(all_grants, namespace):
    """Candidates that mount any Secret of the namespace: create Pods or workloads, change a workload's template."""
    found = []
    for grant in all_grants:
        for via, verb, group, resource in NAMESPACE_PATHS:
            if rule_allows(grant.rule, verb, group, resource):
                for subject in grant.subjects():
                    found.append(Candidate(subject, INDIRECT, via, grant, [attributes(namespace, verb, group, resource)],
                                           {"verb": verb, "resource": resource}))
    return found


def _named(grant, name):
    """``name`` when the grant's rule is limited to named objects, else None: a review without a name
    asks for every name, which a rule without ``resourceNames`` allows, and is sent once for all."""
    return name if grant.rule.get("resourceNames") else None


def exec_candidates(all_grants, namespace, pod_names):
    """Candidates that ``exec`` into a Pod (of ``pod_names``) that uses the Secret."""
    found = []
    for grant in all_grants:
        for pod in pod_names:
            if rule_allows(grant.rule, "create", "", "pods", "exec", name=pod):
                for subject in grant.subjects():
                    found.append(Candidate(subject, INDIRECT, "exec", grant,
                                           [attributes(namespace, "create", "", "pods", "exec", name=_named(grant, pod))], {"pod": pod}))
    return found


def token_candidates(all_grants, readers):
    """Candidates that mint a token for a service account of ``readers`` (subjects with a confirmed direct path)."""
    found = []
    for grant in all_grants:
        for kind, name, account_namespace in readers:
            if kind != "ServiceAccount":
                continue
            binding_namespace = (grant.binding.get("metadata") or {}).get("namespace")
            if binding_namespace and binding_namespace != account_namespace:
                continue  # a RoleBinding grants in its own namespace only
            if rule_allows(grant.rule, "create", "", "serviceaccounts", "token", name=name):
                for subject in grant.subjects():
                    found.append(Candidate(subject, INDIRECT, "create_token", grant,
                                           [attributes(account_namespace, "create", "", "serviceaccounts", "token", name=_named(grant, name))],
                                           {"service_account": "%s/%s" % (account_namespace, name)}))
    return found


def impersonate_candidates(all_grants, readers):
    """Candidates that impersonate a subject of ``readers``."""
    found = []
    for grant in all_grants:
        for kind, name, reader_namespace in readers:
            resource = IMPERSONATE_RESOURCES.get(kind)
            if resource is None or not rule_allows(grant.rule, "impersonate", "", resource, name=name):
                continue
            review = attributes(reader_namespace if kind == "ServiceAccount" else None, "impersonate", "", resource, name=_named(grant, name))
            if review["namespace"] is None:
                del review["namespace"]
            for subject in grant.subjects():
                found.append(Candidate(subject, INDIRECT, "impersonate", grant, [review],
                                       {"impersonates": {"kind": kind, "name": name, "namespace": reader_namespace}}))
    return found


def bind_candidates(all_grants, namespace):
    """Candidates that bind or escalate a role and write the binding or role that grants the read."""
    found = []
    for grant in all_grants:
        for via, verb, group, resource in BIND_PATHS:
            if rule_allows(grant.rule, verb, group, resource):
                need_verb, need_group, need_resource = BIND_NEEDS[via]
                # both in the namespace: creating a RoleBinding there checks bind (or escalate) on the
                # role or ClusterRole it names in that namespace, which a RoleBinding may grant
                reviews = [attributes(namespace, verb, group, resource), attributes(namespace, need_verb, need_group, need_resource)]
                for subject in grant.subjects():
                    found.append(Candidate(subject, INDIRECT, via, grant, reviews, {"verb": verb, "resource": resource}))
    return found


def subject_dict(subject):
    kind, name, namespace = subject
    found = {"kind": kind, "name": name}
    if namespace:
        found["namespace"] = namespace
    return found


def readers_of(confirmed):
    """``[{subject, paths}]`` from confirmed candidates, one entry per subject, sorted, each path once."""
    by_subject, seen = {}, set()
    for candidate in confirmed:
        paths = by_subject.setdefault(candidate.subject, [])
        if (candidate.subject, candidate.key()) not in seen:
            seen.add((candidate.subject, candidate.key()))
            paths.append(candidate.describe())
    return [{"subject": subject_dict(subject), "direct": any(path["how"] == DIRECT for path in paths), "paths": paths}
            for subject, paths in sorted(by_subject.items(), key=lambda item: tuple(part or "" for part in item[0]))]


# Subjects that read every Secret by Kubernetes' own design: cluster administrators, the control plane,
# and the controllers' service accounts in kube-system (whoever may act as one of those already rules the cluster).
CONTROL_PLANE_SUBJECTS = ("Group:system:masters", "User:system:apiserver", "User:system:kube-controller-manager",
                          "ServiceAccount:kube-system:*")


def outside(readers, allowed, control_plane_allowed=True):
    """The readers whose subject matches no pattern of ``allowed`` (``Kind:name`` or
    ``ServiceAccount:namespace:name``, ``*`` matching any text), nor, with ``control_plane_allowed``,
    one of ``CONTROL_PLANE_SUBJECTS``."""
    patterns = list(allowed or []) + (list(CONTROL_PLANE_SUBJECTS) if control_plane_allowed else [])
    found = []
    for reader in readers:
        subject = reader["subject"]
        key = ":".join(part for part in (subject["kind"], subject.get("namespace"), subject["name"]) if part)
        if not any(fnmatch.fnmatchcase(key, pattern) for pattern in patterns):
            found.append(key)
    return found
