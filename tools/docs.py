"""Build the collection's documentation site with antsibull-docs and Sphinx: ``make docs``.

The site (HTML, one page per plugin and role, and the collection index) lands in
``.build/docs/build/html``. The build is offline: antsibull-docs' Sphinx config would fetch
intersphinx inventories from the Ansible and Python docsites, so the few labels our pages take from
the Ansible docsite are written into a local inventory instead, pointing at their real pages. Any
other unresolved reference, and every Sphinx warning, fails the build.
"""

import os
import re
import shutil
import subprocess
import sys
import zlib

import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO_ROOT)

from tests.conftest import COLLECTIONS_ROOT  # noqa: E402  pylint: disable=wrong-import-position

COLLECTION = "secretops.provisioning"
DOCS_DIR = os.path.join(REPO_ROOT, ".build", "docs")
ANSIBLE_DOCSITE = "https://docs.ansible.com/projects/ansible/devel/"
INVENTORY_NAME = "ansible_devel.inv"
# Labels of the Ansible docsite that antsibull-docs' pages refer to, with their pages there.
ANSIBLE_DOCSITE_LABELS = {
    "ansible_configuration_settings": ("reference_appendices/config.html", "Ansible Configuration Settings"),
    "common_return_values": ("reference_appendices/common_return_values.html", "Return Values"),
    # "This module has a corresponding action plugin" notes (the report modules).
    "action_plugins": ("plugins/action.html", "Action plugins"),
}
# Plugins of other collections (seealso entries) live on the same docsite.
OTHER_COLLECTION_PLUGIN = re.compile(r"^ansible_collections\.(\w+)\.(\w+)\.(\w+)$")
REF = re.compile(r":ref:`(?:[^`<]*<)?([^`<>]+?)>?`")

OFFLINE_CONF = """
# Written by tools/docs.py: the build is offline, so the Ansible docsite's labels come from a local
# inventory (pointing at the real pages) and nothing else is fetched.
intersphinx_mapping = {"ansible_devel": (%r, %r)}
""" % (ANSIBLE_DOCSITE, "../" + INVENTORY_NAME)


# The site's front page (antsibull-docs' sphinx-init writes a generic one): what the collection is,
# where to start, the guides (docs/*.md, pages through docs/docsite/extra-docs.yml) and the reference.
LANDING_PAGE = """.. _docsite_root_index:

secretops.provisioning
======================

%(description)s

It never shows a secret value: not in output, diffs, errors or reports.

Start here
----------

- Install it with ``ansible-galaxy collection install secretops.provisioning`` and the Python
  libraries of its ``requirements.txt`` (``kubernetes``, ``hvac``, ``jmespath``, ``cryptography``).
- :ref:`Roles and playbooks <ansible_collections.secretops.provisioning.docsite.roles>`: one vars file
  and three playbooks bootstrap Vault's Kubernetes auth, provision an application's secrets and
  rotate them.
- The :ref:`collection's page <plugins_in_secretops.provisioning>` lists every module, lookup, filter
  and role, with the guides.

Documentation
-------------

%(guides)s

Reference
---------

.. toctree::
   :maxdepth: 2

   collections/index

.. toctree::
   :maxdepth: 1
   :caption: Plugin indexes:
   :glob:

   collections/index_*

.. toctree::
   :maxdepth: 1
   :caption: Reference indexes:

   collections/environment_variables
"""


def landing_page():
    with open(os.path.join(REPO_ROOT, "galaxy.yml")) as handle:
        description = " ".join(yaml.safe_load(handle)["description"].split())
    with open(os.path.join(REPO_ROOT, "docs", "docsite", "extra-docs.yml")) as handle:
        sections = yaml.safe_load(handle)["sections"]
    guides = []
    for section in sections:
        guides.append("%s\n%s\n" % (section["title"], "~" * len(section["title"])))
        for entry in section["toctree"]:
            ref = entry if isinstance(entry, str) else entry["ref"]
            guides.append("- :ref:`ansible_collections.%s.docsite.%s`" % (COLLECTION, ref.replace("-", "_")))
        guides.append("")
    return LANDING_PAGE % {"description": description, "guides": "\n".join(guides).strip()}


def run(command, **kwargs):
    print("docs: %s" % " ".join(command), flush=True)
    subprocess.check_call(command, **kwargs)


