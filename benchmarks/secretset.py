"""The Secrets every benchmarked tool converges: one deterministic set, rendered per tool.

``build_specs`` makes N tool-neutral specs: the ``mixed`` set (Opaque, tls with a real certificate
and key, dockerconfigjson and basic-auth, in that rotation) or the ``opaque`` set (small Opaque
Secrets of two short keys, the set the targets against server-side apply are stated for). Each tool then gets the same content in its own
shape: ``module_item`` for ``secretops.provisioning.k8s_secret`` (typed options), ``manifest`` for
``kubernetes.core.k8s`` and ``kubectl apply`` (a v1 Secret with base64 ``data``). ``changed_specs``
alters every tenth Secret, for the "10% changed" run. Pure: no I/O; certificates come in as PEM text.
"""

import base64
import json
import random
import string

KINDS = ("opaque", "tls", "dockerconfigjson", "basic-auth")
K8S_TYPES = {
    "opaque": "Opaque",
    "tls": "kubernetes.io/tls",
    "dockerconfigjson": "kubernetes.io/dockerconfigjson",
    "basic-auth": "kubernetes.io/basic-auth",
}
LABELS = {"app.kubernetes.io/part-of": "secretops-bench"}
CHANGE_EVERY = 10  # one Secret in ten changes in the "10% changed" run


def _token(rng, length):
    return "".join(rng.choice(string.ascii_letters + string.digits) for _position in range(length))


def secret_name(kind, index):
    return "bench-%s-%04d" % (kind, index)


SECRET_SETS = ("opaque", "mixed")


def build_specs(count, tls_pair, seed=6, secret_set="mixed"):
    """``count`` specs: dicts with ``name``, ``kind`` and the kind's plain-text content.

    ``tls_pair`` is ``(cert_pem, key_pem)``; every tls spec carries it (parsing and checking it is
    part of the work measured, generating it is not). ``secret_set`` is one of ``SECRET_SETS``.
    """
    rng = random.Random(seed)
    if secret_set == "opaque":
        return [{"name": secret_name("opaque", index), "kind": "opaque",
                 "data": {"username": "svc-%04d" % index, "password": _token(rng, 24)}} for index in range(count)]
    specs = []
    for index in range(count):
        kind = KINDS[index % len(KINDS)]
        spec = {"name": secret_name(kind, index), "kind": kind}
        if kind == "opaque":
            spec["data"] = {
                "username": "svc-%04d" % index,
                "password": _token(rng, 32),
                "config.ini": "[db]\nhost=db-%d.internal\nport=5432\nsslmode=verify-full\n" % index,
            }
        elif kind == "tls":
            spec["cert"], spec["key"] = tls_pair
        elif kind == "dockerconfigjson":
            spec["registry"] = {"server": "registry-%d.example.com" % (index % 7), "username": "robot-%04d" % index,
                                "password": _token(rng, 40), "email": "robot-%04d@example.com" % index}
        else:
            spec["username"] = "user-%04d" % index
            spec["password"] = _token(rng, 24)
        specs.append(spec)
    return specs


def is_changed(index):
    """One Secret in each block of ``CHANGE_EVERY`` changes; its position in the block moves from
    block to block so that every type is changed (a fixed position would hit only two types)."""
    return index % CHANGE_EVERY == (index // CHANGE_EVERY) % len(KINDS)


def changed_specs(specs, other_tls_pair):
    """A copy of ``specs`` where one Secret in ``CHANGE_EVERY`` has new content."""
    result = []
    for index, spec in enumerate(specs):
        spec = dict(spec)
        if is_changed(index):
            kind = spec["kind"]
            if kind == "opaque":
                spec["data"] = dict(spec["data"], password=spec["data"]["password"][::-1] + "-rotated")
            elif kind == "tls":
                spec["cert"], spec["key"] = other_tls_pair
            elif kind == "dockerconfigjson":
                spec["registry"] = dict(spec["registry"], password=spec["registry"]["password"] + "-rotated")
            else:
                spec["password"] = spec["password"] + "-rotated"
        result.append(spec)
    return result


def changed_count(count):
    return sum(1 for index in range(count) if is_changed(index))


def module_item(spec, namespace):
    """The spec as one item of ``k8s_secret``'s ``secrets:`` list (the same keys as the module's options)."""
    item = {"name": spec["name"], "namespace": namespace, "type": spec["kind"], "labels": dict(LABELS)}
    kind = spec["kind"]
    if kind == "opaque":
        item["string_data"] = dict(spec["data"])
    elif kind == "tls":
        item["tls"] = {"cert": spec["cert"], "key": spec["key"]}
    elif kind == "dockerconfigjson":
        item["registries"] = [dict(spec["registry"])]
    else:
        item["basic_auth"] = {"username": spec["username"], "password": spec["password"]}
    return item


def _b64(text):
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def dockerconfigjson(registry):
    """The ``.dockerconfigjson`` document ``kubectl create secret docker-registry`` writes."""
    auth = _b64("%s:%s" % (registry["username"], registry["password"]))
    entry = {"username": registry["username"], "password": registry["password"], "email": registry["email"], "auth": auth}
    return json.dumps({"auths": {registry["server"]: entry}}, separators=(",", ":"))


def plain_data(spec):
    """The Secret's keys and plain-text values for ``spec``."""
    kind = spec["kind"]
    if kind == "opaque":
        return dict(spec["data"])
    if kind == "tls":
        return {"tls.crt": spec["cert"], "tls.key": spec["key"]}
    if kind == "dockerconfigjson":
        return {".dockerconfigjson": dockerconfigjson(spec["registry"])}
    return {"username": spec["username"], "password": spec["password"]}


def manifest(spec, namespace):
    """The spec as a v1 Secret object (base64 ``data``), for kubernetes.core.k8s and kubectl apply."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": spec["name"], "namespace": namespace, "labels": dict(LABELS)},
        "type": K8S_TYPES[spec["kind"]],
        "data": {key: _b64(value) for key, value in sorted(plain_data(spec).items())},
    }
