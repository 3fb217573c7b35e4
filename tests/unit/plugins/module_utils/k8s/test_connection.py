"""The Kubernetes connection options, their doc fragment and the client builder stay in step."""

import yaml

from ansible_collections.secretops.provisioning.plugins.doc_fragments.k8s_connection import ModuleDocFragment
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import (
    ALIASES, CONNECTION_OPTIONS, connection_argument_spec, connection_params,
)


def test_doc_fragment_matches_the_argument_spec():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    sources = yaml.safe_load(ModuleDocFragment.PLUGINS)["options"]
    assert set(sources) == set(documented)
    spec = connection_argument_spec()
    assert set(documented) == set(spec)
    for name, entry in spec.items():
        doc = documented[name]
        assert doc["type"] == entry["type"], name
        assert doc.get("default") == entry.get("default"), name
        assert doc.get("aliases", []) == entry.get("aliases", []), name
        assert [env["name"] for env in sources[name]["env"]] == CONNECTION_OPTIONS[name][1], name
        assert "Defaults to E(%s)." % CONNECTION_OPTIONS[name][1][0] in doc["description"], name
        assert bool(entry.get("no_log")) == CONNECTION_OPTIONS[name][2], name
    assert set(ALIASES) <= set(spec)


def test_connection_params_from_a_mapping_or_a_getter():
    params = {"kubeconfig": "/k", "context": "c", "unrelated": 1}
    picked = connection_params(params)
    assert set(picked) == set(CONNECTION_OPTIONS) and picked["kubeconfig"] == "/k" and picked["host"] is None
    assert connection_params(params.get) == picked
