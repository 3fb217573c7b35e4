# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The body of the ``k8s_secret`` module: one Secret or a bulk list, in four phases.

1. build and validate every item (no API call; any bad item fails the task, nothing is written);
2. read current state: one GET for a single Secret, one paged LIST per namespace in bulk;
3. plan every item locally (any refusal fails the task, nothing is written);
4. write only what differs, concurrently (``concurrency`` threads), results in input order.

Values live in the built item only until its write is done; results carry no value.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.secretops.provisioning.plugins.module_utils import list_form
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import k8s_session
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.configuration import context_namespace
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_params
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.content_key import NamespaceKeys
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import SecretService
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets import reconcile, types
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.builder import build_secret
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import Fingerprinter, content_mac
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.sources import resolve_sources

# Task-level options a bulk item takes over when it does not set them itself.
INHERITED = ("namespace", "state", "type", "labels", "annotations", "immutable", "append_hash", "merge_data",
             "allow_recreate", "tls_expiry_warning_days", "wait_timeout")


class _Item(object):
    __slots__ = ("index", "label", "spec", "desired", "plan", "diff", "result")

    def __init__(self, index, label, spec):
        self.index = index
        self.label = label
        self.spec = spec
        self.desired = None
        self.plan = None
        self.diff = None
        self.result = None

    def fail(self, error):
        details = dict(error.details)
        if self.index is not None:
            details["item"] = self.index
        return SecretOpsError("%s: %s" % (self.describe(), error), **details)

    def describe(self):
        ref = self.desired.ref if self.desired else "/".join(p for p in (self.spec.get("namespace"), self.spec.get("name")) if p)
        if self.label:
            return list_form.label("secrets", self.index, ref) if ref else self.label
        return "Secret %s" % ref if ref else "Secret"


def _default_namespaces(items, connection):
    """Items that name no namespace take the kubeconfig context's (a bootstrap token its own, kube-system)."""
    missing = [item for item in items if not item.spec.get("namespace") and not item.spec.get("bootstrap_token")]
    namespace = context_namespace(connection) if missing else None
    for item in missing if namespace else []:
        item.spec = dict(item.spec, namespace=namespace)


def _items(params):
    if params.get("secrets") is None:
        return [_Item(None, "", params)]
    # The content options are refused beside secrets: by the module's mutually_exclusive.
    return [_Item(index, "secrets[%d]" % index, spec) for index, spec in enumerate(list_form.inherit(params, params["secrets"], INHERITED))]


def summarize(desired, secret, data, info=None, content_key=None):
    """The value-free ``secret`` return: identity, type, key names, version and keyed content checksum.

    ``checksum`` is the content MAC under the namespace's key (``k8s/content_key.py``), the same
    string ``k8s_rollout_restart`` stamps on pod templates; None when there is no key to use.
    """
    summary = {
        "name": desired.name,
        "namespace": desired.namespace,
        "type": (secret or {}).get("type", desired.type),
        "data_keys": sorted(data or {}),
        "resource_version": ((secret or {}).get("metadata") or {}).get("resourceVersion"),
        "immutable": bool((secret or {}).get("immutable", desired.immutable)),
        "checksum": content_mac(content_key, desired.name, data or {}) if content_key else None,
    }
    summary.update(info or {})
    return summary


class _NoKeys(object):
    """``content_stamp: false``: no namespace key is read or made, so no checksum is computed."""

    unavailable = {}

    @staticmethod
    def get(_namespace):
        return None


