"""revocation/service.py: Pods a rollout just replaced are waited for while they terminate, live ones are not."""

from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import service
from tests.unit.plugins.module_utils.k8s.fakes import FakeApiServer

ENTRY = {"id": "database/creds/app/a", "source": "database/creds/app", "replaced_at": "2026-12-07T10:00:00Z"}


def _pod(name, terminating=False):
    metadata = {"name": name, "namespace": "shop", "creationTimestamp": "2026-12-07T09:00:00Z"}
    if terminating:
        metadata["deletionTimestamp"] = "2026-12-07T10:00:05Z"
    return {"metadata": metadata, "spec": {"volumes": [{"name": "c", "secret": {"secretName": "db"}}]}, "status": {"phase": "Running"}}


class Clock(object):
    def __init__(self, server, gone_after):
        self.now, self.server, self.gone_after = 0.0, server, gone_after

    def sleep(self, seconds):
        self.now += seconds
        if self.now >= self.gone_after:
            self.server.pods = []


def test_terminating_holders_are_waited_for_until_they_are_gone():
    server = FakeApiServer(pods=[_pod("old", terminating=True)])
    clock = Clock(server, gone_after=3)
    pods = service._settled_pods(server, "shop", "db", [ENTRY], None, clock=lambda: clock.now, sleep=clock.sleep)  # pylint: disable=protected-access
    assert pods == [] and clock.now == 3


def test_a_live_holder_ends_the_wait_at_once_and_a_stuck_terminating_one_at_the_deadline():
    server = FakeApiServer(pods=[_pod("old", terminating=True), _pod("live")])
    clock = Clock(server, gone_after=1000)
    pods = service._settled_pods(server, "shop", "db", [ENTRY], None, clock=lambda: clock.now, sleep=clock.sleep)  # pylint: disable=protected-access
    assert len(pods) == 2 and clock.now == 0
    server.pods = [_pod("stuck", terminating=True)]
    pods = service._settled_pods(server, "shop", "db", [ENTRY], None, clock=lambda: clock.now, sleep=clock.sleep)  # pylint: disable=protected-access
    assert [pod["metadata"]["name"] for pod in pods] == ["stuck"] and clock.now == service.TERMINATING_WAIT_SECONDS
