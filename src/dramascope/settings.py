"""Workspace settings, stored in ``dramascope.toml`` inside the workspace folder."""

from __future__ import annotations

import secrets
import tomllib
from pathlib import Path
from typing import Literal

import tomli_w
from pydantic import BaseModel, Field

SETTINGS_FILE = "dramascope.toml"


class Settings(BaseModel):
    """What a workspace remembers between runs. Unknown keys are kept so newer versions round-trip."""

    model_config = {"extra": "allow"}

    engine: Literal["duckdb", "spark"] = "duckdb"
    spark_master: str = "local[2]"
    threads: int | None = Field(default=None, description="DuckDB threads; default all cores")
    api_token: str = Field(default_factory=lambda: secrets.token_urlsafe(24),
                           description="Token required by API calls that write")
    max_upload_bytes: int = 50 * 1024 * 1024
    batch_rows: int = 100_000
    timezone: str = Field(default="Asia/Shanghai", description="IANA zone the pages and reports write times in")

    @classmethod
    def load(cls, folder: Path) -> "Settings":
        path = folder / SETTINGS_FILE
        if not path.exists():
            return cls()
        try:
            return cls.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, ValueError) as exc:
            raise ValueError(f"{path}: invalid settings: {exc}") from exc

    def save(self, folder: Path) -> None:
        data = {k: v for k, v in self.model_dump().items() if v is not None}
        (folder / SETTINGS_FILE).write_text(tomli_w.dumps(data), encoding="utf-8")
