"""API tests of `zonesim serve` against the real server on loopback."""
import http.client
import json
import os
import shutil
import socket
import tempfile
import threading
import time
import unittest

from serve_support import SCENARIOS, Server, cli_table, fmt

OVERRIDES = {"levers.rd_subsidy_rate": "30 %", "levers.land_quota_mu": "1200 mu"}
REPS = 20


class ServeApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("--quiet")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def tearDown(self):
        self.assertTrue(self.server.alive(), "the server exited:\n" + self.server.server_log())

    def test_listing(self):
        status, body = self.server.get_json("/api/scenarios")
        self.assertEqual(status, 200)
        ids = {s["id"]: s for s in body["scenarios"]}
        self.assertIn("demo", ids)
        self.assertIn("qingyuan-hightech-2025", ids)
        self.assertEqual(ids["demo"]["title"]["zh"], "示例:两个小型园区(2020-2025)")
        self.assertIn("demo-sweep", body["not_scenarios"])  # a sweep file is not a scenario

    def test_levers_with_units_ranges_and_values(self):
        status, sc = self.server.get_json("/api/scenarios/demo")
        self.assertEqual(status, 200)
        levers = {l["key"]: l for l in sc["levers"]}
        rd = levers["rd_subsidy_rate"]
        self.assertEqual((rd["unit"], rd["min"], rd["max"]), ("%", 0, 100))
        self.assertEqual(rd["zh"], "研发财政补助比例")
        self.assertEqual(rd["value_text"], "{2020: 5 %, 2022: 10 %}")
        self.assertEqual(levers["land_quota_mu"]["value_text"], "800 mu")
        self.assertEqual(levers["entry_rd_threshold"]["zones"], {"south": "3 %"})
        self.assertEqual(levers["land_priority"]["choices"][0], "pro_rata")
        # Every lever of the registry, with the listing's units.
        status, listing = self.server.get_json("/api/levers")
        registry = [s["key"] for s in listing if s["group"] == "lever"]
        self.assertEqual([l["key"] for l in sc["levers"]], registry)
        self.assertEqual([t["id"] for t in sc["targets"]], ["output", "rd_intensity", "hightech_share"])

    def test_run_matches_the_command_line(self):
        status, body = self.server.post_json("/api/run", {"scenario": "demo", "overrides": OVERRIDES, "replications": REPS})
        self.assertEqual(status, 200, body)
        run, base = body["run"], body["baseline"]
        self.assertEqual(run["overrides"], OVERRIDES)
        rows, text = cli_table("scenarios/demo.yaml", OVERRIDES, REPS, run["seed"])
        self.assertIn(run["table"], text)  # the very table `zonesim run` prints
        for t in run["targets"]:
            self.assertEqual(fmt(100 * t["probability"]) + " %", rows[t["id"]]["prob"], t["id"])
            self.assertEqual(fmt(t["p05"]), rows[t["id"]]["p05"])
            self.assertEqual(len(t["fan"]["p50"]), len(run["years"]))
            self.assertLessEqual(t["fan"]["p05"][-1], t["fan"]["p95"][-1])
        # The baseline is the scenario as written, same replications and seed.
        base_rows, base_text = cli_table("scenarios/demo.yaml", {}, REPS, run["seed"])
        self.assertIn(base["table"], base_text)
        self.assertEqual(base["replications"], REPS)
        # Spending per item per year; a higher subsidy costs more.
        rd = lambda r: next(i for i in r["spending"]["items"] if i["key"] == "rd_subsidy")["total"]
        self.assertGreater(rd(run), rd(base))
        self.assertEqual(len(run["spending"]["total_per_year"]), len(run["years"]))
        # Fetch it again, and its HDF5 file.
        status, again = self.server.get_json("/api/runs/" + run["id"])
        self.assertEqual(status, 200)
        self.assertEqual(again["run"]["table"], run["table"])
        status, data = self.server.get(run["files"]["h5"])
        self.assertEqual(status, 200)
        self.assertTrue(data.startswith(b"\x89HDF"))

    def test_report(self):
        status, body = self.server.post_json("/api/run", {"scenario": "demo", "replications": 5})
        self.assertEqual(status, 200)
        status, data = self.server.get(body["run"]["files"]["report"] + "?lang=en", timeout=300)
        if status == 500 and b"zonesim report failed" in data:
            self.skipTest("the analysis package cannot make reports here: " + data.decode()[:300])
        self.assertEqual(status, 200, data[:500])
        self.assertIn(b"<html", data[:200].lower())
        self.assertEqual(self.server.get(body["run"]["files"]["report"] + "?lang=fr")[0], 400)

    def test_bad_lever_is_400_with_key_path(self):
        status, body = self.server.post_json("/api/run", {"scenario": "demo", "overrides": {
            "levers.rd_subsidy_rat": "30 %", "levers.land_quota_mu": "-5 mu"}})
        self.assertEqual(status, 400)
        by_key = {d["key_path"]: d for d in body["diagnostics"]}
        self.assertIn("rd_subsidy_rate", by_key["levers.rd_subsidy_rat"]["hint"])
        self.assertIn("levers.land_quota_mu", by_key)
        status, body = self.server.post_json("/api/run", {"scenario": "demo", "overrides": {"levers.rd_subsidy_rate": "130 %"}})
        self.assertEqual(status, 400)
        self.assertEqual(body["diagnostics"][0]["key_path"], "levers.rd_subsidy_rate")
        # Only levers and parameters may change; the run size is bounded.
        for key in ("extends", "replications", "zones.north.base_firms", "end_year"):
            status, body = self.server.post_json("/api/run", {"scenario": "demo", "overrides": {key: "1"}})
            self.assertEqual(status, 400, key)
            self.assertEqual(body["diagnostics"][0]["key_path"], key)
        status, body = self.server.post_json("/api/run", {"scenario": "demo", "replications": 10 ** 6})
        self.assertEqual((status, body["diagnostics"][0]["key_path"]), (400, "replications"))
        status, body = self.server.post_json("/api/run", {"scenario": "demo", "replicatons": 5})
        self.assertEqual(status, 400)
        self.assertIn("replications", body["diagnostics"][0]["hint"])
        status, data, _ = self.server.request("POST", "/api/run", body=b"{not json", headers={"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        status, data, _ = self.server.request("POST", "/api/run", body=b'{"scenario":"demo"}', headers={"Content-Type": "text/plain"})
        self.assertEqual(status, 415)

    def test_path_traversal_refused(self):
        for name in ("../README", "..", "../scenarios/demo", "/etc/passwd", "demo/../demo", "sub/demo"):
            status, body = self.server.post_json("/api/run", {"scenario": name})
            self.assertIn(status, (400, 404), name)
        for path in ("/api/scenarios/..%2F..%2Fetc%2Fpasswd", "/api/scenarios/%2e%2e", "/api/scenarios/../../etc/passwd",
                     "/api/runs/..%2Fdemo/output.h5", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/api/scenarios/nope"):
            status, data = self.server.get(path)
            self.assertIn(status, (400, 404), path)
            self.assertNotIn(b"root:", data)

    def test_oversize_request_refused(self):
        big = json.dumps({"scenario": "demo", "overrides": {"levers.rd_subsidy_rate": "1" * 100000}}).encode()
        status, data, _ = self.server.request("POST", "/api/run", body=big, headers={"Content-Type": "application/json"})
        self.assertEqual(status, 413)
        status, _ = self.server.get("/api/health")
        self.assertEqual(status, 200)

    def test_foreign_host_refused(self):
        status, _, _ = self.server.request("GET", "/api/scenarios", headers={"Host": "evil.example:80"})
        self.assertEqual(status, 403)

    def test_garbage_does_not_stop_the_server(self):
        for junk in (b"GARBAGE\r\n\r\n", b"GET / HTTP/1.1\r\nContent-Length: -5\r\n\r\n", b"\x00\xff" * 100, b"POST /api/run HTTP/1.1\r\n"):
            with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
                s.sendall(junk)
                s.shutdown(socket.SHUT_WR)
                try:
                    s.recv(1000)
                except OSError:
                    pass
        self.assertEqual(self.server.get("/api/health")[0], 200)


class ServeNestedJson(unittest.TestCase):
    """A server with a 1 MiB stack: request bodies must not recurse with their nesting."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--quiet", stack_bytes=1 << 20)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_deeply_nested_body_is_400_not_a_crash(self):
        # 50,000 nested `[` (48 KiB, under the body limit) overflowed the JSON parser's stack:
        # the server died with SIGSEGV and every planner lost the page. How deep a recursion the
        # default 8 MiB stack holds depends on the compiler and the build type; with 1 MiB the
        # parser without a depth limit crashes in every build (runs need far less).
        for body in (b"[" * 50000, b'{"a":' * 10000,
                     b'{"scenario": "demo", "overrides": {"levers.rd_subsidy_rate": ' + b"[" * 50000 + b"}}"):
            status, data, _ = self.server.request("POST", "/api/run", body=body,
                                                  headers={"Content-Type": "application/json"})
            self.assertEqual(status, 400, data[:300])
            error = json.loads(data)
            self.assertEqual(error["error"], "invalid request")
            self.assertEqual(error["diagnostics"][0]["message"], "the body is not JSON: arrays or objects nest more than 16 deep")
            self.assertTrue(self.server.alive(), self.server.server_log())
        self.assertEqual(self.server.get("/api/health")[0], 200)
        # Runs still work on that stack.
        status, body = self.server.post_json("/api/run", {"scenario": "demo", "replications": 5,
                                                          "overrides": {"levers.rd_subsidy_rate": "20 %"}})
        self.assertEqual(status, 200, body)


class ServeScenarioLinks(unittest.TestCase):
    """A scenarios directory with symbolic links: the listing shows only what can be run."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="zonesim-links-")
        scenarios = os.path.join(cls.tmp.name, "scenarios")
        os.mkdir(scenarios)
        shutil.copy(os.path.join(SCENARIOS, "demo.yaml"), scenarios)
        shutil.copy(os.path.join(SCENARIOS, "demo.yaml"), os.path.join(cls.tmp.name, "outside.yaml"))
        os.symlink(os.path.join(cls.tmp.name, "outside.yaml"), os.path.join(scenarios, "linked.yaml"))
        os.symlink("../outside.yaml", os.path.join(scenarios, "relative.yaml"))
        os.symlink("demo.yaml", os.path.join(scenarios, "alias.yaml"))  # inside: may be run
        cls.server = Server("--quiet", scenarios=scenarios)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    def test_links_out_of_the_directory_are_neither_listed_nor_run(self):
        status, body = self.server.get_json("/api/scenarios")
        self.assertEqual(status, 200)
        self.assertEqual([s["id"] for s in body["scenarios"]], ["alias", "demo"])
        self.assertEqual(body["not_scenarios"], [])
        for name in ("linked", "relative"):
            status, error = self.server.post_json("/api/run", {"scenario": name, "replications": 2})
            self.assertEqual(status, 400, name)
            self.assertEqual(error["diagnostics"][0]["message"], '"%s" is outside the scenarios directory' % name)
            self.assertEqual(self.server.get_json("/api/scenarios/" + name)[0], 400)
        # Everything listed can be run.
        for s in body["scenarios"]:
            status, _ = self.server.post_json("/api/run", {"scenario": s["id"], "replications": 2})
            self.assertEqual(status, 200, s["id"])


def wait_for(server, predicate, seconds):
    """Polls /api/health until predicate(health) holds; returns (health, elapsed seconds)."""
    t0 = time.time()
    while True:
        health = server.get_json("/api/health")[1]
        if predicate(health) or time.time() - t0 > seconds:
            return health, time.time() - t0
        time.sleep(0.02)


def start_run(server, payload):
    """Sends a run request and returns the open connection (the client has not left)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    conn.request("POST", "/api/run", body=json.dumps(payload).encode(),
                 headers={"Content-Type": "application/json"})
    return conn


def leave(conn):
    """The client leaves: it closes its side (the server sees the end of the stream) but still
    reads, so that answer_after_leaving() can tell what the server did with the request."""
    conn.sock.shutdown(socket.SHUT_WR)


def answer_after_leaving(conn):
    """All the server sent on a connection the client left: b"" when it closed it without an
    answer (the request was accepted, then cancelled), an HTTP answer otherwise (for instance a
    429 "busy": the request never ran, so a test of its cancelling would prove nothing)."""
    conn.sock.settimeout(30)
    data = b""
    try:
        while chunk := conn.sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        pass
    conn.close()
    return data


class ServeLimits(unittest.TestCase):
    """One run at a time, no queue: concurrent runs get 429; a run or a baseline whose client leaves is
    cancelled."""

    SCENARIO, REPS = "qingyuan-hightech-2025", 2000

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--quiet", "--max-runs", "1", "--max-queue", "0", "--max-replications", "5000")
        # No sleeps that assume a speed: the tests time a whole baseline of the scenario here
        # (a run without overrides is its baseline) and compare with it.
        t0 = time.time()
        status, body = cls.server.post_json("/api/run", {"scenario": cls.SCENARIO, "replications": cls.REPS})
        cls.full_run = time.time() - t0
        if status != 200:
            cls.server.stop()
            raise RuntimeError("the baseline run failed: %s" % body)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_busy_and_cancel(self):
        # The baseline is computed (setUpClass); the run with overrides costs about as much, so
        # it is still running when the second request comes.
        scenario, reps, full_run = self.SCENARIO, self.REPS, self.full_run
        # A run with overrides whose client leaves: the server must stop it early.
        conn = start_run(self.server, {"scenario": scenario, "replications": reps,
                                       "overrides": {"levers.rd_subsidy_rate": "20 %"}})
        t1 = time.time()
        health, _ = wait_for(self.server, lambda h: h["runs_running"] == 1, 30)
        self.assertEqual(health["runs_running"], 1, "the run never started")
        # Meanwhile another run is refused: the only slot is taken.
        status, body = self.server.post_json("/api/run", {"scenario": "demo", "replications": 5,
                                                          "overrides": {"levers.rd_subsidy_rate": "21 %"}})
        self.assertEqual(status, 429, f"{time.time() - t1:.2f} s after the start of a run of {full_run:.2f} s")
        self.assertIn("busy", body["error"])
        leave(conn)
        t2 = time.time()
        health, stopped_after = wait_for(self.server, lambda h: h["runs_running"] == 0, 60)
        self.assertEqual(health["runs_running"], 0)
        self.assertLess(stopped_after, 0.5 * full_run,
                        f"the abandoned run was not cancelled (stopped after {stopped_after:.2f} s; "
                        f"the whole run takes about {full_run:.1f} s)")
        # It was that run that held the slot, and it was cancelled: no answer, not a 429.
        self.assertEqual(answer_after_leaving(conn)[:300], b"", "the run left was not the one running")
        status, body = self.server.post_json("/api/run", {"scenario": "demo", "replications": 5})
        self.assertEqual(status, 200)

    def test_abandoned_baseline_is_cancelled(self):
        # A run whose baseline is not computed yet (another seed): its client leaves while the
        # baseline computes. The server used to finish the whole baseline, refusing every other
        # run meanwhile (one slot); now it stops, and the next run is accepted.
        conn = start_run(self.server, {"scenario": self.SCENARIO, "replications": self.REPS, "seed": 424242})
        health, _ = wait_for(self.server, lambda h: h["runs_running"] == 1, 30)
        self.assertEqual(health["runs_running"], 1, "the run never started")
        leave(conn)
        health, stopped_after = wait_for(self.server, lambda h: h["runs_running"] == 0, 2 * self.full_run + 10)
        self.assertEqual(health["runs_running"], 0)
        self.assertLess(stopped_after, 0.5 * self.full_run,
                        f"the abandoned baseline was not cancelled (the server was busy {stopped_after:.2f} s "
                        f"more; the whole baseline takes about {self.full_run:.1f} s)")
        self.assertEqual(answer_after_leaving(conn)[:300], b"", "the run left was not the one running")
        status, body = self.server.post_json("/api/run", {"scenario": "demo", "replications": 5, "seed": 7})
        self.assertEqual(status, 200, body)

    def test_a_client_with_its_answer_may_run_again_at_once(self):
        # The only slot is free by the time a run's answer arrives. It used to be freed just
        # after: a planner pressing Run again at once could get 429 "busy" from a server running
        # nothing, and /api/health still counted the finished run (which made the test above
        # send its "second" run while the first was refused, and fail on loaded CI).
        for i in range(20):
            status, body = self.server.post_json("/api/run", {"scenario": "demo", "replications": 5,
                                                              "overrides": {"levers.rd_subsidy_rate": f"{10 + i} %"}})
            self.assertEqual(status, 200, f"run {i}: {body}")
            status, health = self.server.get_json("/api/health")
            self.assertEqual((health["runs_running"], health["runs_queued"]), (0, 0), f"after run {i}")


class ServeSharedBaseline(unittest.TestCase):
    """A baseline wanted by two requests goes on when one client leaves; stops when both have."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--quiet", "--max-runs", "2", "--max-queue", "0", "--max-replications", "5000")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def run_pair(self, seed):
        payload = {"scenario": "qingyuan-hightech-2025", "replications": 1000, "seed": seed}
        first = start_run(self.server, payload)
        health, _ = wait_for(self.server, lambda h: h["runs_running"] == 1, 30)
        self.assertEqual(health["runs_running"], 1, "the first run never started")
        second = start_run(self.server, payload)  # waits for the same baseline
        health, _ = wait_for(self.server, lambda h: h["runs_running"] == 2, 30)
        self.assertEqual(health["runs_running"], 2, "the second run never started")
        return first, second

    def test_a_shared_baseline_goes_on_while_one_request_waits_and_stops_when_all_left(self):
        # The client of the request computing the baseline leaves; the other request still
        # gets its answer (timed: the length of a whole baseline).
        t0 = time.time()
        first, second = self.run_pair(1111)
        leave(first)
        res = second.getresponse()
        body = json.loads(res.read())
        second.close()
        whole_baseline = time.time() - t0
        self.assertEqual(res.status, 200, body)
        self.assertEqual((body["run"]["seed"], body["run"]["replications"]), (1111, 1000))
        self.assertEqual(answer_after_leaving(first)[:300], b"")  # nobody to answer
        health, _ = wait_for(self.server, lambda h: h["runs_running"] == 0, 30)
        self.assertEqual(health["runs_running"], 0)
        # Both leave: the baseline stops well before a whole baseline's time.
        first, second = self.run_pair(2222)
        leave(second)
        leave(first)
        health, stopped_after = wait_for(self.server, lambda h: h["runs_running"] == 0, 2 * whole_baseline + 10)
        self.assertEqual(health["runs_running"], 0)
        self.assertLess(stopped_after, 0.5 * whole_baseline,
                        f"the abandoned baseline went on {stopped_after:.2f} s (a whole one: {whole_baseline:.1f} s)")
        self.assertEqual((answer_after_leaving(first)[:300], answer_after_leaving(second)[:300]), (b"", b""))
        # Nothing of it is kept: the same run computes the baseline afresh, and answers.
        status, body = self.server.post_json("/api/run", {"scenario": "qingyuan-hightech-2025",
                                                          "replications": 20, "seed": 2222})
        self.assertEqual(status, 200, body)

if __name__ == "__main__":
    unittest.main()
