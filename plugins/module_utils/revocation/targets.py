# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether what Vault holds under a revocation handle is what the automation issued for the Secret.

A lease id or a certificate serial is a revocation handle: whoever holds a token allowed to revoke
can revoke any lease or certificate of the mount with it. So besides the record (``record.py``),
Vault's own copy must match before anything is revoked: a lease must live under the Secret's own
``<mount>/creds/<role>/``, and a certificate must carry exactly the names it was requested with.
Pure: no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.tls import load_certificates

try:
    from cryptography import x509
    from cryptography.x509.oid import NameOID
except ImportError:  # pragma: no cover - load_certificates reports the missing library first
    x509 = NameOID = None


def lease_under(lease_id, source):
    """Whether ``lease_id`` is a lease of ``source`` (``<mount>/creds/<role>``), and nothing else."""
    prefix = source.strip("/") + "/"
    rest = str(lease_id or "")[len(prefix):]
    return str(lease_id or "").startswith(prefix) and bool(rest) and "/" not in rest


def certificate_names(common_name, alt_names, ip_sans):
    """What a certificate of this request carries, as ``match`` records it."""
    return {"common_name": common_name, "alt_names": sorted(set(alt_names or []) - {common_name}),
            "ip_sans": sorted(set(ip_sans or []))}


def _names_of(pem):
    certificate = load_certificates(pem, "the certificate Vault holds")[0]
    common = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    common_name = str(common[0].value) if common else ""
    try:
        sans = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns = sans.get_values_for_type(x509.DNSName) + sans.get_values_for_type(x509.RFC822Name)
        ips = [str(address) for address in sans.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        dns, ips = [], []
    return certificate_names(common_name, dns, ips)


def certificate_matches(pem, match):
    """Whether the certificate ``pem`` (from ``<mount>/cert/<serial>``) carries exactly the names in ``match``."""
    try:
        return bool(match) and _names_of(pem) == certificate_names(match.get("common_name"), match.get("alt_names"),
                                                                   match.get("ip_sans"))
    except SecretOpsError:
        return False
