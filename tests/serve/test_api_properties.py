"""Property test of the API: mutated requests to every route keep the server's promises.

For every route, a fixed set of mutations (wrong methods, malformed, huge and nested JSON, wrong
types, unknown fields, misspelt zones and levers, bad units, path traversal names, malformed
HTTP) is sent to a real `zonesim serve` on loopback. Every one must get a complete answer: a 4xx
with a JSON body {"error": "<message>", ...} (or, for the few mutations that may still be a valid
request, a 200), never a 5xx, never a dropped connection; the server must still answer
afterwards. The mutations come from a fixed seed, so every run sends the same requests (a few
hundred, a few seconds in all).
"""
import http.client
import json
import random
import socket
import time
import unittest

from serve_support import Server

SEED = 20261202
SCENARIO = "qingyuan-hightech-2025"  # one zone, "qingyuan"
BASE_RUN = {"scenario": "demo", "overrides": {"levers.rd_subsidy_rate": "30 %", "levers.land_quota_mu": "1200 mu"},
            "replications": 2, "seed": 1}
TRAVERSAL = ["..", "../demo", "..%2Fdemo", "%2e%2e", "%2e%2e%2fREADME", "demo%00", "demo%2F..%2F..%2Fetc",
             "/etc/passwd", ".hidden", "demo.yaml", "a" * 300, "%ff%fe", "%", "%zz", "demo%20x", "%E4%BA%BF"]
WRONG_TYPES = [5, -1, 1.5, 1e400, True, False, None, "", "x", [], [1, "a"], {}, {"a": 1}, "9" * 30]


def js(value):
    """JSON text; 1e400 is written as a number (Python writes it as Infinity)."""
    return json.dumps(value).replace("Infinity", "1e400")


