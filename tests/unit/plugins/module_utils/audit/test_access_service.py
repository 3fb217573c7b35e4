"""SubjectAccessReviews: each (subject, attributes) sent once, several at a time, and only allowed paths kept."""

import threading

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import access
from ansible_collections.secretops.provisioning.plugins.module_utils.audit.access_service import Reviewer


class FakeApiServer(object):
    """Allows what ``allowed`` lists as (user or first group, verb, resource)."""

    def __init__(self, allowed):
        self.allowed = allowed
        self.bodies = []
        self.lock = threading.Lock()

    def request(self, method, path, body=None, action=None):
        with self.lock:
            self.bodies.append(body)
        spec = body["spec"]
        who = spec.get("user") or spec["groups"][0]
        attributes = spec["resourceAttributes"]
        return {"status": {"allowed": (who, attributes["verb"], attributes["resource"]) in self.allowed}}


def candidate(subject, verb, resource="secrets"):
    grant = access.Grant({"kind": "RoleBinding", "metadata": {"name": "b", "namespace": "shop"}}, {"kind": "Role", "metadata": {"name": "r"}}, {})
    return access.Candidate(subject, access.DIRECT, verb, grant, [access.attributes("shop", verb, "", resource)])


def test_reviews_are_sent_once_and_only_allowed_candidates_kept():
    server = FakeApiServer({("jane", "get", "secrets"), ("ops", "list", "secrets")})
    reviewer = Reviewer(server)
    candidates = [candidate(("User", "jane", None), "get"), candidate(("User", "jane", None), "list"),
                  candidate(("Group", "ops", None), "list"), candidate(("User", "jane", None), "get")]
    confirmed = reviewer.confirmed(candidates)
    assert [(c.subject[1], c.via) for c in confirmed] == [("jane", "get"), ("ops", "list"), ("jane", "get")]
    assert len(server.bodies) == 3 and reviewer.sent == 3
    assert reviewer.confirmed(candidates[:1]) == candidates[:1] and len(server.bodies) == 3
    assert server.bodies[0]["kind"] == "SubjectAccessReview"


def test_one_at_a_time_gives_the_same_answers():
    server = FakeApiServer({("jane", "get", "secrets")})
    candidates = [candidate(("User", "jane", None), "get"), candidate(("User", "bob", None), "get")]
    assert Reviewer(server, concurrency=1).confirmed(candidates) == candidates[:1]
