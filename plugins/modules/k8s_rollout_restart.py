#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: k8s_rollout_restart
short_description: Restart workloads, or the consumers of Secrets, and wait for the rollouts
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Restarts Deployments, StatefulSets and DaemonSets by setting the C(secretops.io/restartedAt)
    annotation on their pod template, as C(kubectl rollout restart) does. A CronJob gets the
    annotation on its job template, so its next Job uses it.
  - Consumers the collection cannot restart are reported with outcome V(skipped) and the reason, and
    nothing is sent for them - Jobs, Pods without a controller, standalone ReplicaSets and
    ReplicationControllers (they do not replace their pods when the template changes), and workloads
    controlled by a kind of another API group, such as an Argo Rollout or an operator's custom resource
    (with its C(api_version)).
  - A StatefulSet or DaemonSet with C(updateStrategy) V(OnDelete) gets the annotation, but its pods keep
    the old template until each is deleted; it is reported with outcome V(on_delete), never as a failed
    rollout.
  - With O(secrets), the workloads are the consumers of those Secrets, found as
    M(secretops.provisioning.k8s_secret_consumers) finds them. A workload that uses several of the
    Secrets is restarted once per call.
  - With O(checksum=true), a keyed checksum of each Secret's content is stamped on the pod template
    (C(checksum.secretops.io/<secret>)), and a workload whose template already carries the current
    checksums is not restarted, so a re-run with no Secret change restarts nothing.
  - With O(checksum=true), a workload never stamped for a Secret is restarted only when its Pods may run
    older content. When every Pod of it that uses the Secret was created after the Secret's last write
    (the Pods' C(creationTimestamp) against the newest C(managedFields) time of the Secret, both the API
    server's clock, whole seconds, so a Pod of the same second does not count), the checksum is stamped on
    the workload's own metadata instead (outcome V(stamped)); the pod template, ReplicaSets and Pods are
    untouched. A Deployment's C(generation) still increases, as it does for any annotation change. From then
    on that stamp detects a content change like a template stamp; a template stamp, when there is one,
    decides, and a restart moves the stamp to the template.
  - The checksum is an HMAC-SHA256 under a key kept in the Secret C(secretops-content-key) of the
    namespace, made on first use (not in check mode), so whoever may read Pods but not Secrets cannot
    test a guessed value against a stamp. This needs C(get) and, once, C(create) on that Secret.
    Stamps of older versions (plain SHA-256) are never current; each such workload restarts once.
  - A paused Deployment is not restarted; it is reported with outcome V(paused).
  - With O(restart=not_in_place), a consumer of O(secrets) whose every use of them is a mounted Secret volume
    (or a projected volume's Secret source) without C(subPath) is not restarted - the kubelet updates those
    files in the running Pods at its sync period (about a minute by default) - and is reported with outcome
    V(in_place) and the reason. Environment variables (C(env), C(envFrom)), arguments built from them, C(subPath)
    mounts and volume plugins' mount credentials never change in running Pods; their consumers are restarted.
    The application must re-read the files. For a dynamic secret (a certificate or database lease), the
    revocation gate counts the Pods of a consumer left in place as holding the replaced credential until
    they are replaced, so it is revoked by a later run (see docs/dynamic-secrets.md).
  - With O(wait=true), the workloads are patched in batches of at most O(max_concurrent_restarts); each batch
    is waited for before the next is patched, so no more than that many roll at once. Once a batch has a
    failed rollout, the later batches are not patched (outcome V(held_back)), so a value that breaks one
    workload is not put on the others.
  - With O(wait=true), waits until each rollout is complete, failed, or O(wait_timeout) passes, judged
    as C(kubectl rollout status) judges it. Deployment - the controller has observed the new generation
    (only then does a C(ProgressDeadlineExceeded) condition count as a failure), then updated, no old and
    available replicas. StatefulSet - replicas ready, then with C(rollingUpdate.partition) the pods at or
    above the partition updated (a partitioned rollout is complete while the pods below it keep the old
    template), otherwise the update revision current. DaemonSet - updated and available on every node.
  - A workload deleted while waited for gets outcome V(deleted); it is not a failed rollout. When the API
    server stays unreachable for 10 seconds while waiting, or refuses a read, the task fails naming the
    server and the workloads still pending, whose outcome in RV(results) is V(unknown).
  - A restart patch refused with 403 gives that workload outcome V(forbidden); the other workloads are
    still restarted and waited for, then the task fails naming each refused workload and the C(patch)
    permission it needs. A failed task still returns RV(results) and RV(restarted), so a caller can
    tell which workloads were restarted.
  - Finding consumers needs C(list) on Deployments, StatefulSets, DaemonSets, CronJobs, Jobs,
    ReplicaSets, ReplicationControllers, Pods and ServiceAccounts (see
    M(secretops.provisioning.k8s_secret_consumers)); restarting needs C(get) and C(patch) on the
    workloads restarted.
options:
  namespace:
    description:
      - Namespace of the workloads and Secrets.
      - Defaults to the namespace of the kubeconfig context in use (as C(kubectl) takes it); without one, it is required.
    type: str
  workloads:
    description: Workloads to restart. Combined with the consumers of O(secrets) when both are given.
    type: list
    elements: dict
    suboptions:
      kind:
        description: Workload kind.
        type: str
        required: true
        choices: [Deployment, StatefulSet, DaemonSet, CronJob, Job, Pod]
      name:
        description: Workload name.
        type: str
        required: true
  secrets:
    description: Restart the consumers of these Secrets (names in O(namespace)).
    type: list
    elements: str
  checksum:
    description:
      - Stamp each Secret's keyed content checksum on the pod template and skip workloads that already
        carry the current checksums. Needs O(secrets).
      - A workload never stamped whose Pods all started after the Secret's last write is stamped on its
        own metadata without a restart (outcome V(stamped)).
    type: bool
    default: false
  wait:
    description: Wait for each restarted rollout to complete or fail.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait for all rollouts together.
    type: int
    default: 300
  restart:
    description:
      - Which consumers of O(secrets) to restart. V(all) restarts every consumer. V(not_in_place) restarts
        only those that cannot see the change in the running Pods, and reports the others with outcome
        V(in_place) (see the description). Workloads in O(workloads) are restarted either way, unless they
        also consume O(secrets) only through mounted volumes.
    type: str
    choices: [all, not_in_place]
    default: all
  max_concurrent_restarts:
    description:
      - With O(wait=true), how many workloads roll at once - patched as one batch and waited for before the
        next batch is patched, within O(wait_timeout) for all. V(0) patches every workload at once.
        With O(wait=false) every workload is patched at once.
    type: int
    default: 10
  fail_on_rollout_failure:
    description:
      - Fail when a rollout failed or timed out (O(wait=true)). With V(false) the module succeeds and
        the outcome is in RV(results) and RV(failed_rollouts), for a caller that handles the failure itself (a rollback).
    type: bool
    default: true
extends_documentation_fragment:
  - secretops.provisioning.k8s_connection
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_k8s
attributes:
  check_mode:
    support: full
    details: Reports which workloads would be restarted or stamped; patches nothing.
  diff_mode:
    support: none
    details: Only annotations change; the result lists them.
seealso:
  - module: secretops.provisioning.k8s_secret_consumers
"""

EXAMPLES = r"""
- name: Restart everything that uses the rotated Secrets, once each, and wait
  secretops.provisioning.k8s_rollout_restart:
    namespace: shop
    secrets: [db-credentials, registry-auth]
    checksum: true
    wait: true
    wait_timeout: 600

- name: Restart only the consumers that read the rotated Secret from env vars, args or subPath mounts, 5 at a time
  secretops.provisioning.k8s_rollout_restart:
    namespace: shop
    secrets: [shop-tls]
    checksum: true
    restart: not_in_place
    max_concurrent_restarts: 5
    wait: true

- name: Restart one Deployment
  secretops.provisioning.k8s_rollout_restart:
    namespace: shop
    workloads:
      - kind: Deployment
        name: web
"""

RETURN = r"""
results:
  description: One entry per workload, in the order restarted. Also in a failure result.
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: Workload kind.
      type: str
      sample: Deployment
    name:
      description: Workload name.
      type: str
      sample: web
    secrets:
      description: The Secrets of O(secrets) this workload uses.
      type: list
      elements: str
      sample: [db-credentials]
    restarted:
      description: Whether the pod template was (or in check mode would be) patched. False for V(stamped).
      type: bool
      sample: true
    outcome:
      description:
        - V(restarted) (patched, not waited), V(complete), V(failed), V(timeout), V(paused),
          V(unchanged) (checksums current), V(template_updated) (CronJob), V(would_restart) (check mode).
        - V(stamped) - never stamped, and every Pod that uses the Secret started after its last write; the
          checksum is stamped on the workload's own metadata, no restart. V(would_stamp) in check mode.
        - V(skipped) - the collection cannot restart this consumer (a Job, a Pod without a controller, a
          standalone ReplicaSet or ReplicationController, a workload controlled by another kind); see C(reason).
        - V(on_delete) - patched, but its C(updateStrategy) is V(OnDelete), so the pods pick the change up
          when each is deleted.
        - V(deleted) - the workload was deleted before its patch or while waited for.
        - V(in_place) - with O(restart=not_in_place), every use of the Secrets is a mounted volume the kubelet
          updates in the running Pods; not restarted.
        - V(held_back) - with O(max_concurrent_restarts), a rollout of an earlier batch failed, so this
          workload was not patched and keeps running its current Pods.
        - V(forbidden) - the patch was refused (403); the task fails after the other workloads.
        - V(unknown) - the wait was cut short (API server unreachable); only in a failure result.
        - Only V(failed) and V(timeout) are failed rollouts (RV(failed_rollouts)).
      type: str
      sample: complete
    cause:
      description:
        - Why a workload was restarted with O(checksum=true) - V(stale_stamp) (a stamp holds another content's checksum)
          or V(never_stamped) (no stamp, and a Pod was created before or in the second of the Secret's last write).
      type: str
      returned: when restarted (or paused) with O(checksum=true)
      sample: stale_stamp
    api_version:
      description: API version of a consumer of another API group (from the ownerReference that points to it).
      type: str
      returned: when the workload is of a kind outside the collection's
      sample: argoproj.io/v1alpha1
    reason:
      description: Why, in words.
      type: str
      sample: 2 of 2 replicas updated and available
    duration:
      description: Seconds from the patch to the final outcome (with O(wait=true)).
      type: float
      sample: 4.2
restarted:
  description:
    - C(Kind/name) of each workload whose pod template was (or in check mode would be) patched. Also in a failure result.
    - A workload stamped without a restart (V(stamped)) is not in it, but makes the task C(changed).
  returned: always
  type: list
  elements: str
  sample: [Deployment/web]
failed_rollouts:
  description:
    - C(Kind/name) of each workload whose rollout failed or timed out. V(on_delete), V(deleted),
      V(skipped) and V(paused) are not failed rollouts.
  returned: always
  type: list
  elements: str
  sample: []
in_place:
  description:
    - C(Kind/name) of each consumer left to see the change in place (outcome V(in_place), O(restart=not_in_place)).
  returned: always
  type: list
  elements: str
  sample: [Deployment/static-site]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import k8s_session
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.configuration import namespace_or_default
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_argument_spec, connection_params
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import in_place, rollout, service

KINDS = ["Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "Pod"]


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        namespace=dict(type="str"),
        workloads=dict(type="list", elements="dict", options=dict(
            kind=dict(type="str", required=True, choices=KINDS),
            name=dict(type="str", required=True),
        )),
        # Names of Secrets, not their values.
        secrets=dict(type="list", elements="str", no_log=False),
        checksum=dict(type="bool", default=False),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=300),
        restart=dict(type="str", default=in_place.RESTART_ALL, choices=list(in_place.RESTART_CHOICES)),
        max_concurrent_restarts=dict(type="int", default=rollout.DEFAULT_MAX_CONCURRENT),
        fail_on_rollout_failure=dict(type="bool", default=True),
    )
    return spec


def restart(module):
    params = module.params
    secrets = params["secrets"] or []
    if params["checksum"] and not secrets:
        raise SecretOpsError("checksum=true needs secrets: the checksums stamped are those of the listed Secrets")
    if params["max_concurrent_restarts"] < 0:
        raise SecretOpsError("max_concurrent_restarts must be 0 (no limit) or more, not %d" % params["max_concurrent_restarts"])
    connection = connection_params(params)
    namespace = namespace_or_default(params["namespace"], connection)
    with k8s_session(connection) as client:
        results = service.restart_consumers(client, namespace, params["workloads"] or [], secrets, params["checksum"],
                                            params["wait"], params["wait_timeout"], module.check_mode,
                                            restart_mode=params["restart"], max_concurrent=params["max_concurrent_restarts"])
    outcome = rollout.summary(results)
    problem = rollout.failure_message(results, params["fail_on_rollout_failure"])
    if problem:
        raise SecretOpsError(problem, **dict((k, v) for k, v in outcome.items() if k != "changed"))
    return outcome


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True,
                           required_one_of=[("workloads", "secrets")])
    run(module, lambda: restart(module))


if __name__ == "__main__":
    main()
