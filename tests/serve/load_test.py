"""Load test of `zonesim serve`: how many planners one server holds.

A second process (this one) plays N planners at once on loopback, N = 1, 4, 16 by default. Each
planner loops like the page does: it opens the scenario's levers, changes a lever and runs
(demo scenario, 20 replications; the baseline is cached after the first run), retrying after the
server's Retry-After when it answers 429 (busy). Reports requests/s, runs/s and latencies.
Bounded in time: --seconds per level (default 5).
"""
import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time

from serve_support import Server


def percentile(values, q):
    if not values:
        return float("nan")
    v = sorted(values)
    k = (len(v) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def planner(port, stop_at, reps, stats, lock, seed):
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    local = {"runs": [], "gets": [], "busy": 0, "errors": 0}
    while time.time() < stop_at:
        try:
            t0 = time.time()
            conn.request("GET", "/api/scenarios/demo")
            r = conn.getresponse()
            r.read()
            local["gets"].append(time.time() - t0)
            if r.status != 200:
                local["errors"] += 1
            body = json.dumps({"scenario": "demo", "replications": reps,
                               "overrides": {"levers.rd_subsidy_rate": "%.1f %%" % rnd.uniform(0, 60)}})
            t0 = time.time()
            while True:  # a planner waits for the answer, retrying while the server is busy
                conn.request("POST", "/api/run", body=body, headers={"Content-Type": "application/json"})
                r = conn.getresponse()
                r.read()
                if r.status in (429, 503) and time.time() < stop_at:
                    local["busy"] += 1
                    time.sleep(float(r.getheader("Retry-After", "1")) * rnd.uniform(0.05, 0.3))
                    continue
                break
            if r.status == 200:
                local["runs"].append(time.time() - t0)
            elif r.status not in (429, 503):
                local["errors"] += 1
        except (OSError, http.client.HTTPException):
            local["errors"] += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.close()
    with lock:
        for k in ("runs", "gets"):
            stats[k] += local[k]
        stats["busy"] += local["busy"]
        stats["errors"] += local["errors"]


def level(server, clients, seconds, reps):
    stats = {"runs": [], "gets": [], "busy": 0, "errors": 0}
    lock = threading.Lock()
    start = time.time()
    stop_at = start + seconds
    threads = [threading.Thread(target=planner, args=(server.port, stop_at, reps, stats, lock, i)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 90)
    elapsed = time.time() - start
    stats["elapsed"] = elapsed
    return stats


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", default="1,4,16")
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--replications", type=int, default=20)
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()
    server = Server("--quiet")
    rows = []
    try:
        # Warm up: the baseline of this run size is computed once and cached.
        server.post_json("/api/run", {"scenario": "demo", "replications": args.replications})
        print("zonesim serve load test: demo scenario, %d replications per run, %.0f s per level, %s"
              % (args.replications, args.seconds, "max 2 runs at once + 4 queued (defaults)"))
        print("%8s %10s %8s %11s %11s %11s %11s %8s %7s" % ("planners", "requests/s", "runs/s", "run p50 s",
              "run p95 s", "GET p50 ms", "GET p95 ms", "429s", "errors"))
        for n in [int(x) for x in args.clients.split(",")]:
            s = level(server, n, args.seconds, args.replications)
            req = len(s["runs"]) + len(s["gets"]) + s["busy"]
            row = {"planners": n, "requests_per_s": req / s["elapsed"], "runs_per_s": len(s["runs"]) / s["elapsed"],
                   "run_p50_s": percentile(s["runs"], 0.5), "run_p95_s": percentile(s["runs"], 0.95),
                   "get_p50_ms": 1000 * percentile(s["gets"], 0.5), "get_p95_ms": 1000 * percentile(s["gets"], 0.95),
                   "busy_429": s["busy"], "errors": s["errors"]}
            rows.append(row)
            print("%8d %10.1f %8.2f %11.3f %11.3f %11.1f %11.1f %8d %7d" % (n, row["requests_per_s"], row["runs_per_s"],
                  row["run_p50_s"], row["run_p95_s"], row["get_p50_ms"], row["get_p95_ms"], row["busy_429"], row["errors"]))
            sys.stdout.flush()
        ok = server.alive() and server.get("/api/health")[0] == 200
    finally:
        server.stop()
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)  # a fresh build tree has none
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    failed = not ok or any(r["errors"] for r in rows) or any(r["runs_per_s"] == 0 for r in rows)
    print("server alive after the load: %s" % ok)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
