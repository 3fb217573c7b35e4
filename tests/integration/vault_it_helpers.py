"""Shared bits of the Vault integration tests: unique names and module task builders."""

import uuid

COLLECTION = "secretops.provisioning."


def unique(prefix):
    """A name no other test (or earlier run) uses, so tests never collide on the shared server."""
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def merged(base, **changes):
    """A copy of ``base`` with ``changes`` applied."""
    result = dict(base)
    result.update(changes)
    return result


def task(*title_and_module, **args):
    """A task titled ``title`` running ``module`` of this collection with ``args`` (which may hold ``name``)."""
    title, module = title_and_module
    return {"name": title, COLLECTION + module: args, "register": "r"}


def vault_env(local_env, **extra):
    """``local_env.env`` plus ``extra`` (a copy: tests may drop VAULT_TOKEN without affecting others)."""
    env = dict(local_env.env)
    env.update(extra)
    return env
