"""README.md is what Galaxy and Automation Hub show: a user README that names every plugin and role,
whose relative links point at files the collection tarball holds, and whose first screen still
leads a developer to the two commands."""

import os
import re

import yaml

from tests.conftest import REPO_ROOT

PLUGIN_DIRS = (("modules", ".py"), ("lookup", ".py"), ("filter", ".py"))
LINK = re.compile(r"\]\(([^)#]+)(#[^)]*)?\)")


def readme():
    with open(os.path.join(REPO_ROOT, "README.md")) as handle:
        return handle.read()


def plugin_names():
    names = set()
    for directory, suffix in PLUGIN_DIRS:
        path = os.path.join(REPO_ROOT, "plugins", directory)
        names |= {name[:-len(suffix)] for name in os.listdir(path) if name.endswith(suffix) and name != "__init__.py"}
    return names | set(os.listdir(os.path.join(REPO_ROOT, "roles")))


def test_every_module_lookup_filter_and_role_is_named():
    text = readme()
    missing = sorted(name for name in plugin_names() if "`%s`" % name not in text)
    assert not missing, missing


def test_relative_links_point_at_files_the_tarball_holds():
    ignored = yaml.safe_load(open(os.path.join(REPO_ROOT, "galaxy.yml")))["build_ignore"]
    for target, _anchor in LINK.findall(readme()):
        if target.startswith(("http://", "https://")):
            continue
        assert os.path.exists(os.path.join(REPO_ROOT, target)), target
        assert target.split("/")[0] not in ignored, target


def test_the_two_commands_are_on_the_first_screen():
    first_screen = "\n".join(readme().splitlines()[:30])
    assert "`make demo`" in first_screen and "`make test`" in first_screen
    assert "docs/development.md" in first_screen
    with open(os.path.join(REPO_ROOT, "docs", "development.md")) as handle:
        development = handle.read()
    assert "make demo" in development and "make test" in development


def test_module_defaults_example_uses_real_options():
    # The Vault group's role option is auth_role: `role:` made every Vault module fail.
    block = readme().split("module_defaults:", 1)[1].split("```", 1)[0]
    assert "auth_role:" in block and not re.search(r"^\s+role:", block, re.M)


def test_role_readmes_have_no_links_galaxy_cannot_follow():
    # Galaxy shows a role's README away from the collection's files: a relative link leads nowhere.
    for role in os.listdir(os.path.join(REPO_ROOT, "roles")):
        with open(os.path.join(REPO_ROOT, "roles", role, "README.md")) as handle:
            text = handle.read()
        relative = [target for target, _anchor in LINK.findall(text) if not target.startswith(("http://", "https://"))]
        assert not relative, (role, relative)
        assert "ansible-doc -t role secretops.provisioning.%s" % role in text, role


def test_install_names_the_python_requirements_as_requirements_txt_does():
    with open(os.path.join(REPO_ROOT, "requirements.txt")) as handle:
        required = [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    text = readme()
    assert required and all("'%s'" % requirement in text for requirement in required), required
