# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Workload API calls: list the workloads of a namespace, patch pod templates, poll rollouts.

Decisions (who consumes what, what to patch, whether a rollout is done) are in ``consumers.py``
and ``rollout.py``; this file only moves objects between the API server and those functions.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import api_error, is_status
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.content_key import namespace_key
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import content_mac
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import consumers as discovery
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import rollout

try:
    from urllib3.exceptions import HTTPError as TransportError
except ImportError:  # pragma: no cover - urllib3 comes with kubernetes
    TransportError = OSError


def _apis(client):
    """kind -> (list_namespaced, read_namespaced, patch_namespaced) of the typed API."""
    return {
        "Deployment": (client.apps.list_namespaced_deployment, client.apps.read_namespaced_deployment,
                       client.apps.patch_namespaced_deployment),
        "StatefulSet": (client.apps.list_namespaced_stateful_set, client.apps.read_namespaced_stateful_set,
                        client.apps.patch_namespaced_stateful_set),
        "DaemonSet": (client.apps.list_namespaced_daemon_set, client.apps.read_namespaced_daemon_set,
                      client.apps.patch_namespaced_daemon_set),
        "CronJob": (client.batch.list_namespaced_cron_job, client.batch.read_namespaced_cron_job,
                    client.batch.patch_namespaced_cron_job),
        "Job": (client.batch.list_namespaced_job, client.batch.read_namespaced_job, client.batch.patch_namespaced_job),
        "Pod": (client.core.list_namespaced_pod, client.core.read_namespaced_pod, client.core.patch_namespaced_pod),
    }


def _call(client, action, fn, *args, **kwargs):
    try:
        return fn(*args, _request_timeout=client.request_timeout, **kwargs)
    except TransportError as exc:
        raise SecretOpsError("cannot %s: the API server at %s is unreachable (%s)" % (action, client.host, exc.__class__.__name__))
    except Exception as exc:  # ApiException, or a library error: both are translated with the action named
        if getattr(exc, "status", None) is not None:
            raise api_error(exc, action)
        raise


def _as_dict(client, obj, kind):
    data = client.api_client.sanitize_for_serialization(obj)
    data["kind"] = kind
    return data


def list_workloads(client, namespace):
    """Every workload of the kinds discovery knows, in ``namespace``: one LIST per kind."""
    workloads = []
    for kind in discovery.WORKLOAD_KINDS:
        list_fn = _apis(client)[kind][0]
        listing = _call(client, "list %ss in namespace %s" % (kind, namespace), list_fn, namespace)
        workloads.extend(_as_dict(client, item, kind) for item in listing.items)
    return workloads


def list_service_accounts(client, namespace):
    listing = _call(client, "list ServiceAccounts in namespace %s" % namespace, client.core.list_namespaced_service_account, namespace)
    accounts = {}
    for item in listing.items:
        data = _as_dict(client, item, "ServiceAccount")
        accounts[data["metadata"]["name"]] = data
    return accounts


def find_consumers(client, namespace, secret_names):
    """``(consumers, opted_out)`` of every Secret in ``secret_names`` (lists are made once)."""
    workloads = list_workloads(client, namespace)
    accounts = list_service_accounts(client, namespace)
    consumers, opted_out = [], []
    for name in secret_names:
        found, ignored = discovery.find_consumers(name, workloads, accounts)
        consumers.extend(found)
        opted_out.extend(ignored)
    return consumers, opted_out


def read_workload(client, namespace, kind, name):
    if kind not in discovery.WORKLOAD_KINDS:
        raise SecretOpsError("unsupported workload kind %s: use one of %s" % (kind, ", ".join(discovery.WORKLOAD_KINDS)))
    read_fn = _apis(client)[kind][1]
    try:
        obj = read_fn(name, namespace, _request_timeout=client.request_timeout)
    except Exception as exc:  # translated below; anything else is re-raised by _call's rules
        if is_status(exc, 404):
            raise SecretOpsError("%s %s/%s does not exist: check the workload name and namespace" % (kind, namespace, name), status=404)
        if getattr(exc, "status", None) is not None:
            raise api_error(exc, "read %s %s/%s" % (kind, namespace, name))
        if isinstance(exc, TransportError):
            raise SecretOpsError("cannot read %s %s/%s: the API server at %s is unreachable" % (kind, namespace, name, client.host))
        raise
    return _as_dict(client, obj, kind)


def patch_workload(client, namespace, kind, name, patch):
    patch_fn = _apis(client)[kind][2]
    obj = _call(client, "patch %s %s/%s" % (kind, namespace, name), patch_fn, name, namespace, patch)
    return _as_dict(client, obj, kind)


