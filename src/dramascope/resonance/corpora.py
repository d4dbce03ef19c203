"""Readers for the labelled corpora the model is trained and measured on, and for users' own files.

Label mappings onto the base labels are declared here once (the model card and benchmarks cite them):
- NLPCC 2013/14 Weibo: same seven labels, no neutral.
- CPED (13 labels): neutral→neutral, happy/relaxed→happiness, grateful/positive-other→like,
  depress/sadness→sadness, anger→anger, disgust/negative-other→disgust, fear/worried→fear,
  astonished→surprise. The two "-other" classes have no exact counterpart; benchmarks also report the
  score without them.
- GoEmotions (27 + neutral) → the eight labels; 'like' = admiration, approval, caring, love, desire,
  gratitude (attitudes towards something), 'happiness' = joy, amusement, excitement, optimism, pride,
  relief (felt states). Ekman's 'joy' = like ∪ happiness, so Ekman scores merge the two.
- MELD: joy→happiness (scored as joy = like ∪ happiness), the rest by name.
- EmotionTalk (acted Chinese dialogue, 7 labels): happy→happiness, angry→anger, sad→sadness,
  disgusted→disgust, fearful→fear, surprised→surprise, neutral→neutral; its test sessions (G00003,
  G00015) are never read, and transcription marks such as [over/] or [interrupted] are dropped.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from dramascope.errors import UserInputError
from dramascope.resonance.labels import BASE_LABELS

CPED_MAP = {
    "neutral": "neutral", "happy": "happiness", "relaxed": "happiness", "grateful": "like",
    "positive-other": "like", "depress": "sadness", "sadness": "sadness", "anger": "anger",
    "disgust": "disgust", "negative-other": "disgust", "fear": "fear", "worried": "fear",
    "astonished": "surprise",
}
CPED_AMBIGUOUS = frozenset({"positive-other", "negative-other"})

GOEMOTIONS_MAP = {
    "admiration": "like", "approval": "like", "caring": "like", "love": "like", "desire": "like",
    "gratitude": "like", "joy": "happiness", "amusement": "happiness", "excitement": "happiness",
    "optimism": "happiness", "pride": "happiness", "relief": "happiness", "anger": "anger",
    "annoyance": "anger", "disapproval": "anger", "disgust": "disgust", "fear": "fear", "nervousness": "fear",
    "sadness": "sadness", "disappointment": "sadness", "embarrassment": "sadness", "grief": "sadness",
    "remorse": "sadness", "surprise": "surprise", "realization": "surprise", "confusion": "surprise",
    "curiosity": "surprise", "neutral": "neutral",
}
EKMAN_OF = {"like": "joy", "happiness": "joy", "sadness": "sadness", "anger": "anger", "disgust": "disgust",
            "fear": "fear", "surprise": "surprise", "neutral": "neutral"}
MELD_MAP = {"joy": "happiness", "neutral": "neutral", "surprise": "surprise", "anger": "anger",
            "sadness": "sadness", "disgust": "disgust", "fear": "fear"}

EMOTIONTALK_MAP = {"happy": "happiness", "angry": "anger", "sad": "sadness", "disgusted": "disgust",
                   "fearful": "fear", "surprised": "surprise", "neutral": "neutral"}
# XED (Öhman et al., COLING 2020), Plutchik's eight emotions numbered 1-8; anticipation (2) has no counterpart
XED_MAP = {"1": "anger", "3": "disgust", "4": "fear", "5": "happiness", "6": "sadness", "7": "surprise", "8": "like"}
EMOTIONTALK_TEST_SESSIONS = frozenset({"G00003", "G00015"})  # the dataset's own test split
_TRANSCRIPTION_MARK = re.compile(r"\[[^\]]*\]")


def read_nlpcc(path: Path) -> tuple[list[str], list[str]]:
    """NLPCC Weibo emotion CSV (label,sentence; no header), exact duplicates removed."""
    texts, labels, seen = [], [], set()
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) < 2 or row[0] not in BASE_LABELS:
                continue
            text = ",".join(row[1:])
            if (text, row[0]) in seen:
                continue
            seen.add((text, row[0]))
            texts.append(text)
            labels.append(row[0])
    return texts, labels


def read_cped(path: Path, shows: set[str] | None = None, *, drop_ambiguous: bool = False
              ) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if shows is not None and row["TV_ID"] not in shows:
                continue
            emo = row["Emotion"]
            if emo not in CPED_MAP or (drop_ambiguous and emo in CPED_AMBIGUOUS):
                continue
            texts.append(row["Utterance"])
            labels.append(CPED_MAP[emo])
    return texts, labels


def _goemotions_names(folder: Path) -> list[str]:
    return (folder / "labels.txt").read_text("utf-8").split()


def read_goemotions_names(tsv: Path) -> tuple[list[str], list[list[str]]]:
    """A GoEmotions TSV (text, comma-separated label indices, id) → texts and their sorted label names
    (the names of the folder's labels.txt: the 28 fine labels, or the Ekman ones)."""
    names = _goemotions_names(tsv.parent)
    texts, labels = [], []
    with open(tsv, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            texts.append(parts[0])
            labels.append(sorted({names[int(i)] for i in parts[1].split(",")}))
    return texts, labels


def read_goemotions(tsv: Path) -> tuple[list[str], list[list[str]]]:
    """GoEmotions original TSV → texts and their label sets mapped onto the base labels."""
    texts, fine = read_goemotions_names(tsv)
    return texts, [sorted({GOEMOTIONS_MAP[name] for name in names}) for names in fine]


def read_goemotions_ekman(tsv: Path) -> tuple[list[str], list[list[str]]]:
    return read_goemotions_names(tsv)


def read_meld(path: Path) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            texts.append(row["Utterance"].replace("\u2019", "'").replace("\x92", "'"))
            labels.append(MELD_MAP[row["Emotion"]])
    return texts, labels


def read_xed(path: Path) -> tuple[list[str], list[str]]:
    """XED's annotated English subtitles (TSV: text, comma-separated label numbers; no header), one row per
    mapped label (as GoEmotions' multi-label comments); lines left with no mapped label (anticipation
    only) are skipped. Errors name the file and line."""
    path = Path(path)
    texts, labels = [], []
    with open(path, encoding="utf-8") as fh:
        for no, line in enumerate(fh, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 2:
                raise UserInputError("expected text<TAB>labels", file=str(path), line=no, field="labels")
            text, codes = parts[0].strip(), {c.strip() for c in parts[1].split(",")}
            unknown = codes - set(XED_MAP) - {"2"}
            if unknown:
                raise UserInputError(f"unknown label {sorted(unknown)[0]!r}", file=str(path), line=no, field="labels")
            for label in sorted({XED_MAP[c] for c in codes if c in XED_MAP}):
                texts.append(text)
                labels.append(label)
    return texts, labels


_XED_CODES = re.compile(r"\d+")
_XED_LABEL_LIST = re.compile(r"\{?'?\d'?(, ?'?\d'?)*\}?")
_ASS_TAG = re.compile(r"\{\\[^}]*\}")  # subtitle styling such as {\fn黑体\fs18}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MISDECODED = re.compile(r"[\u0370-\u04ff\u3040-\u30ff]")  # Greek, Cyrillic, kana: Big5 read as another code


def read_xed_projections(path: Path) -> tuple[list[str], list[str]]:
    """XED's annotations projected onto aligned Chinese subtitles (TSV: text, label numbers as ``5, 8`` or
    as a set literal ``{'5', '8'}``), one row per mapped label. The projection files also hold stray
    lines (alignment records, pieces of quoted multi-line cells): a line is read only when it has exactly
    two fields and the second is a label list; subtitle styling tags are removed, and lines without a
    Chinese character or with misdecoded characters are skipped. An unknown label number is an error
    naming the file and line."""
    path = Path(path)
    texts, labels = [], []
    with open(path, encoding="utf-8") as fh:
        for no, line in enumerate(fh, 1):
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) != 2 or not _XED_LABEL_LIST.fullmatch(parts[1]):
                continue
            codes = set(_XED_CODES.findall(parts[1]))
            unknown = codes - set(XED_MAP) - {"2"}
            if unknown:
                raise UserInputError(f"unknown label {sorted(unknown)[0]!r}", file=str(path), line=no, field="labels")
            text = _ASS_TAG.sub("", parts[0]).strip().strip('"')
            if not _CJK.search(text) or _MISDECODED.search(text):
                continue
            for label in sorted({XED_MAP[c] for c in codes if c in XED_MAP}):
                texts.append(text)
                labels.append(label)
    return texts, labels


def read_emotiontalk(path: Path) -> tuple[list[str], list[str]]:
    """EmotionTalk's text transcriptions (CSV: name, emotion, chinese), train and validation sessions only.

    The session is the first part of ``name`` (G00001/...); rows whose text is empty once the
    transcription marks are removed are skipped. Errors name the file and line."""
    path = Path(path)
    texts, labels = [], []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for no, row in enumerate(csv.DictReader(fh), 2):
            try:
                name, emotion, text = row["name"], row["emotion"], row["chinese"]
            except KeyError as exc:
                raise UserInputError("missing column", file=str(path), line=no, field=str(exc)) from None
            if emotion not in EMOTIONTALK_MAP:
                raise UserInputError(f"unknown emotion {emotion!r}", file=str(path), line=no, field="emotion")
            if name.split("/")[0] in EMOTIONTALK_TEST_SESSIONS:
                continue
            text = _TRANSCRIPTION_MARK.sub("", text or "").strip()
            if text:
                texts.append(text)
                labels.append(EMOTIONTALK_MAP[emotion])
    return texts, labels


def read_labelled(path: Path, *, text_field: str = "text", label_field: str = "label",
                  allowed: dict[str, str] | None = None) -> tuple[list[str], list[str]]:
    """A user's labelled comments: CSV with a header, or JSONL, with a text and a label column.

    ``allowed`` maps each accepted spelling (lower case) to its label; by default the base labels.
    Errors name the file, line and field.
    """
    allowed = allowed or {label: label for label in BASE_LABELS}
    path = Path(path)
    if not path.is_file():
        raise UserInputError("file not found", file=str(path))
    texts, labels = [], []

    def add(line_no: int, record: dict) -> None:
        for fld in (text_field, label_field):
            if fld not in record:
                raise UserInputError(f"missing field {fld!r}", file=str(path), line=line_no, field=fld)
        label = allowed.get(str(record[label_field]).strip().lower())
        if label is None:
            raise UserInputError(f"label {record[label_field]!r} is not one of {', '.join(allowed)}",
                                 file=str(path), line=line_no, field=label_field)
        text = record[text_field]
        if not isinstance(text, str):
            raise UserInputError("text must be a string", file=str(path), line=line_no, field=text_field)
        texts.append(text)
        labels.append(label)

    try:
        if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
            with open(path, encoding="utf-8") as fh:
                for no, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise UserInputError(f"not valid JSON ({exc.msg})", file=str(path), line=no) from None
                    if not isinstance(record, dict):
                        raise UserInputError("each line must be a JSON object", file=str(path), line=no)
                    add(no, record)
        else:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                for no, record in enumerate(csv.DictReader(fh), 2):
                    add(no, record)
    except UnicodeDecodeError as exc:
        raise UserInputError(f"not UTF-8 text (byte {exc.start})", file=str(path)) from None
    if not texts:
        raise UserInputError("no labelled rows", file=str(path))
    return texts, labels
