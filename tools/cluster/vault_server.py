"""The HashiCorp Vault dev server that runs beside OpenBao in the local environment.

Most users of the collection run HashiCorp Vault, not OpenBao; the two share an API but not every
behaviour, so the integration tests run against both (docs/vault.md lists the differences found).
The binary comes from tools/cluster/build.py (``build.vault_binary()``); like OpenBao it runs with
``-dev``: in memory, unsealed, with the same fixed root token, on a free loopback port.

``localenv.py`` starts it after OpenBao and lists both servers in env.json as ``vault_servers``
(flavor, address, token); ``vault_addr``/``vault_token`` stay OpenBao's, the default.
"""

import os

import cluster_api

NAME = "vault"  # the record in processes.json, the log file name, and the flavor in env.json
PORT = "hashicorp_vault"  # the key of its port in env.json's ports
READY_TIMEOUT = 60  # starting a 250 MB binary from a cold page cache on 2 busy cores takes a while


def wanted():
    """Whether this environment runs HashiCorp Vault: yes unless SECRETOPS_VAULT_FLAVORS (a comma-separated
    list of openbao, vault; both by default) leaves it out. make test's newest-ansible-core leg runs a
    second environment with OpenBao only, so it needs neither the Vault build nor its memory."""
    return NAME in os.environ.get("SECRETOPS_VAULT_FLAVORS", "openbao," + NAME).split(",")


def address(ports):
    return "http://127.0.0.1:%d" % ports[PORT]


def argv(binary, ports, token):
    return [binary, "server", "-dev", "-dev-root-token-id=" + token, "-dev-listen-address=127.0.0.1:%d" % ports[PORT]]


def environment(home):
    env = dict(os.environ)
    # `vault server -dev` stores its root token in ~/.vault-token; keep that inside the state directory.
    env["HOME"] = home
    for name in ("VAULT_ADDR", "VAULT_TOKEN", "BAO_ADDR", "BAO_TOKEN"):
        env.pop(name, None)
    return env


def unsealed(addr):
    return cluster_api.http_json(addr + "/v1/sys/health").get("sealed") is False


def servers(openbao_addr, ports, token):
    """env.json's ``vault_servers``: every Vault-API server of the environment, the default (OpenBao) first."""
    listed = [{"flavor": "openbao", "address": openbao_addr, "token": token}]
    if PORT in ports:
        listed.append({"flavor": NAME, "address": address(ports), "token": token})
    return listed


def problems(env):
    """What is wrong with the environment's HashiCorp Vault, for ``localenv.py status`` (empty when healthy)."""
    if not wanted():
        return []
    for server in env.get("vault_servers") or []:
        if server["flavor"] != NAME:
            continue
        try:
            if not unsealed(server["address"]):
                return ["HashiCorp Vault is sealed"]
        except Exception as exc:  # pylint: disable=broad-except
            return ["HashiCorp Vault unreachable: %s" % exc]
        return []
    # Started without it (make demo runs OpenBao only): healthy as it is, and `up` adds Vault for a caller that wants it.
    return []
