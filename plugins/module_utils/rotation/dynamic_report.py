# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dynamic secrets of a rotation run in its audit report: certificates (serials, ends of validity)
and database credentials (lease ids, lease ends), and whether what they replaced was revoked.

Built from whitelisted fields of the vault_pki_certificate and vault_database_credentials results
(neither returns a key or a password), so no value can reach the report. The replaced certificate
or lease is revoked only after every rollout was healthy, and only once no running Pod may hold it:
otherwise the entry says it is still valid, and which Pods hold it. The entry names what the
revocation step actually revoked (``revoked_serials``, ``revoked_lease_ids``) and what it could not
(``revocation_failed``: Vault or the database refused or was down; it stays pending and a later run tries again).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.task_results import loop_item, results, secret_name

CERTIFICATE_FIELDS = ("issued", "reason", "serial", "not_after", "replaced_serial")
LEASE_FIELDS = ("action", "reason", "lease_id", "lease_end", "replaced_lease_id", "last_vault_rotation")
NOT_REVOKED = "not revoked: the rollouts were not all healthy, so the replaced %s"


def _key(result):
    item = loop_item(result)
    return (item.get("namespace") or result.get("namespace"), item.get("secret") or secret_name(result))


def _renewed(result):
    """Whether the run gave the Secret a new certificate or new credentials (a renewed lease keeps them)."""
    return bool(result.get("issued")) or result.get("action") == "issue"


def _entry(result):
    item = loop_item(result)
    namespace, secret = _key(result)
    entry = {"secret": secret, "namespace": namespace, "source": item.get("source") or ("pki" if "issued" in result else "database")}
    if result.get("failed"):
        entry["error"] = result.get("msg")
        return entry
    fields = CERTIFICATE_FIELDS if entry["source"] == "pki" else LEASE_FIELDS
    entry.update((field, result[field]) for field in fields if result.get(field) is not None)
    entry["changed"] = bool(result.get("changed"))
    entry["replaced"] = _renewed(result)
    return entry


def _revoked_ids(revocation):
    return list(revocation.get("revoked_serials") or revocation.get("revoked_lease_ids") or
                ([revocation["revoked_serial"]] if revocation.get("revoked_serial") else []))


def _revocation(entry, revocation):
    """What became of the certificate or leases ``entry`` replaced, after the revocation run (None: none ran)."""
    if revocation is None:
        return NOT_REVOKED % ("certificate keeps working" if entry["source"] == "pki" else "credentials keep working")
    if revocation.get("failed"):
        return "revocation failed: %s" % revocation.get("msg")
    held = ["%s stays valid while %s may hold it (started before the Secret changed); a later run revokes it"
            % (item.get("id"), ", ".join(item.get("holders") or [])) for item in revocation.get("revocation_held") or []]
    parts = ["not revoked yet: " + "; ".join(held)] if held else []
    parts += ["revocation failed for %s (a later run tries again): %s" % (item.get("id"), item.get("error"))
              for item in revocation.get("revocation_failed") or []]
    if parts:
        revoked = _revoked_ids(revocation)
        return "; ".join((["revoked " + ", ".join(revoked)] if revoked else []) + parts)
    if _revoked_ids(revocation):
        return "revoked"
    return "nothing to revoke"


REVOCATION_FIELDS = ("revoked_serial", "revoked_serials", "revoked_lease_ids", "pending_revocation", "revocation_held", "revocation_failed")


def _revocation_happened(revocation):
    """Whether the revocation step revoked, held back or failed to revoke something (the entry then says what)."""
    return bool(_revoked_ids(revocation) or revocation.get("revocation_held") or revocation.get("revocation_failed"))


def dynamic_entries(renewals, revocations=None):
    """One value-free entry per dynamic secret of the run, with ``revocation`` for those that replaced something
    or whose revocation step revoked or held back something."""
    revoked = dict((_key(result), result) for result in results(revocations) if not result.get("skipped"))
    entries = []
    for result in results(renewals):
        if result.get("skipped"):
            continue
        entry = _entry(result)
        revocation = revoked.get((entry["namespace"], entry["secret"]))
        if revocation is not None and not revocation.get("failed"):
            entry.update((field, revocation[field]) for field in REVOCATION_FIELDS if revocation.get(field))
        if entry.get("replaced") or (revocation is not None and _revocation_happened(revocation)):
            entry["revocation"] = _revocation(entry, revocation)
        entries.append(entry)
    return entries


def any_replaced(entries):
    return any(entry.get("replaced") for entry in entries)


def any_failed(entries):
    return any("error" in entry for entry in entries)


def _line(entry):
    name = "  %s/%s (%s): " % (entry.get("namespace"), entry.get("secret"), entry.get("source"))
    if "error" in entry:
        return name + "FAILED: %s" % entry["error"]
    if entry["source"] == "pki":
        text = "serial %s, valid until %s" % (entry.get("serial"), entry.get("not_after"))
        if entry.get("replaced"):
            text = "re-issued (%s): %s, replaced serial %s" % (entry.get("reason"), text, entry.get("replaced_serial"))
    else:
        text = "%s: lease %s ends %s" % (entry.get("action"), entry.get("lease_id"), entry.get("lease_end"))
        if entry.get("replaced_lease_id"):
            text += ", replaced lease %s" % entry["replaced_lease_id"]
    if entry.get("revocation") == "revoked":
        # Name what went: "serial X; revoked" alone would read as if the Secret's own certificate was revoked.
        text += "; revoked %s" % ", ".join(_revoked_ids(entry))
    elif entry.get("revocation"):
        text += "; %s" % entry["revocation"]
    return name + text


def summary_lines(entries):
    """The readable lines of the dynamic secrets (none when the run had none)."""
    if not entries:
        return []
    return ["Dynamic secrets:"] + [_line(entry) for entry in entries]