class ApiProperties(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # A 1 MiB stack: a parse that recurses with the nesting of a body crashes in any build.
        cls.server = Server("--quiet", "--max-replications", "50", stack_bytes=1 << 20)
        status, body = cls.server.post_json("/api/run", BASE_RUN)
        if status != 200:
            cls.server.stop()
            raise RuntimeError("the base run failed: %s" % body)
        cls.run_id = body["run"]["id"]
        cls.checked = 0

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def tearDown(self):
        self.assertTrue(self.server.alive(), "the server exited:\n" + self.server.server_log())
        self.assertEqual(self.server.get("/api/health")[0], 200, "the server no longer answers")

    # ---- the promise -----------------------------------------------------------------------

    def answer(self, method, path, body=None, headers=None):
        """Sends one request on a fresh connection; a dropped connection fails the test."""
        h = {"Content-Type": "application/json"} if body is not None else {}
        h.update(headers or {})
        if isinstance(body, str):
            body = body.encode()
        try:
            status, data, _ = self.server.request(method, path, body=body, headers=h, timeout=60)
        except (http.client.HTTPException, OSError) as e:
            self.fail("%s %s %r: no answer (%s: %s)\n%s" % (method, path[:100], (body or b"")[:200],
                                                             type(e).__name__, e, self.server.server_log()[-2000:]))
        self.assertTrue(self.server.alive(), "the server died on %s %s %r" % (method, path[:100], (body or b"")[:200]))
        type(self).checked += 1
        return status, data

    def refused(self, method, path, body=None, headers=None, may_succeed=False, statuses=None):
        """The request gets a 4xx with a JSON error message (or a 200 when it may be valid)."""
        status, data = self.answer(method, path, body, headers)
        what = "%s %s %r -> %d %r" % (method, path[:100], (body or "")[:300], status, data[:300])
        if may_succeed and status == 200:
            return status, None
        self.assertTrue(400 <= status <= 499, what)
        if statuses:
            self.assertIn(status, statuses, what)
        if method == "HEAD":
            return status, None
        try:
            error = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            self.fail("the answer is not UTF-8 JSON (%s): %s" % (e, what))
        self.assertIsInstance(error, dict, what)
        self.assertIsInstance(error.get("error"), str, what)
        self.assertTrue(error["error"].strip(), what)
        for d in error.get("diagnostics", []):
            self.assertTrue(d["message"].strip(), what)
        return status, error

    def run_request(self, payload, **kw):
        body = payload if isinstance(payload, str) else js(payload)
        return self.refused("POST", "/api/run", body, **kw)

    # ---- every route: methods and names ------------------------------------------------------

    def routes(self):
        return ["/api/health", "/api/levers", "/api/scenarios", "/api/scenarios/demo", "/api/runs/" + self.run_id,
                "/api/runs/%s/output.h5" % self.run_id, "/api/runs/%s/report.html?lang=en" % self.run_id, "/",
                "/index.html"]

    def test_wrong_methods(self):
        for path in self.routes():
            for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"):
                self.refused(method, path, body="{}" if method in ("POST", "PUT", "PATCH") else None,
                             statuses=(405,))
        for method in ("GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"):
            self.refused(method, "/api/run", statuses=(405,))

    def test_path_traversal_and_unknown_names(self):
        for name in TRAVERSAL:
            for path in ("/api/scenarios/" + name, "/api/runs/" + name, "/api/runs/%s/output.h5" % name,
                         "/api/runs/%s/report.html" % name, "/api/runs/%s/%s" % (self.run_id, name), "/" + name,
                         "/api/" + name):
                status, error = self.refused("GET", path, statuses=(400, 404))
            self.run_request({"scenario": name.replace("%2F", "/").replace("%2e", ".")}, statuses=(400, 404))
        for path in ("/api/runs/%s/report.html?lang=fr" % self.run_id, "/api/runs/%s/report.html?lang=%%ZZ" % self.run_id,
                     "/api/scenarios/demo/levers", "/api/runs/%s/output.h5/x" % self.run_id, "/api", "/api/",
                     "/api/scenarios/no-such-scenario", "/api/runs/no-such-run", "/api/runs/demo-1-abcdef/output.h5"):
            self.refused("GET", path, statuses=(400, 404))
        self.assertNotIn("root:", self.server.get("/api/scenarios/..%2F..%2F..%2Fetc%2Fpasswd")[1].decode(errors="replace"))

    # ---- POST /api/run: bodies --------------------------------------------------------------

    def test_malformed_json(self):
        rng = random.Random(SEED)
        text = js(BASE_RUN)
        for cut in sorted(rng.sample(range(1, len(text) - 1), 25)):  # truncated
            self.run_request(text[:cut], statuses=(400,))
        for junk in ("", " ", "{", "}", "[", "nul", "{'scenario': 'demo'}", '{"scenario": "demo",}',
                     '{"scenario" "demo"}', '{"scenario": "demo"} {}', '{"scenario": "de\\xmo"}',
                     '{"scenario": "\\ud800"}', '{"scenario": "demo\x01"}', "\xef\xbb\xbf{}", '{"a":1e99999}'):
            self.run_request(junk, statuses=(400, 404))
        # Bytes flipped at random (a flip may leave a valid request: then it runs, 2 replications).
        for _ in range(60):
            b = bytearray(text.encode())
            for _ in range(rng.randint(1, 4)):
                b[rng.randrange(len(b))] = rng.choice(b'{}[]",:\\0 \x00\xff\xe4a.%')
            self.refused("POST", "/api/run", bytes(b), may_succeed=True)
        # Not UTF-8.
        self.refused("POST", "/api/run", b'{"scenario": "d\xffmo"}', statuses=(400,))

    def test_huge_and_nested_json(self):
        limit = 64 * 1024
        self.refused("POST", "/api/run", b"[" * (limit + 1), statuses=(413,))
        self.run_request({"scenario": "demo", "overrides": {"levers.rd_subsidy_rate": "1" * (limit + 10)}}, statuses=(413,))
        self.run_request({"scenario": "demo", "overrides": {"levers.rd_subsidy_rate": "1" * 60000}}, statuses=(400,))
        self.run_request({"scenario": "demo", "overrides": {"levers.k%d" % i: "1" for i in range(400)}}, statuses=(400,))
        self.run_request({"scenario": "d" * 60000}, statuses=(400,))
        for depth in (17, 100, 1000, 30000, 60000):
            for open_, close in (("[", "]"), ("{", "}"), ('{"a":', "}"), ('[{"a":', "}]")):
                n = depth if len(open_) == 1 else depth // len(open_)
                body = open_ * n + close * n
                if len(body) > limit:
                    body = open_ * n  # unclosed: still under the limit, still nested
                if len(body) > limit:
                    continue
                self.refused("POST", "/api/run", body, statuses=(400,))
            inner = "[" * depth
            if len(inner) < limit - 100:
                self.run_request('{"scenario": "demo", "overrides": {"levers.rd_subsidy_rate": %s}}' % inner,
                                 statuses=(400,))
        # Nested strings do not count.
        self.run_request({"scenario": "demo", "overrides": {"levers.rd_subsidy_rate": "[" * 1000}}, statuses=(400,))

    def test_wrong_types_and_unknown_fields(self):
        # Of WRONG_TYPES, these are right for the field (an empty overrides object: the baseline).
        right = {"overrides": [{}], "replications": [5], "seed": [5]}
        for field in ("scenario", "overrides", "replications", "seed"):
            for value in WRONG_TYPES:
                if any(type(value) is type(r) and value == r for r in right.get(field, [])):
                    continue
                self.run_request(dict(BASE_RUN, **{field: value}), statuses=(400, 404))
        for value in WRONG_TYPES:
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                continue  # strings and numbers are how values are written
            self.run_request(dict(BASE_RUN, overrides={"levers.rd_subsidy_rate": value}),
                             may_succeed=value in (True, False, None))
        for field in ("scenaro", "Scenario", "extends", "", "overides", "replication", "seeds", "threads", "output"):
            status, error = self.run_request(dict(BASE_RUN, **{field: "demo"}), statuses=(400,))
            self.assertEqual(error["diagnostics"][0]["key_path"], field)
        status, error = self.run_request('{"scenario": "demo", "scenario": "demo-sweep"}', statuses=(400,))
        for payload in ([BASE_RUN], "demo", 5, None):
            self.run_request(payload, statuses=(400,))
        self.run_request(dict(BASE_RUN, replications=51), statuses=(400,))  # --max-replications 50
        for headers in ({"Content-Type": "text/plain"}, {"Content-Type": "application/x-www-form-urlencoded"},
                        {"Content-Type": ""}):
            self.refused("POST", "/api/run", js(BASE_RUN), headers=headers, statuses=(415,))

    def test_misspelt_and_forbidden_override_keys(self):
        for key in ("levers.rd_subsidy_rat", "levers.RD_subsidy_rate", "lever.rd_subsidy_rate", "parameters.wage_reseacher",
                    "zones.north.levers.land_quota_muu", "zones.nort.levers.land_quota_mu", "zones.qinyuan.levers.x",
                    "zones.all.levers.land_quota_mu", "zones..levers.land_quota_mu", "levers", "levers.", ".levers.x",
                    "zones.north.base_firms", "zones.north", "extends", "replications", "seed", "end_year",
                    "targets.output.value", "sectors.electronics.rd_propensity", "levers.land_quota_mu.x",
                    "zones.north=.levers.x", "levers.rd_subsidy_rate=1", "levers.rd subsidy rate", "levers.x\n",
                    "levers.%2e%2e", "zones.../levers.x", "zones.north.levers.land_quota_mu.unit"):
            status, error = self.run_request(dict(BASE_RUN, overrides={key: "10"}), statuses=(400,))
            self.assertTrue(any(key in d["key_path"] or d["key_path"] in key for d in error["diagnostics"] if d["key_path"]),
                            (key, error))

    def test_bad_values_and_units(self):
        rng = random.Random(SEED + 1)
        status, levers = self.server.get_json("/api/levers")
        levers = [l for l in levers if l["group"] == "lever"]
        bad = ["500 kg", "abc", "1e400 mu", "-1e400", "NaN", "nan %", "inf", "-5", "10 %%", "{2021: 5, 2021.0: 6}",
               "{2019: 5}", "{2100: 5}", "{}", "[1, 2]", "{a: 1}", "1e301 亿元", "5 亿元/亩/年", "'", '"', "*a", "!!binary x", "{2021: 5", "- 1\n- 2", "1,2", "\t5", "5 mu mu", "\u00a05 mu", "٥"]
        for lever in rng.sample(levers, 12):
            for value in rng.sample(bad + ["&a 1", "1", "0", "1e9"], 10):  # some may be valid for a lever
                self.run_request(dict(BASE_RUN, overrides={"levers." + lever["key"]: value}), may_succeed=True)
        for value in bad:
            self.run_request(dict(BASE_RUN, overrides={"levers.land_quota_mu": value}), statuses=(400,))
            self.run_request(dict(BASE_RUN, overrides={"zones.north.levers.entry_rd_threshold": value}), statuses=(400,))

    def test_malformed_http(self):
        for raw in (b"GARBAGE\r\n\r\n", b"GET / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                    b"GET /\x00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                    b"POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n[[",
                    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: " + b"a" * 20000 + b"\r\n\r\n",
                    b"GET " + b"/api/scenarios/" + b"a" * 20000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"):
            with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
                s.sendall(raw)
                data = b""
                try:
                    while True:
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                        if b"\r\n\r\n" in data and b'"}' in data:
                            break
                except OSError:
                    pass
            status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0
            self.assertTrue(400 <= status <= 499, (raw[:80], data[:200]))
            self.assertIn(b'{"error":', data, raw[:80])
        # A chunked body nested deep, under the body limit.
        body = b"[" * 40000
        chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 4096]), body[i:i + 4096]) for i in range(0, len(body), 4096))
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            s.sendall(b"POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked + b"0\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        self.assertTrue(data.startswith(b"HTTP/1.1 400 "), data[:200])
        self.assertIn(b"more than 16 deep", data)


class MisspeltZone(unittest.TestCase):
    """Issue 12, defect 1, on the server's path: a misspelt zone in the overrides is an error (it
    used to add a zone with default values and run it). The check is the loader's."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--quiet")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_a_misspelt_zone_in_the_overrides_is_a_400_naming_the_zone(self):
        status, error = self.server.post_json("/api/run", {
            "scenario": SCENARIO, "overrides": {"zones.qinyuan.levers.land_quota_mu": "500 mu"}, "replications": 2})
        self.assertEqual(status, 400, "the run was accepted: the misspelt zone was added with default values"
                         if status == 200 else error)
        text = " ".join(d["message"] + " " + d["hint"] for d in error["diagnostics"])
        self.assertIn('unknown zone "qinyuan"', text)
        self.assertIn('did you mean "qingyuan"', text)
        self.assertTrue(any(d["key_path"].startswith("zones.qinyuan") for d in error["diagnostics"]), error)


if __name__ == "__main__":
    unittest.main()
