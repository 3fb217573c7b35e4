"""The kubectl peers: which command each variant runs and the input form it is given (pure: returns
commands and text, writes nothing).

The peer is compared at its best: one JSON ``List`` document, which kubectl decodes as one object
(a multi-document YAML stream costs it a YAML decode and, with validation on, a schema check per
document: about 30 s of client CPU for 1,000 Secrets with kubectl v1.32). The slower forms are
measured as rows of their own, so readers see why figures fed the YAML stream differed.
"""

import json

import yaml

LIST, YAML_STREAM = "list", "yaml"
# Server-side apply as a user scripts it to converge: its own field manager, taking over fields
# another manager set.
SSA_ARGS = ["apply", "--server-side", "--force-conflicts", "--field-manager=bench-ssa"]
# tool -> (kubectl arguments before ``-f <file>``, input form)
VARIANTS = {
    "ssa": (SSA_ARGS, LIST),
    "ssa-yaml": (SSA_ARGS, YAML_STREAM),
    "ssa-yaml-novalidate": (SSA_ARGS + ["--validate=false"], YAML_STREAM),
    "kubectl": (["apply"], LIST),
}
# the server-side apply variants: ratios and targets are taken to the fastest of them
SSA_VARIANTS = ("ssa", "ssa-yaml", "ssa-yaml-novalidate")


def command(kubectl, tool, path):
    """The argv of ``tool`` applying the manifest file at ``path`` with the ``kubectl`` binary."""
    args, _form = VARIANTS[tool]
    return [kubectl] + args + ["-f", path]


def input_suffix(tool):
    return ".json" if VARIANTS[tool][1] == LIST else ".yaml"


def manifest_text(tool, manifests):
    """The file ``tool`` is given for ``manifests`` (Secret objects): one ``v1`` ``List`` in JSON,
    or a YAML stream of one document per Secret."""
    if VARIANTS[tool][1] == LIST:
        return json.dumps({"apiVersion": "v1", "kind": "List", "items": manifests})
    return yaml.safe_dump_all(manifests, sort_keys=False)
