"""The collection's metadata files are consistent with what ships in it."""

import os

import yaml

from tests.conftest import REPO_ROOT


def load(name):
    with open(os.path.join(REPO_ROOT, name)) as handle:
        return yaml.safe_load(handle)


def module_names():
    directory = os.path.join(REPO_ROOT, "plugins", "modules")
    return {name[:-3] for name in os.listdir(directory) if name.endswith(".py") and name != "__init__.py"}


def test_galaxy_identity():
    galaxy = load("galaxy.yml")
    assert (galaxy["namespace"], galaxy["name"]) == ("secretops", "provisioning")
    for field in ("version", "authors", "license", "tags", "repository", "build_ignore"):
        assert galaxy.get(field), field
    assert "tools" in galaxy["build_ignore"] and "benchmarks" in galaxy["build_ignore"]


def test_action_groups_name_only_existing_modules_and_cover_them():
    groups = load("meta/runtime.yml")["action_groups"]
    assert set(groups) == {"k8s", "vault"}
    grouped = set(groups["k8s"]) | set(groups["vault"])
    assert grouped <= module_names(), grouped - module_names()
    assert {name for name in module_names() if name.startswith(("k8s_", "vault_"))} <= grouped
    # Every module that reaches Kubernetes takes its connection from module_defaults: a fleet
    # inventory sets one cluster per host that way (examples/fleet).
    assert {name for name in module_names() if "secretops.provisioning.k8s_connection" in module_documentation(name)["extends_documentation_fragment"]} \
        <= set(groups["k8s"])
    # A module is in the group of its top-level connection options, because that is what module_defaults set.
    for name in grouped:
        fragments = module_documentation(name)["extends_documentation_fragment"]
        expected = "k8s" if "secretops.provisioning.k8s_connection" in fragments else "vault"
        assert name in groups[expected], (name, expected)
        if expected == "vault":
            assert "secretops.provisioning.vault_connection" in fragments, name


def test_execution_environment_names_the_requirement_files():
    definition = load("execution-environment.yml")
    assert definition["version"] == 3
    dependencies = definition["dependencies"]
    assert dependencies["python"] == "requirements.txt"
    assert os.path.isfile(os.path.join(REPO_ROOT, dependencies["python"]))
    assert os.path.isfile(os.path.join(REPO_ROOT, dependencies["galaxy"]))
    load(dependencies["galaxy"])
    with open(os.path.join(REPO_ROOT, "requirements.txt")) as handle:
        required = {line.split(">")[0].split("=")[0].strip().lower() for line in handle if line.strip() and not line.startswith("#")}
    assert {"kubernetes", "hvac", "jmespath", "cryptography"} <= required


def test_execution_environment_is_valid_for_ansible_builder():
    from ansible_builder.user_definition import UserDefinition  # ansible-builder's own parser and validator

    definition = UserDefinition(os.path.join(REPO_ROOT, "execution-environment.yml"))
    definition.validate()
    assert definition.version == 3


def test_changelog_fragments_are_valid():
    import subprocess
    import sys

    # Fragments of changes since the last release (none right after one), and the released changelog.
    lint = os.path.join(os.path.dirname(sys.executable), "antsibull-changelog")
    for command in ([lint, "lint"], [lint, "lint-changelog-yaml", os.path.join("changelogs", "changelog.yaml")]):
        proc = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
        assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr
    with open(os.path.join(REPO_ROOT, "CHANGELOG.rst")) as handle:
        released = handle.read()
    version = load("galaxy.yml")["version"]
    with open(os.path.join(REPO_ROOT, "changelogs", "changelog.yaml")) as handle:
        releases = yaml.safe_load(handle)["releases"]
    assert version in releases or os.listdir(os.path.join(REPO_ROOT, "changelogs", "fragments")), \
        "galaxy.yml's version is released in the changelog, or fragments say what it will hold"
    assert all("v%s" % name in released for name in releases), "CHANGELOG.rst is generated from changelogs/changelog.yaml"


def test_license_file_is_the_gpl_v3_galaxy_yml_names():
    galaxy = load("galaxy.yml")
    assert galaxy["license"] == ["GPL-3.0-or-later"] and "license_file" not in galaxy
    with open(os.path.join(REPO_ROOT, "LICENSE")) as handle:
        text = handle.read()
    assert text.lstrip().startswith("GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007")
    assert "LICENSE" not in galaxy["build_ignore"]


def test_build_ignores_what_tools_leave_in_the_tree():
    # ansible-lint caches an installed copy of the collection in .ansible/; without this entry the
    # tarball carried a second copy of every file.
    assert {".ansible", ".build", ".venv", "tests/output"} <= set(load("galaxy.yml")["build_ignore"])


def module_documentation(name):
    import ast

    with open(os.path.join(REPO_ROOT, "plugins", "modules", name + ".py")) as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "DOCUMENTATION":
            return yaml.safe_load(node.value.value)
    raise AssertionError("no DOCUMENTATION in %s" % name)


def test_every_module_takes_its_attributes_from_the_one_fragment():
    groups = load("meta/runtime.yml")["action_groups"]
    for name in sorted(module_names()):
        doc = module_documentation(name)
        fragments = doc["extends_documentation_fragment"]
        assert "secretops.provisioning.attributes" in fragments, name
        assert "ansible.builtin.action_common_attributes" not in fragments, name
        own = doc.get("attributes", {})
        # The platform is the same everywhere, so only the fragment states it; a module states support levels.
        assert "platform" not in own and "action_group" not in own, name
        assert all(set(attribute) <= {"support", "details"} for attribute in own.values()), name
        group_fragments = {fragment.rsplit("_", 1)[1] for fragment in fragments if ".attributes.action_group_" in fragment}
        assert group_fragments == {group for group, members in groups.items() if name in members}, name
