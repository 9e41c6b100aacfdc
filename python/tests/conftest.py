"""A real hub for the tests: the headless hub (Node) as a child process, on a free port, with a
temporary data dir. RELAY_HUB_CLI names the hub's CLI bundle (default: this repository's
dist/cli/relay-hub.cjs, built by `npm run build`), RELAY_HUB_NODE the node binary."""
import os
import re
import signal
import subprocess
import time
import urllib.request

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.environ.get("RELAY_HUB_CLI", os.path.join(ROOT, "dist", "cli", "relay-hub.cjs"))
NODE = os.environ.get("RELAY_HUB_NODE", "node")


class Hub:
    """One hub process; `kill9()` and `restart()` keep the port and the data dir."""

    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.port = 0
        self.process = None

    def start(self):
        if not os.path.exists(CLI):
            raise RuntimeError(f"no hub at {CLI}: build it (npm run build) or set RELAY_HUB_CLI")
        args = [NODE, CLI, "--host", "127.0.0.1", "--port", str(self.port), "--heartbeat-ms", "0",
                "--register-rate", "0"]
        env = {**os.environ, "RELAY_HUB_DATA_DIR": self.data_dir}
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
        out = ""
        deadline = time.monotonic() + 30
        while "Register a device" not in out:
            line = self.process.stdout.readline()
            if not line or time.monotonic() > deadline:
                raise RuntimeError(f"the hub did not start: {out}")
            out += line
        self.port = int(re.search(r"listening on .*:(\d+)", out).group(1))
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def restart(self):
        return self.start()

    def publish(self, topic, message, user_id=None):
        """POST /publish; returns the hub's answer."""
        import json

        body = {"topic": topic, "message": message} if user_id is None else {"topic": topic, "message": message,
                                                                            "user_id": user_id}
        request = urllib.request.Request(f"{self.url}/publish", data=json.dumps(body).encode(),
                                         headers={"content-type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def request(self, method, path):
        request = urllib.request.Request(f"{self.url}{path}", method=method)
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def hub(tmp_path):
    started = Hub(str(tmp_path)).start()
    yield started
    started.stop()
