"""Index specs for test markets whose signals skip the synopsis embeddings (``semantic=False``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SKIPPED_WITHOUT_EMBEDDINGS = ("semantic_novelty",)


def default_spec_without_embeddings(folder: Path) -> Path:
    """The shipped default spec minus the indicators that need synopsis embeddings, written to ``folder``.

    An index run refuses a spec naming an indicator the signals lack, so a market computed with
    ``semantic=False`` runs under this spec; everything else (weights, methods, names) is the default's.
    """
    text = resources.files("dramascope.data").joinpath("specs", "default.yaml").read_text("utf-8")
    kept = [line for line in text.splitlines()
            if not any(line.strip().startswith(f"- {{code: {code},") for code in SKIPPED_WITHOUT_EMBEDDINGS)]
    assert len(kept) == len(text.splitlines()) - len(SKIPPED_WITHOUT_EMBEDDINGS)
    path = Path(folder) / "default-without-embeddings.yaml"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path
