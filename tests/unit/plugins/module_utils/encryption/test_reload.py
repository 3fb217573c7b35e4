"""encryption/reload.py: the apiserver's metric says which configuration it loaded (by the sha256 of
the file's content); the wait polls /metrics on the one fake API server (``k8s/fakes.py``) until the
content written is the one in force, or says what to check when it never is."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import reload
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

from ..k8s.fakes import FakeApiServer

TEXT = "kind: EncryptionConfiguration\n"
OLD = "kind: EncryptionConfiguration\n# old\n"


def metrics(*loaded, value="1"):
    lines = ["# HELP %s [ALPHA] the last configuration loaded" % reload.METRIC, "# TYPE %s gauge" % reload.METRIC]
    lines += ['%s{apiserver_id_hash="sha256:%s",hash="sha256:%s"} %s' % (reload.METRIC, "0" * 64, reload.config_hash(text), value)
              for text in loaded]
    return "\n".join(lines + ["apiserver_storage_objects{resource=\"secrets\"} 12", ""])


def test_only_the_metric_with_value_1_names_a_loaded_configuration():
    assert reload.config_hash(TEXT) == __import__("hashlib").sha256(TEXT.encode()).hexdigest()
    assert reload.loaded_hashes(metrics(TEXT, OLD)) == {reload.config_hash(TEXT), reload.config_hash(OLD)}
    assert reload.loaded_hashes(metrics(TEXT, value="1.0")) == {reload.config_hash(TEXT)}
    assert reload.loaded_hashes(metrics(TEXT, value="0")) == set()
    assert reload.loaded_hashes('%s{hash="sha256:abc"} 1' % reload.METRIC) == set()  # not a sha256
    assert reload.loaded_hashes("") == set()


class Clock(object):
    """The wait's clock and sleep: each sleep moves time on and may let the apiserver load ``TEXT``."""

    def __init__(self, server, loads_after=None):
        self.now, self.sleeps, self.server, self.loads_after = 0.0, [], server, loads_after

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
        if self.loads_after is not None and len(self.sleeps) >= self.loads_after:
            self.server.objects["/metrics"] = metrics(TEXT)


def test_the_wait_ends_once_the_apiserver_reports_the_content_written():
    server = FakeApiServer(objects={"/metrics": metrics(OLD)})
    clock = Clock(server, loads_after=3)
    reload.wait_until_loaded(server, TEXT, timeout=30, sleep=clock.sleep, clock=lambda: clock.now, interval=2)
    assert clock.sleeps == [2, 2, 2] and server.requests == [("GET", "/metrics")] * 4 and server.writes() == []


def test_a_configuration_never_loaded_fails_after_the_timeout_saying_what_to_check():
    server = FakeApiServer(objects={"/metrics": metrics(OLD)})
    clock = Clock(server)
    with pytest.raises(SecretOpsError, match="after 5s kube-apiserver has not loaded the new encryption configuration") as raised:
        reload.wait_until_loaded(server, TEXT, timeout=5, sleep=clock.sleep, clock=lambda: clock.now)
    assert "--encryption-provider-config-automatic-reload=true" in str(raised.value)
    assert clock.now == 5 and len(server.requests) == 6


def test_a_failed_read_of_the_metrics_stops_the_wait_at_once():
    server = FakeApiServer()  # no /metrics: the API server's 404
    with pytest.raises(SecretOpsError, match="read the apiserver's metrics") as raised:
        reload.wait_until_loaded(server, TEXT, timeout=30, sleep=lambda _: None)
    assert raised.value.details["status"] == 404
