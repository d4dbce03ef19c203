"""Small accuracy smoke checks of the shipped model on slices of the shared data (skipped if absent).

NLPCC is training data (a check that the shipped artifact is the trained one); GoEmotions dev and
CPED shows 32/44/45 were not trained on (a check that it generalises at all). Thresholds sit well
below the benchmark figures in MODEL_CARD.md and well above chance (1/7 ≈ 0.14).
"""

from sklearn.metrics import f1_score

from dramascope.resonance.classify import classify_texts
from dramascope.resonance.corpora import EKMAN_OF, read_cped, read_goemotions_ekman, read_nlpcc


def _macro(gold, pred):
    return f1_score(gold, pred, labels=sorted(set(gold)), average="macro", zero_division=0)


def test_nlpcc_slice(shared_data):
    texts, labels = read_nlpcc(shared_data / "emotion-zh" / "nlpcc_weibo_emotion.csv")
    texts, labels = texts[::40], labels[::40]
    pred = [r.label for r in classify_texts(texts)]
    assert _macro(labels, pred) > 0.5


def test_goemotions_dev_slice(shared_data):
    texts, gold = read_goemotions_ekman(shared_data / "emotion-en" / "goemotions" / "ekman" / "dev.tsv")
    texts, gold = texts[::10], gold[::10]
    pred = [EKMAN_OF[r.label] for r in classify_texts(texts)]
    y = [p if p in g else g[0] for p, g in zip(pred, gold)]
    assert _macro(y, pred) > 0.4


def test_cped_unseen_shows_slice(shared_data):
    texts, labels = read_cped(shared_data / "emotion-zh" / "cped" / "valid_split.csv", {"32", "44", "45"})
    texts, labels = texts[::10], labels[::10]
    pred = [r.label for r in classify_texts(texts)]
    assert _macro(labels, pred) > 0.14


def test_goemotions_mapping_is_the_published_ekman_one(shared_data):
    """Our 28 → 8 mapping, merged to Ekman (like, happiness → joy), equals the dataset's ekman_mapping.json."""
    import json

    from dramascope.resonance.corpora import GOEMOTIONS_MAP

    folder = shared_data / "emotion-en" / "goemotions"
    published = json.loads((folder / "ekman_mapping.json").read_text("utf-8"))
    ours: dict[str, set[str]] = {}
    for fine, base in GOEMOTIONS_MAP.items():
        if base != "neutral":
            ours.setdefault(EKMAN_OF[base], set()).add(fine)
    assert ours == {k: set(v) for k, v in published.items()}
    assert set(GOEMOTIONS_MAP) == set((folder / "original" / "labels.txt").read_text("utf-8").split())
