"""Workspace settings, stored in ``dramascope.toml`` inside the workspace folder."""

from __future__ import annotations

import os
import secrets
import stat
import tomllib
from pathlib import Path
from typing import Literal

import tomli_w
from pydantic import BaseModel, Field, field_validator

from dramascope.schema import DEFAULT_TIMEZONE

SETTINGS_FILE = "dramascope.toml"
# The file holds the API token: readable and writable by its owner only.
SETTINGS_MODE = 0o600


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
    timezone: str = Field(default=DEFAULT_TIMEZONE,
                          description="IANA zone of times written without one; times are stored as its wall clock")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r}; use an IANA name such as Asia/Shanghai or UTC") from None
        return name
    synthetic: bool = Field(default=False, description="The data were made by `dramascope demo`: pages, reports "
                                                       "and exports say so")
    analysis_workers: int = Field(default=2, ge=1, le=64, description="Threads for script analyses (web)")
    analysis_queue: int = Field(default=4, ge=0, le=1000,
                                description="Analyses that may wait for a thread before others get 429")
    analysis_per_client: int = Field(default=2, ge=1, le=100,
                                     description="Analyses one client address may have admitted at once")

    @classmethod
    def load(cls, folder: Path) -> Settings:
        path = folder / SETTINGS_FILE
        if not path.exists():
            return cls()
        _restrict(path)
        try:
            return cls.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, ValueError) as exc:
            raise ValueError(f"{path}: invalid settings: {exc}") from exc

    def save(self, folder: Path) -> None:
        """Write the settings owner-only (they hold the token), replacing the old file atomically."""
        data = {k: v for k, v in self.model_dump().items() if v is not None}
        target = folder / SETTINGS_FILE
        tmp = target.with_name(f".{SETTINGS_FILE}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, SETTINGS_MODE)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(tomli_w.dumps(data))
            os.chmod(tmp, SETTINGS_MODE)  # the umask cannot widen it, but an existing tmp file kept its mode
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def _restrict(path: Path) -> None:
    """Settings files written by older versions were world-readable: make them owner-only where we may."""
    try:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, SETTINGS_MODE)
    except OSError:  # a file we do not own, or a read-only file system: reading still works
        pass