class SecretTask(object):
    def __init__(self, params, check_mode=False, diff_mode=False, warn=None):
        self.params = params
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.warn = warn or (lambda message: None)
        self.fingerprinter = Fingerprinter()
        self.service = None
        self.keys = None

    # phase 1
    def _build(self, items):
        seen = {}
        for item in items:
            try:
                item.desired = build_secret(resolve_sources(item.spec), environ=os.environ)
            except SecretOpsError as error:
                raise item.fail(error)
            if item.desired.ref in seen:
                raise item.fail(SecretOpsError("the same Secret is already given by %s: give each Secret once" % seen[item.desired.ref]))
            seen[item.desired.ref] = item.label or "the task"
            for warning in item.desired.warnings:
                self.warn("%s: %s" % (item.describe(), warning))

    # phase 2
    def _current(self, items):
        if len(items) == 1 and items[0].index is None:
            desired = items[0].desired
            return {desired.ref: self.service.get(desired.namespace, desired.name)}
        names = {}
        for item in items:
            names.setdefault(item.desired.namespace, set()).add(item.desired.name)
        current = {}
        for namespace in sorted(names):
            for name, secret in self.service.list(namespace, names[namespace]).items():
                current["%s/%s" % (namespace, name)] = secret
        return current

    # phase 3
    def _plan(self, items, current):
        accounts = {}
        for item in items:
            spec = item.spec
            try:
                item.plan = reconcile.plan_secret(
                    item.desired, current.get(item.desired.ref), self.service.field_manager,
                    merge_data=bool(spec.get("merge_data")), allow_recreate=spec.get("allow_recreate") is not False,
                )
                if item.desired.type == types.SERVICE_ACCOUNT_TOKEN and item.plan.action in (reconcile.CREATE, reconcile.RECREATE):
                    account = (item.desired.namespace, spec["service_account"])
                    if account not in accounts:
                        accounts[account] = self.service.service_account_exists(*account)
                    if not accounts[account]:
                        raise SecretOpsError(
                            "ServiceAccount %s/%s does not exist: create it first (the token controller deletes token "
                            "Secrets of missing ServiceAccounts)" % account
                        )
            except SecretOpsError as error:
                raise item.fail(error)
            if self.diff_mode and item.plan.changed:
                # imported in diff mode only: every import is compiled anew in each module run
                from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.diff import secret_diff

                item.diff = secret_diff(item.plan, self.fingerprinter, self.service.field_manager)

    # phase 4
    def _write(self, item):
        plan = item.plan
        desired = plan.desired
        spec = item.spec
        secret = plan.current
        if plan.action == reconcile.DELETE:
            self.service.delete(desired.namespace, desired.name, spec.get("wait_timeout") or 60)
            return None
        if plan.action == reconcile.RECREATE:
            secret = self.service.recreate(plan.current, plan.body(), spec.get("wait_timeout") or 60)
        elif plan.writes:
            secret = self.service.apply(plan.body())
        if plan.writes:
            keep = plan.target_data if not spec.get("merge_data") else (secret.get("data") or {})
            secret = self.service.remove_leftovers(secret, keep)
        if desired.type == types.SERVICE_ACCOUNT_TOKEN and secret is not None:
            secret = self.service.wait_for_token(secret, spec.get("wait_timeout") or 60)
        return secret

    def _needs_io(self, item):
        if self.check_mode:
            return False
        return item.plan.writes or (item.desired.type == types.SERVICE_ACCOUNT_TOKEN and item.desired.state == "present")

    def _finish(self, item):
        """Carry out the item's plan (unless check mode) and build its result."""
        plan = item.plan
        desired = plan.desired
        result = {"name": desired.name, "namespace": desired.namespace, "action": plan.action, "changed": plan.changed}
        try:
            secret = self._write(item) if self._needs_io(item) else plan.current
        except SecretOpsError as error:
            wrapped = item.fail(error)
            result.update(wrapped.details)
            result.update(failed=True, msg=str(wrapped))
            return result
        if plan.reasons:
            result["reasons"] = plan.reasons
        if item.diff is not None:
            result["diff"] = item.diff
        if desired.state == "absent":
            result["secret"] = {"name": desired.name, "namespace": desired.namespace} if plan.changed else {}
        elif self.check_mode and plan.changed:
            # predicted: what the write would produce
            data = dict(plan.target_data)
            if secret is not None and desired.type == types.SERVICE_ACCOUNT_TOKEN:
                controller_keys = types.SERVICE_ACCOUNT_CONTROLLER_KEYS
                data.update((k, v) for k, v in (secret.get("data") or {}).items() if k in controller_keys)
            result["secret"] = summarize(desired, None, data, desired.info, self.keys.get(desired.namespace))
            if secret is not None and plan.action != reconcile.RECREATE:
                result["secret"]["resource_version"] = secret["metadata"].get("resourceVersion")
            result["key_changes"] = plan.key_changes
        else:
            result["secret"] = summarize(desired, secret, (secret or {}).get("data"), desired.info, self.keys.get(desired.namespace))
            result["key_changes"] = plan.key_changes
        # the values are no longer needed
        desired.data = None
        plan.target_data = None
        return result

    def run(self):
        connection = connection_params(self.params)
        items = _items(self.params)
        _default_namespaces(items, connection)
        self._build(items)
        concurrency = max(1, self.params.get("concurrency") or 1)
        with k8s_session(connection, pool_size=concurrency) as client:
            self.service = SecretService(client)
            if self.params.get("content_stamp") is False:
                self.keys = _NoKeys()
            else:
                self.keys = NamespaceKeys(client, create=not self.check_mode, optional=True)
            self._plan(items, self._current(items))
            busy = []
            for item in items:
                if self._needs_io(item):
                    busy.append(item)
                else:
                    item.result = self._finish(item)
            if len(busy) > 1 and concurrency > 1:
                with ThreadPoolExecutor(max_workers=min(concurrency, len(busy))) as pool:
                    for item, result in zip(busy, pool.map(self._finish, busy)):
                        item.result = result
            else:
                for item in busy:
                    item.result = self._finish(item)
        for namespace, reason in sorted(self.keys.unavailable.items()):
            self.warn("no checksum returned for Secrets in namespace %s: %s" % (namespace, reason))
        return self._result(items)

    def _bulk_module_args(self):
        """The task's arguments with the item list summarised.

        Ansible echoes every argument back and scans the whole result once per no_log value, which
        is quadratic in the number of items; the per-item outcome is in ``results`` anyway.
        """
        args = dict((key, value) for key, value in self.params.items() if key != "secrets")
        if args.get("api_key"):
            args["api_key"] = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
        args["secrets"] = "%d items (see results)" % len(self.params["secrets"])
        return args

    def _result(self, items):
        results = [item.result for item in items]
        failures = [result for result in results if result.get("failed")]
        if self.params.get("secrets") is None:
            result = results[0]
            if failures:
                details = dict((k, v) for k, v in result.items() if k not in ("msg", "failed", "changed", "diff"))
                raise SecretOpsError(result["msg"], **details)
            return result
        diffs = [result.pop("diff") for result in results if "diff" in result]
        summary = {"changed": any(result["changed"] and not result.get("failed") for result in results), "results": results,
                   "invocation": {"module_args": self._bulk_module_args()}}
        if diffs:
            summary["diff"] = diffs
        if failures:
            raise list_form.failure([failure["msg"] for failure in failures], len(results), "Secrets",
                                    results=results, changed=summary["changed"])
        return summary
