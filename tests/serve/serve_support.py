"""Starting and stopping a real `zonesim serve` on loopback for the tests (bounded in time)."""
import http.client
import json
import os
import re
import resource
import subprocess
import tempfile
import time

ZONESIM = os.environ.get("ZONESIM", "zonesim")
SOURCE = os.environ.get("ZONESIM_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
SCENARIOS = os.path.join(SOURCE, "scenarios")


class Server:
    """`zonesim serve --port 0` in its own process; the port is read from its first line."""

    def __init__(self, *extra, scenarios=SCENARIOS, output=None, stack_bytes=None):
        """stack_bytes: the server's stack size limit (RLIMIT_STACK; also its threads' default)."""
        self.tmp = tempfile.TemporaryDirectory(prefix="zonesim-serve-")
        self.output = output or os.path.join(self.tmp.name, "out")
        self.log = open(os.path.join(self.tmp.name, "server.log"), "w+")
        limit_stack = None
        if stack_bytes:
            def limit_stack():
                resource.setrlimit(resource.RLIMIT_STACK, (stack_bytes, resource.getrlimit(resource.RLIMIT_STACK)[1]))
        self.proc = subprocess.Popen(
            [ZONESIM, "serve", "--port", "0", "--scenarios", scenarios, "--output", self.output, *extra],
            stdout=subprocess.PIPE, stderr=self.log, text=True, cwd=SOURCE, preexec_fn=limit_stack)
        deadline = time.time() + 20
        line = ""
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if line or self.proc.poll() is not None:
                break
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.stop()
            raise RuntimeError("zonesim serve did not start: " + line + self.server_log())
        self.port = int(m.group(1))
        # Ready when /api/health answers.
        while time.time() < deadline:
            try:
                if self.get("/api/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("zonesim serve did not answer /api/health")

    def server_log(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def alive(self):
        return self.proc.poll() is None

    def request(self, method, path, body=None, headers=None, timeout=120):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            h = {"Host": "127.0.0.1:%d" % self.port}
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode()
                h["Content-Type"] = "application/json"
            h.update(headers or {})
            conn.request(method, path, body=body, headers=h)
            res = conn.getresponse()
            data = res.read()
            return res.status, data, dict(res.getheaders())
        finally:
            conn.close()

    def get(self, path, **kw):
        status, data, _ = self.request("GET", path, **kw)
        return status, data

    def get_json(self, path):
        status, data = self.get(path)
        return status, json.loads(data)

    def post_json(self, path, payload, **kw):
        status, data, headers = self.request("POST", path, body=payload, **kw)
        return status, json.loads(data) if data else None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.log.close()
        self.tmp.cleanup()


def fmt(v):
    """Numbers as `zonesim run` prints them (engine/targets.cpp)."""
    a = abs(v)
    if a >= 1000:
        return "%.0f" % v
    if a >= 100:
        return "%.1f" % v
    if a >= 1:
        return "%.2f" % v
    return "%.3f" % v


def cli_table(scenario, overrides, replications, seed, cwd=SOURCE):
    """The target table `zonesim run` prints: {target id: (mean text, P(met) text)} and the text."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [ZONESIM, "run", scenario, "-o", os.path.join(tmp, "x.h5"), "-r", str(replications),
               "--seed", str(seed), "--quiet"]
        for k, v in overrides.items():
            cmd += ["--set", "%s=%s" % (k, v)]
        out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            raise RuntimeError(out.stderr)
    text = out.stdout
    rows = {}
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("target "))
    for line in lines[start + 2:]:
        if not line.strip() or line.startswith("  "):
            break
        cells = re.split(r"\s{2,}", line.strip())
        # target, year, goal, mean, 5%, 95%, P(met)
        rows[cells[0]] = {"mean": cells[3], "p05": cells[4], "p95": cells[5], "prob": cells[6]}
    return rows, text
