"""The heavy pool: script analyses never stall the server. Admission is bounded (per client and overall)
with 429 + Retry-After, and under a loopback load of analyses /api/health and pages still answer quickly."""

from __future__ import annotations

import asyncio
import threading
import time
from types import SimpleNamespace

import pytest
from fastapi import HTTPException
from tests.web.live_server import serving

from dramascope.web.heavy import HeavyPool


def _request(host: str):
    return SimpleNamespace(client=SimpleNamespace(host=host))


def test_one_client_gets_at_most_its_share_and_then_429_with_retry_after():
    pool = HeavyPool(workers=1, queue=5, per_client=2)
    with pool.slot(_request("a")), pool.slot(_request("a")):
        with pytest.raises(HTTPException) as refused:
            with pool.slot(_request("a")):
                pass
        assert refused.value.status_code == 429 and int(refused.value.headers["Retry-After"]) >= 1
        with pool.slot(_request("b")):  # another client still gets in
            assert pool.admitted == 3
    assert pool.admitted == 0
    with pool.slot(_request("a")):  # released slots are usable again
        pass


def test_the_pool_admits_workers_plus_queue_then_refuses_everyone():
    pool = HeavyPool(workers=2, queue=1, per_client=5)
    with pool.slot(_request("a")), pool.slot(_request("b")), pool.slot(_request("c")):
        for host in ("a", "d"):
            with pytest.raises(HTTPException) as refused:
                with pool.slot(_request(host)):
                    pass
            assert refused.value.status_code == 429 and "busy" in refused.value.detail
    assert pool.admitted == 0


def test_retry_after_follows_measured_durations_and_the_queue():
    pool = HeavyPool(workers=1, queue=3, per_client=4)
    for _ in range(20):
        asyncio.run(pool.run(time.sleep, 0.01))
    assert pool.retry_after() == 1  # jobs of ~10 ms: retry in a second
    pool._mean_seconds = 4.0
    with pool.slot(_request("a")), pool.slot(_request("a")), pool.slot(_request("a")):
        assert pool.retry_after() == 12  # three jobs ahead, one worker, 4 s each


def test_a_slot_is_released_when_the_job_fails():
    pool = HeavyPool(workers=1, queue=0, per_client=1)
    with pytest.raises(ZeroDivisionError):
        with pool.slot(_request("a")):
            asyncio.run(pool.run(lambda: 1 / 0))
    assert pool.admitted == 0


@pytest.fixture
def live_server(published_market):
    """The app under uvicorn on a loopback port, with a small pool (1 worker, 1 waiting, 1 per client)."""
    from dramascope.web.app import create_app

    settings = published_market.settings
    old = (settings.analysis_workers, settings.analysis_queue, settings.analysis_per_client)
    settings.analysis_workers, settings.analysis_queue, settings.analysis_per_client = 1, 1, 1
    try:
        app = create_app(workspace=published_market)
    finally:
        settings.analysis_workers, settings.analysis_queue, settings.analysis_per_client = old
    with serving(app, start_timeout=20) as base:
        yield base, app
    app.state.heavy.shutdown()


@pytest.mark.slow
def test_health_and_pages_stay_responsive_while_analyses_run(live_server):
    import httpx

    base, app = live_server
    episode = "第{n}集\n女主：你竟敢背叛我！今天我就要让你付出代价。\n男主：我……我没有！\n她冷笑：原来是你！\n"
    script = "".join(episode.format(n=i) for i in range(1, 400))  # about 20k characters: seconds of work
    results: list[httpx.Response] = []

    def analyse():
        with httpx.Client(timeout=300) as c:
            results.append(c.post(f"{base}/api/script/analyze", json={"text": script, "compare": True}))

    with httpx.Client(timeout=30) as c:
        for path in ("/api/health", "/", "/rankings"):  # warm: the first page fills the app's cache
            assert c.get(f"{base}{path}").status_code == 200
        workers = [threading.Thread(target=analyse) for _ in range(4)]
        for w in workers:
            w.start()
        deadline = time.monotonic() + 5
        while app.state.heavy.admitted == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert app.state.heavy.admitted >= 1  # the load is on
        latencies = []
        for path in ("/api/health", "/", "/api/health", "/rankings", "/api/health"):
            started = time.perf_counter()
            r = c.get(f"{base}{path}")
            latencies.append((path, round(time.perf_counter() - started, 3), app.state.heavy.admitted))
            assert r.status_code == 200, (path, r.text[:200])
        busy_during_checks = latencies[0][2] >= 1
        for w in workers:
            w.join(timeout=300)
    codes = sorted(r.status_code for r in results)
    # One client, one slot: the first analysis runs, the others are refused at once with Retry-After.
    assert codes.count(200) >= 1 and codes.count(429) >= 1 and set(codes) <= {200, 429}, codes
    assert all(int(r.headers["Retry-After"]) >= 1 for r in results if r.status_code == 429)
    assert busy_during_checks, ("the analysis ended before the checks: make the script longer", latencies)
    # Tens of seconds when analyses held the workspace lock.
    assert max(seconds for _, seconds, _ in latencies) < 3.0, latencies
