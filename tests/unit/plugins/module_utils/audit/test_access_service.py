"""SubjectAccessReviews: each (subject, attributes) sent once, several at a time, and only allowed paths kept."""

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import access
from ansible_collections.secretops.provisioning.plugins.module_utils.audit.access_service import Reviewer

from ..k8s.fakes import FakeApiServer


def review_server(allowed):
    """The fake API server (``k8s/fakes.py``) allowing what ``allowed`` lists as (user or first group, verb, resource)."""
    def review(spec):
        who = spec.get("user") or spec["groups"][0]
        attributes = spec["resourceAttributes"]
        return (who, attributes["verb"], attributes["resource"]) in allowed

    server = FakeApiServer(reviews=review)
    server.reviewed = lambda: [body for _method, _path, body in server.bodies]
    return server


def candidate(subject, verb, resource="secrets"):
    grant = access.Grant({"kind": "RoleBinding", "metadata": {"name": "b", "namespace": "shop"}}, {"kind": "Role", "metadata": {"name": "r"}}, {})
    return access.Candidate(subject, access.DIRECT, verb, grant, [access.attributes("shop", verb, "", resource)])


def test_reviews_are_sent_once_and_only_allowed_candidates_kept():
    server = review_server({("jane", "get", "secrets"), ("ops", "list", "secrets")})
    reviewer = Reviewer(server)
    candidates = [candidate(("User", "jane", None), "get"), candidate(("User", "jane", None), "list"),
                  candidate(("Group", "ops", None), "list"), candidate(("User", "jane", None), "get")]
    confirmed = reviewer.confirmed(candidates)
    assert [(c.subject[1], c.via) for c in confirmed] == [("jane", "get"), ("ops", "list"), ("jane", "get")]
    assert len(server.reviewed()) == 3 and reviewer.sent == 3
    assert reviewer.confirmed(candidates[:1]) == candidates[:1] and len(server.reviewed()) == 3
    assert server.reviewed()[0]["kind"] == "SubjectAccessReview"


def test_one_at_a_time_gives_the_same_answers():
    server = review_server({("jane", "get", "secrets")})
    candidates = [candidate(("User", "jane", None), "get"), candidate(("User", "bob", None), "get")]
    assert Reviewer(server, concurrency=1).confirmed(candidates) == candidates[:1]
