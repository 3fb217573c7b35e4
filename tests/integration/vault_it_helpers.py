"""Shared bits of the Vault integration tests: unique names and module task builders."""

import os
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


CALLBACK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vault_callback_plugins")


def vault_env(local_env, **extra):
    """``local_env.env`` plus a JSON results callback that exists on this machine (ansible.posix is not installed)."""
    env = dict(local_env.env)
    env.update(ANSIBLE_STDOUT_CALLBACK="secretops_json", ANSIBLE_CALLBACK_PLUGINS=CALLBACK_DIR)
    env.update(extra)
    return env