def wait_for_rollouts(client, namespace, pending, timeout, poll_interval=1.0, clock=time.monotonic, sleep=time.sleep):
    """Poll each workload in ``pending`` (list of result dicts with kind/name/generation) until its
    rollout completes or fails, or ``timeout`` seconds pass. Sets ``outcome`` and ``reason`` on each.
    """
    deadline = clock() + timeout
    waiting = list(pending)
    while waiting:
        still = []
        for result in waiting:
            workload = read_workload(client, namespace, result["kind"], result["name"])
            observed = (workload.get("status") or {}).get("observedGeneration") or 0
            state, reason = rollout.rollout_state(workload)
            if state == rollout.COMPLETE and observed < result.get("generation", 0):
                state = rollout.PROGRESSING
            result["reason"] = reason
            if state == rollout.PROGRESSING:
                still.append(result)
            else:
                result["outcome"] = state
                result["duration"] = round(clock() - result.get("patched_at", clock()), 1)
        waiting = still
        if waiting and clock() >= deadline:
            for result in waiting:
                result["outcome"] = "timeout"
                result["duration"] = round(clock() - result.get("patched_at", clock()), 1)
                result["reason"] = "not complete after %ss: %s" % (timeout, result["reason"])
            break
        if waiting:
            sleep(poll_interval)


def restart(client, namespace, targets, restarted_at, checksums=None, check_mode=False):
    """Patch the pod template of each target once. Returns one result dict per target.

    ``targets`` come from ``rollout.plan_restarts`` (``{kind, name, secrets}``). With ``checksums``
    (Secret name -> checksum), a workload whose template already carries every checksum is left
    alone, so a re-run with no Secret change restarts nothing.
    """
    results = []
    for target in targets:
        kind, name = target["kind"], target["name"]
        result = {"kind": kind, "name": name, "namespace": namespace, "secrets": list(target.get("secrets") or []), "restarted": False}
        results.append(result)
        if kind not in rollout.RESTARTABLE_KINDS:
            result.update(outcome="skipped", reason="a %s cannot be restarted in place; delete or re-create it to pick the change up" % kind)
            continue
        workload = read_workload(client, namespace, kind, name)
        if rollout.checksums_current(workload, result["secrets"], checksums):
            result.update(outcome="unchanged", reason="the pod template already carries the current Secret checksums")
            continue
        if kind == "Deployment" and (workload.get("spec") or {}).get("paused"):
            result.update(outcome="paused", reason="the Deployment is paused: not restarted; resume it to roll out")
            continue
        result["restarted"] = True
        if check_mode:
            result.update(outcome="would_restart", reason="check mode")
            continue
        annotations = rollout.desired_annotations(result["secrets"], checksums, restarted_at)
        patched = patch_workload(client, namespace, kind, name, rollout.restart_patch(kind, annotations))
        result["generation"] = (patched.get("metadata") or {}).get("generation") or 0
        result["patched_at"] = time.monotonic()
        if kind == "CronJob":
            result.update(outcome="template_updated", reason="the next scheduled Job uses the new template")
        else:
            result.update(outcome="restarted", reason="pod template annotated")
    return results


def read_secret_data(client, namespace, name):
    """The ``data`` of a Secret (base64 values, never decoded here), or None when it does not exist."""
    try:
        secret = client.core.read_namespaced_secret(name, namespace, _request_timeout=client.request_timeout)
    except Exception as exc:  # translated below
        if is_status(exc, 404):
            return None
        if getattr(exc, "status", None) is not None:
            raise api_error(exc, "read Secret %s/%s" % (namespace, name))
        if isinstance(exc, TransportError):
            raise SecretOpsError("cannot read Secret %s/%s: the API server at %s is unreachable" % (namespace, name, client.host))
        raise
    return secret.data or {}


def secret_checksums(client, namespace, names, check_mode=False):
    """Secret name -> keyed content MAC of its current data, for the Secrets in ``names``.

    The namespace's key is made on first use (not in check mode: without a key every stamp
    counts as unknown, so each consumer would restart, which is what the real run does when it
    makes the key).
    """
    key = namespace_key(client, namespace, create=not check_mode)
    checksums = {}
    for name in names:
        data = read_secret_data(client, namespace, name)
        if data is None:
            raise SecretOpsError("Secret %s/%s does not exist: cannot stamp its checksum; create it first or set checksum=false" % (namespace, name))
        if key is not None:
            checksums[name] = content_mac(key, name, data)
    return checksums
