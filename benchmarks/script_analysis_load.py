"""Health latency while maximum-size script analyses are posted to the same server (loopback only).

    PYTHONPATH=src python benchmarks/script_analysis_load.py WORKSPACE [--posts 4] [--seconds 40]

Serves WORKSPACE with uvicorn on a free loopback port, posts ``--posts`` analyses of a 200,000-character
script at once, and for ``--seconds`` asks ``/api/health`` every half second. Prints one JSON line: the
health latencies (p50, max; a request still waiting when the window closes counts with its wait so far)
and the analyses' status codes (200 done, 429 refused with Retry-After). Run it on the code before and
after a change to compare; it measures this machine, so compare runs on the same machine only.
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time

EPISODE = ("第{n}集\n女主：你竟敢背叛我！今天我就要让你付出代价。\n男主：我……我没有！\n"
           "她冷笑：原来是你！一直都是你在背后搞鬼。\n")


def main() -> None:
    import httpx
    import uvicorn

    from dramascope.web.app import create_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace")
    parser.add_argument("--posts", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=40.0)
    args = parser.parse_args()

    app = create_app(args.workspace)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    text = "".join(EPISODE.format(n=i) for i in range(1, 3000))[:200_000]
    codes: list[int | str] = []

    def post() -> None:
        try:
            with httpx.Client(timeout=600) as c:
                codes.append(c.post(f"{base}/api/script/analyze", json={"text": text, "compare": True}).status_code)
        except httpx.HTTPError as exc:
            codes.append(type(exc).__name__)

    latencies: list[float] = []
    with httpx.Client(timeout=120) as c:
        c.get(f"{base}/api/health")
        c.get(f"{base}/")  # warm the page cache: the measure is the load, not a cold start
        for _ in range(args.posts):
            threading.Thread(target=post, daemon=True).start()
        time.sleep(1)
        end = time.monotonic() + args.seconds
        while time.monotonic() < end:
            started = time.perf_counter()
            try:
                c.get(f"{base}/api/health", timeout=max(1.0, end - time.monotonic()))
            except httpx.TimeoutException:
                latencies.append(time.perf_counter() - started)
                break
            latencies.append(time.perf_counter() - started)
            time.sleep(0.5)
    latencies.sort()
    print(json.dumps({"health_requests": len(latencies), "health_p50_s": round(latencies[len(latencies) // 2], 3),
                      "health_max_s": round(latencies[-1], 3), "analyses": codes}))
    server.should_exit = True


if __name__ == "__main__":
    main()
