"""The identity of a declared method: canonical JSON of a validated spec and its SHA-256."""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel


def canonical_json(spec: BaseModel) -> str:
    """Every field with defaults filled in, keys sorted: equivalent YAML files hash the same."""
    return json.dumps(spec.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_hash(spec: BaseModel) -> str:
    """SHA-256 of :func:`canonical_json`: the method identity stored with every run."""
    return hashlib.sha256(canonical_json(spec).encode("utf-8")).hexdigest()