def tool(name):
    return os.path.join(os.path.dirname(sys.executable), name)


def external_labels(rst_dir):
    """The referenced labels that belong to the Ansible docsite, with their pages there."""
    labels = {}
    own_prefix = "ansible_collections.%s." % COLLECTION
    for directory, _dirs, files in os.walk(rst_dir):
        for name in files:
            if not name.endswith(".rst"):
                continue
            with open(os.path.join(directory, name)) as handle:
                for label in REF.findall(handle.read()):
                    label = label.strip()
                    other_plugin = OTHER_COLLECTION_PLUGIN.match(label)
                    if label in ANSIBLE_DOCSITE_LABELS:
                        labels[label] = ANSIBLE_DOCSITE_LABELS[label]
                    elif other_plugin and not label.startswith(own_prefix):
                        namespace, collection, page = other_plugin.groups()
                        labels[label] = ("collections/%s/%s/%s.html" % (namespace, collection, page), label)
    return labels


def write_inventory(path, labels):
    """A Sphinx (version 2) object inventory of std:label entries."""
    lines = "".join("%s std:label -1 %s %s\n" % (label, uri, title) for label, (uri, title) in sorted(labels.items()))
    header = "# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n# The remainder of this file is compressed using zlib.\n"
    with open(path, "wb") as handle:
        handle.write(header.encode() + zlib.compress(lines.encode()))


def expected_pages():
    """One page per module, lookup, filter and role of the working tree."""
    pages = []
    for directory, kind, suffix in (("modules", "module", ".py"), ("lookup", "lookup", ".py"), ("filter", "filter", ".py")):
        for name in sorted(os.listdir(os.path.join(REPO_ROOT, "plugins", directory))):
            if name.endswith(suffix) and name != "__init__.py":
                pages.append("%s_%s.html" % (name[:-len(suffix)], kind))
    pages += ["%s_role.html" % name for name in sorted(os.listdir(os.path.join(REPO_ROOT, "roles")))]
    return pages


def missing_pages():
    html_dir = os.path.join(DOCS_DIR, "build", "html", "collections", *COLLECTION.split("."))
    return [page for page in expected_pages() if not os.path.isfile(os.path.join(html_dir, page))]


def main():
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_ROOT,
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    shutil.rmtree(DOCS_DIR, ignore_errors=True)
    # antsibull-docs wants its directories owned by the user and writable by nobody else.
    os.makedirs(DOCS_DIR, mode=0o755)
    os.chmod(DOCS_DIR, 0o755)
    run([tool("antsibull-docs"), "sphinx-init", "--use-current", "--fail-on-error", "--no-add-antsibull-docs-version",
         "--project", COLLECTION, "--title", "%s documentation" % COLLECTION, "--dest-dir", DOCS_DIR, COLLECTION], env=env)
    with open(os.path.join(DOCS_DIR, "conf.py"), "a") as handle:
        handle.write(OFFLINE_CONF)
    rst_dir = os.path.join(DOCS_DIR, "rst")
    os.makedirs(rst_dir, mode=0o755, exist_ok=True)
    os.chmod(rst_dir, 0o755)
    # The same two steps as the generated build.sh, with our interpreter's tools.
    run([tool("antsibull-docs"), "--config-file", "antsibull-docs.cfg", "collection", "--cleanup", "everything",
         "--fail-on-error", "--use-current", "--dest-dir", "rst", COLLECTION], cwd=DOCS_DIR, env=env)
    with open(os.path.join(rst_dir, "index.rst"), "w") as handle:
        handle.write(landing_page())
    write_inventory(os.path.join(DOCS_DIR, INVENTORY_NAME), external_labels(rst_dir))
    run([tool("sphinx-build"), "-M", "html", "rst", "build", "-c", ".", "-W", "--keep-going", "-q"], cwd=DOCS_DIR, env=env)
    missing = missing_pages()
    if missing:
        print("docs: failed: no page for %s" % ", ".join(missing), file=sys.stderr)
        return 1
    print("docs: %s (%d plugin and role pages)" % (os.path.join(DOCS_DIR, "build", "html", "index.html"), len(expected_pages())),
          flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as error:
        print("docs: failed: %s exited %s" % (error.cmd[0], error.returncode), file=sys.stderr)
        sys.exit(1)
