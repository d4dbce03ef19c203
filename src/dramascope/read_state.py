"""Whether a workspace's read tables (``schema.READ_TABLES``) belong to the state a reader sees.

The read tables hold what the pages would otherwise compute on their first read of each publication
(search keys, forecasting features and targets, slow page data). A writer session computes them before it
publishes (``dramascope.precompute``) and stamps them with :func:`state_fingerprint`: the row count of every
other declared table and a hash of every row of the logs each kind of write leaves (``ingest_log`` for
ingests, ``index_runs`` for index runs, ``project_events`` for project moves, ``signal_params`` for the
signals' method). A reader uses a read table only while the stamp matches the state it sees; otherwise (an
older version wrote the workspace, or a library call wrote it without computing them) the pages compute
what they need as before, so a stale read table is never shown.
"""

from __future__ import annotations

import json
import weakref
from typing import Any

import pyarrow as pa

from dramascope.engines.base import rows_hash
from dramascope.jsonsafe import json_safe
from dramascope.schema import READ_TABLES, declared_tables

WRITE_LOGS = ("ingest_log", "index_runs", "project_events", "signal_params")
"""Tables that gain or change a row on every write of their kind: hashed whole into the fingerprint."""

_FRESH: weakref.WeakKeyDictionary[Any, tuple[str | None, bool]] = weakref.WeakKeyDictionary()


def state_fingerprint(ws) -> str:
    """The row counts of every declared table but the read tables, and a sum of hashes of every row of
    :data:`WRITE_LOGS`: it changes with every ingest, signals computation, index run and project move."""
    counts = {name: ws.count(name) for name in sorted(declared_tables()) if name not in READ_TABLES}
    hashes = {}
    for name in WRITE_LOGS:
        t = ws.table(name)
        if not counts.get(name):
            continue
        hashes[name] = int(ws.engine.scalar(rows_hash(t)))
    return json.dumps({"counts": counts, "logs": hashes}, sort_keys=True)


def stamped_fingerprint(ws) -> str | None:
    if not ws.count("read_tables_stamp"):
        return None
    df = ws.engine.to_pandas(ws.table("read_tables_stamp").select("fingerprint"))
    return str(df["fingerprint"].iloc[0]) if len(df) == 1 else None


def is_fresh(ws) -> bool:
    """Whether the read tables were computed from the state ``ws`` shows. A reader's answer is kept per
    publication (a published snapshot never changes); a writer's is checked each time."""
    generation = ws.generation if ws.mode == "reader" else None
    if generation is not None and ws in _FRESH and _FRESH[ws][0] == generation:
        return _FRESH[ws][1]
    stamp = stamped_fingerprint(ws)
    fresh = stamp is not None and stamp == state_fingerprint(ws)
    if generation is not None:
        _FRESH[ws] = (generation, fresh)
    return fresh


def read_payload(ws, page: str, key: str = "") -> Any | None:
    """The stored page data of ``page`` for ``key``, or None when it is not stored for this state."""
    if not ws.count("page_payloads") or not is_fresh(ws):
        return None
    t = ws.table("page_payloads")
    df = ws.engine.to_pandas(t.filter((t.page == page) & (t.key == key)).select("payload"))
    return json.loads(df["payload"].iloc[0]) if len(df) else None


def payload_rows(page: str, items: dict[str, Any]) -> pa.Table:
    """``page_payloads`` rows for {key: page data} (stored as the JSON the API would send)."""
    return pa.table({"page": pa.array([page] * len(items), pa.string()),
                     "key": pa.array(list(items), pa.string()),
                     "payload": pa.array([json.dumps(json_safe(v, default=str), ensure_ascii=False, sort_keys=False)
                                          for v in items.values()], pa.string())})
