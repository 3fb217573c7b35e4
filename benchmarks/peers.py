"""The kubectl peers: which command each variant runs and the input form it is given (pure: returns
commands and text, writes nothing).

The peer is compared at its best: kubectl of the server's own version (built from the same pins as
the control plane), given one JSON ``List`` document. The other forms are rows of their own, so
readers see why figures fed the YAML stream differed: kubectl v1.32 spends about 45 s of client CPU
on a 1,000-document YAML stream (0.8 s on the JSON List), a cost kubectl v1.37 no longer has.
``ssa-yaml-machine`` runs the machine's kubectl (``PATH``) on the YAML stream, which is what the
benchmark measured before; it is not in the default set (minutes per run with an old kubectl).
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
    "ssa-yaml-machine": (SSA_ARGS, YAML_STREAM),
}
# the server-side apply variants of the server's own kubectl: ratios and targets are taken to the fastest
SSA_VARIANTS = ("ssa", "ssa-yaml", "ssa-yaml-novalidate")
# variants run with the machine's kubectl rather than the one built from the pins
MACHINE_VARIANTS = ("ssa-yaml-machine",)


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
