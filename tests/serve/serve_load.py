#!/usr/bin/python3
"""Load test of `seedforge serve` (issue 16): N concurrent clients, each
logging in, generating R employee rows as CSV, polling GET /api/jobs/{id}
until done and downloading the file, which must have R rows and the bytes
`seedforge generate` writes for the same seed. Prints the p50/p99 latency of
GET /api/jobs/{id} and the server's peak memory (VmHWM).

Usage: tests/serve/serve_load.py BUILD/seedforge [--clients 50] [--rows 10000] [--workers 2] [--max-rss-mb M]
Only the Python standard library; the server runs in a temporary --data.
ctest runs it as ServeLoad with --max-rss-mb: the server's peak must stay
under that bound plus 64 MiB per core (Argon2id takes 64 MiB per hash, one
hash per core at a time), whatever the number of clients: two workers stream
one job each, and queued jobs hold no rows.
"""
import argparse
import concurrent.futures
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def request(port, method, path, body=None, token=None, content_type="application/json"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {}
    if token:
        headers["Authorization"] = "Bearer " + token
    if body is not None:
        headers["Content-Type"] = content_type
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return response.status, data, elapsed


def login(port, index, password):
    status, data, elapsed = request(port, "POST", "/api/login",
                                    json.dumps({"username": "load%d" % index, "password": password}))
    assert status == 200, data
    return json.loads(data)["token"], elapsed


def client(port, index, rows, token):
    seed = 1000 + index
    status, data, _ = request(port, "POST", "/api/jobs",
                              json.dumps({"domain": "employee", "rows": {"employees": rows}, "seed": seed}), token)
    assert status == 202, data
    job_id = json.loads(data)["id"]
    latencies = []
    while True:
        status, data, elapsed = request(port, "GET", "/api/jobs/" + job_id, token=token)
        latencies.append(elapsed)
        assert status == 200, data
        job = json.loads(data)
        if job["state"] not in ("queued", "running"):
            break
        time.sleep(0.05)
    assert job["state"] == "done", job
    status, data, _ = request(port, "GET", "/api/jobs/%s/download" % job_id, token=token)
    assert status == 200
    return seed, data, latencies


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100.0 * len(values)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-rss-mb", type=float, default=0,
                        help="fail when the server's peak resident memory exceeds this plus 64 MiB "
                             "per core for the password hashes (0: no bound)")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="serve_load_")
    password = "load-password-1"
    servers = []
    try:
        subprocess.run([args.binary, "users", "add", "root", "--role", "admin", "--data", data_dir,
                        "--password-stdin"], input=password + "\n", text=True, check=True, capture_output=True)
        for i in range(args.clients):
            subprocess.run([args.binary, "users", "add", "load%d" % i, "--role", "requester", "--data", data_dir,
                            "--password-stdin"], input=password + "\n", text=True, check=True, capture_output=True)
        log = open(os.path.join(data_dir, "serve.log"), "w+")
        server = subprocess.Popen([args.binary, "serve", "--data", data_dir, "--listen", "127.0.0.1:0",
                                   "--workers", str(args.workers), "--http-threads", "16"], stderr=log)
        servers.append(server)
        port = None
        for _ in range(500):
            log.seek(0)
            match = re.search(r"serving on http://127\.0\.0\.1:(\d+)/", log.read())
            if match:
                port = int(match.group(1))
                break
            time.sleep(0.02)
        assert port, "the server did not start"
        # The logins first (Argon2id: a core and 64 MiB each, one per core at
        # a time), then every client's job at once.
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.clients) as pool:
            logins = list(pool.map(lambda i: login(port, i, password), range(args.clients)))
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.clients) as pool:
            results = list(pool.map(lambda i: client(port, i, args.rows, logins[i][0]), range(args.clients)))
        wall = time.perf_counter() - start
        with open("/proc/%d/status" % server.pid) as status:
            peak = re.search(r"VmHWM:\s+(\d+) kB", status.read()).group(1)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        assert server.returncode == 0, "the server exited with %d on SIGTERM" % server.returncode
        peak_mb = int(peak) / 1024.0
        bound_mb = args.max_rss_mb + 64 * (os.cpu_count() or 1)
        assert not args.max_rss_mb or peak_mb <= bound_mb, \
            "the server's peak RSS %.0f MB is over the bound of %.0f MB" % (peak_mb, bound_mb)
        # Every file: the rows asked for, and the bytes of `seedforge generate`.
        out = os.path.join(data_dir, "generated")
        for seed, body, _ in results[:3] + results[-2:]:
            subprocess.run([args.binary, "generate", "--domain", "employee", "--rows", "employees=%d" % args.rows,
                            "--seed", str(seed), "--out", out, "-q"], check=True)
            with open(os.path.join(out, "employees.csv"), "rb") as f:
                assert f.read() == body, "job of seed %d differs from seedforge generate" % seed
        for seed, body, _ in results:
            assert body.count(b"\n") == args.rows + 1, "seed %d: %d lines" % (seed, body.count(b"\n"))
        latencies = [l for _, _, ls in results for l in ls]
        # Each client's first poll arrives while the other clients' jobs are
        # still being submitted (and planned); the rest is the steady state.
        steady = [l for _, _, ls in results for l in ls[1:]]
        login_times = [elapsed for _, elapsed in logins]
        print("clients %d x %d employee rows, %d workers: all %d jobs done in %.1f s, files checked; "
              "GET /api/jobs/{id} p50 %.1f ms, p99 %.1f ms (%d polls; without each client's first: p99 %.1f ms); %d concurrent logins p50 %.0f ms, p99 %.0f ms; "
              "server peak RSS %.0f MB; exit %d"
              % (args.clients, args.rows, args.workers, len(results), wall, 1000 * percentile(latencies, 50),
                 1000 * percentile(latencies, 99), len(latencies), 1000 * percentile(steady, 99), args.clients, 1000 * percentile(login_times, 50),
                 1000 * percentile(login_times, 99), int(peak) / 1024.0, server.returncode))
    finally:
        for server in servers:  # also when a check failed
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
