"""What an ingest did, per file: the numbers the CLI prints and the ingest log stores."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FileReport:
    """One file's outcome. Every row read is either upserted (inserted + updated + unchanged) or
    quarantined; ``quarantine_report`` is the CSV listing each quarantined row's problems."""

    path: Path
    table: str
    ingest_id: str
    format: str
    encoding: str | None
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    violations: int = 0  # one row can break several rules
    quarantine_report: Path | None = None
    unknown_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # what was decided while reading (a detected decimal comma)

    @property
    def rows_valid(self) -> int:
        return self.inserted + self.updated + self.unchanged

    @property
    def warnings(self) -> list[str]:
        out = []
        if self.unknown_columns:
            out.append(f"{self.path}: columns not in table {self.table!r} were ignored: "
                       + ", ".join(self.unknown_columns))
        out += [f"{self.path}: {note}" for note in self.notes]
        if self.quarantined:
            out.append(f"{self.path}: {self.quarantined} row(s) quarantined, see {self.quarantine_report}")
        return out


@dataclass
class IngestReport:
    table: str
    files: list[FileReport] = field(default_factory=list)

    def _sum(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    @property
    def rows_read(self) -> int:
        return self._sum("rows_read")

    @property
    def inserted(self) -> int:
        return self._sum("inserted")

    @property
    def updated(self) -> int:
        return self._sum("updated")

    @property
    def unchanged(self) -> int:
        return self._sum("unchanged")

    @property
    def quarantined(self) -> int:
        return self._sum("quarantined")

    @property
    def rows_valid(self) -> int:
        return self._sum("rows_valid")
