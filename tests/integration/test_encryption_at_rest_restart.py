"""Recovery with KMS v2 when the plugin is down across an apiserver restart, in a private environment
of its own (it kills and restarts kube-apiserver): the restarted apiserver has no cached data key and
cannot open sealed Secrets, so it refuses to serve them (an error, never other data, never plaintext);
once the plugin is back (a re-run of the role) it serves them again, unchanged."""

import base64
import json
import os
import signal
import subprocess
import sys
import time
import uuid

from kubernetes import client as k8s_client

from tests.integration.encryption_support import KMS_PREFIX, Encryption, stored_secret
from tests.integration.conftest import LOCALENV
from tests.integration.rotation_faults_support import COMPONENTS, private_environment

VALUE = "enc-restart-" + uuid.uuid4().hex


def wait_gone(pid, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError("the plugin (pid %d) did not stop" % pid)


def read_outcome(core, name):
    """("served", value) or ("refused", status) of one read of the test Secret."""
    try:
        secret = core.read_namespaced_secret(name, "default", _request_timeout=10)
    except k8s_client.ApiException as exc:
        assert VALUE not in (exc.body or "")
        return "refused", exc.status
    # The apiserver not answering at all.
    except Exception as exc:  # pylint: disable=broad-except
        return "refused", exc.__class__.__name__
    return "served", base64.b64decode(secret.data["v"]).decode()


def test_an_apiserver_restarted_while_the_plugin_is_down_refuses_sealed_secrets_until_it_is_back(tmp_path):
    with private_environment("openbao") as env:
        cluster = json.loads(env._tool(LOCALENV, "env", "--json"))["clusters"][0]  # pylint: disable=protected-access
        encryption = Encryption(cluster, env.local_env.env, str(tmp_path))
        encryption.run().assert_ok()
        core = k8s_client.CoreV1Api(env.k8s_api)
        core.create_namespaced_secret("default", k8s_client.V1Secret(metadata=k8s_client.V1ObjectMeta(name="across-restart"),
                                                                     string_data={"v": VALUE}))
        assert stored_secret(encryption.etcd, "default", "across-restart").startswith(KMS_PREFIX)

        pid = encryption.plugin_pid()
        os.kill(pid, signal.SIGTERM)
        wait_gone(pid)
        env.component("kill", "kube-apiserver")
        # `start` waits for /readyz, which the KMS health check keeps failing while the plugin is down: in the background.
        starter = subprocess.Popen([sys.executable, COMPONENTS, "start", "kube-apiserver"], env=env.os_env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            outcomes = []
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                outcomes.append(read_outcome(core, "across-restart"))
                try:
                    core.read_namespace("default", _request_timeout=5)
                    answering = True
                except Exception:  # pylint: disable=broad-except
                    answering = False
                if answering and len(outcomes) > 5:
                    break
                time.sleep(1)
            assert answering, "the restarted apiserver never answered: %s" % outcomes[-3:]
            assert all(kind == "refused" for kind, _detail in outcomes), outcomes
            assert any(isinstance(detail, int) and detail >= 500 for _kind, detail in outcomes), outcomes  # answered, and refused

            encryption.run().assert_ok()  # starts the plugin again
            deadline = time.monotonic() + 90
            while read_outcome(core, "across-restart")[0] != "served" and time.monotonic() < deadline:
                time.sleep(2)
            assert read_outcome(core, "across-restart") == ("served", VALUE)
            run_off = encryption.run(encryption_at_rest_mode="decrypt")
            run_off.assert_ok()
            encryption.run(encryption_at_rest_mode="identity").assert_ok()
        finally:
            if starter.poll() is None:
                starter.wait(timeout=150)
            # The plugin lives in the test's directory, not the private environment's: stop it whatever happened.
            try:
                os.kill(encryption.plugin_pid(), signal.SIGTERM)
            except (OSError, ValueError):
                pass
