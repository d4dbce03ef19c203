"""A bounded loopback load on the DramaScope API: latency percentiles and errors.

    python benchmarks/api_load.py --url http://127.0.0.1:8765/api/rankings --seconds 30 --clients 4

Each client sends GET requests one after another (a closed loop, the way dashboard users do) until
``--seconds`` pass, ``--requests`` have been sent, or the process receives SIGTERM (``bench_update.py``
stops it when the update ends); then it prints one JSON line with the count, errors, p50/p95/p99/max
in milliseconds and the generations of the workspace the answers came from. Only loopback addresses
are accepted: this is a measuring tool, not a load generator for other hosts.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def run_load(urls: list[str], seconds: float, clients: int, max_requests: int, stop: threading.Event) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    sent = [0]

    def client(k: int) -> None:
        i = k
        while not stop.is_set() and time.monotonic() < deadline:
            with lock:
                if sent[0] >= max_requests:
                    return
                sent[0] += 1
            url = urls[i % len(urls)]
            i += clients
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    response.read()
                    ok = response.status == 200
            except (urllib.error.URLError, OSError) as exc:
                ok = False
                with lock:
                    errors.append(str(exc)[:200])
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                if ok:
                    latencies.append(elapsed)
                elif len(errors) < 1000:
                    errors.append(f"status other than 200 from {url}")

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lat = np.array(latencies) if latencies else np.array([np.nan])
    return {"requests": len(latencies) + len(errors), "ok": len(latencies), "errors": len(errors),
            "first_errors": errors[:3], "seconds": round(time.monotonic() - started, 1),
            "p50_ms": round(float(np.nanpercentile(lat, 50)), 1), "p95_ms": round(float(np.nanpercentile(lat, 95)), 1),
            "p99_ms": round(float(np.nanpercentile(lat, 99)), 1), "max_ms": round(float(np.nanmax(lat)), 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", action="append", required=True, help="URL to GET (repeatable; round-robin)")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--requests", type=int, default=200_000, help="upper bound on requests sent")
    args = ap.parse_args()
    for url in args.url:
        host = urllib.parse.urlsplit(url).hostname
        if host not in LOOPBACK:
            raise SystemExit(f"{url}: only loopback addresses ({', '.join(LOOPBACK)}) may be loaded")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    result = run_load(args.url, args.seconds, args.clients, args.requests, stop)
    print("LOAD " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
