"""Extra training corpora outside shared/data: the EmotionTalk reader, the checked loading of
`EXTRA_SOURCES` from a user's folder, per-source loss weights, and the CLI's refusal of a mix."""

import dataclasses
import hashlib

import numpy as np
import pytest

from dramascope.errors import UserInputError
from dramascope.resonance import train
from dramascope.resonance.corpora import read_emotiontalk, read_xed, read_xed_projections

EMOTIONTALK_CSV = (
    "name,emotion,chinese\n"
    "G00001/G00001_01/G00001_01_01/G00001_01_01_001,happy,[over/]太好[/over]了！\n"
    "G00003/G00003_01/G00003_01_01/G00003_01_01_001,angry,测试集的一句\n"
    "G00015/G00015_02/G00015_02_01/G00015_02_01_004,sad,也是测试集\n"
    "G00002/G00002_01/G00002_01_01/G00002_01_01_002,neutral,[interrupted]\n"
    "G00002/G00002_01/G00002_01_01/G00002_01_01_003,surprised,\"真的吗，[over/]不会吧[/over]\"\n"
)


def test_read_emotiontalk_maps_labels_drops_test_sessions_and_marks(tmp_path):
    f = tmp_path / "transcription.csv"
    f.write_text(EMOTIONTALK_CSV, "utf-8")
    texts, labels = read_emotiontalk(f)
    # G00003 / G00015 are the dataset's test split; a line that is only a mark is empty and skipped
    assert texts == ["太好了！", "真的吗，不会吧"]
    assert labels == ["happiness", "surprise"]


def test_read_emotiontalk_names_line_and_field_of_an_unknown_label(tmp_path):
    f = tmp_path / "transcription.csv"
    f.write_text("name,emotion,chinese\nG00001/a,happy,好\nG00001/b,bored,无聊\n", "utf-8")
    with pytest.raises(UserInputError, match=r"line 3.*field emotion.*bored"):
        read_emotiontalk(f)


def test_read_xed_one_row_per_mapped_label_and_drops_anticipation_only(tmp_path):
    f = tmp_path / "en-annotated.tsv"
    # 1 anger, 2 anticipation, 5 joy, 8 trust (see corpora.XED_MAP)
    f.write_text("I hate this .\t1\nCan't wait !\t2\nOh thank you !\t5, 8, 2\n", "utf-8")
    texts, labels = read_xed(f)
    assert texts == ["I hate this .", "Oh thank you !", "Oh thank you !"]
    assert labels == ["anger", "happiness", "like"]


def test_read_xed_names_line_and_field_of_a_bad_row(tmp_path):
    f = tmp_path / "en-annotated.tsv"
    f.write_text("fine\t1\nodd\t9\n", "utf-8")
    with pytest.raises(UserInputError, match=r"line 2.*field labels.*'9'"):
        read_xed(f)
    f.write_text("no tab here\n", "utf-8")
    with pytest.raises(UserInputError, match=r"line 1.*field labels"):
        read_xed(f)


def test_read_xed_projections_reads_both_label_formats_and_skips_stray_lines(tmp_path):
    f = tmp_path / "cn-projections.tsv"
    f.write_text(
        "我很生气\t1\r\n"  # anger, CRLF as in the cn file
        "{\\fn黑体\\fs18}太好了 谢谢\t{'5', '8'}\n"  # styling tag removed; joy + trust
        "da/2017/1.xml.gz\tzh/2017/2.xml.gz\t256\t298\tDet lyder\t你好\n"  # alignment record: skipped
        "\"一个引号里的\n"  # a piece of a multi-line cell: skipped
        "only english here\t4\n"  # no Chinese character: skipped
        "и稱и穦挡\t6\n"  # misdecoded: skipped
        "我们等着瞧\t2\n",  # anticipation only: no row
        "utf-8")
    texts, labels = read_xed_projections(f)
    assert texts == ["我很生气", "太好了 谢谢", "太好了 谢谢"]
    assert labels == ["anger", "happiness", "like"]
    f.write_text("好\t1\n坏\t9\n", "utf-8")
    with pytest.raises(UserInputError, match=r"line 2.*field labels.*'9'"):
        read_xed_projections(f)


def test_extra_training_data_reads_only_the_named_sources(tmp_path, monkeypatch):
    xed = "我很生气\t1\n"
    et = dataclasses.replace(train.EXTRA_SOURCES[0], sha256=hashlib.sha256(EMOTIONTALK_CSV.encode()).hexdigest())
    xs = train.ExtraSource("xed-cn", "zh", "xed/cn.tsv", read_xed_projections, "o/r", "c", "p", "CC BY 4.0",
                           hashlib.sha256(xed.encode()).hexdigest())
    monkeypatch.setattr(train, "EXTRA_SOURCES", (et, xs))
    (tmp_path / "xed").mkdir()
    (tmp_path / "xed" / "cn.tsv").write_text(xed, "utf-8")  # EmotionTalk's file is absent: not read
    assert train.extra_training_data(tmp_path, "zh", frozenset({"xed-cn"})) == (["我很生气"], ["anger"], ["xed-cn"])
    with pytest.raises(UserInputError, match="missing"):
        train.extra_training_data(tmp_path, "zh")


def _source_for(tmp_path, monkeypatch, content: str, weight: float = 1.0):
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    src = dataclasses.replace(train.EXTRA_SOURCES[0], sha256=digest, weight=weight)
    monkeypatch.setattr(train, "EXTRA_SOURCES", (src,))
    return src


def test_extra_training_data_reads_the_recorded_file(tmp_path, monkeypatch):
    src = _source_for(tmp_path, monkeypatch, EMOTIONTALK_CSV)
    (tmp_path / src.file).parent.mkdir(parents=True)
    (tmp_path / src.file).write_text(EMOTIONTALK_CSV, "utf-8")
    texts, labels, sources = train.extra_training_data(tmp_path, "zh")
    assert (texts, labels, sources) == (["太好了！", "真的吗，不会吧"], ["happiness", "surprise"], [src.name] * 2)
    assert train.extra_training_data(tmp_path, "en") == ([], [], [])  # no English extra source


def test_extra_training_data_refuses_a_missing_or_different_file(tmp_path, monkeypatch):
    src = _source_for(tmp_path, monkeypatch, EMOTIONTALK_CSV)
    with pytest.raises(UserInputError, match="missing.*git clone https://github.com/flageval-baai/EmotionTalk"):
        train.extra_training_data(tmp_path, "zh")
    (tmp_path / src.file).parent.mkdir(parents=True)
    (tmp_path / src.file).write_text(EMOTIONTALK_CSV + "G00001/x,happy,多一行\n", "utf-8")
    with pytest.raises(UserInputError, match="sha256 differs"):
        train.extra_training_data(tmp_path, "zh")


def test_source_weights(monkeypatch, tmp_path):
    assert train.source_weights(["nlpcc", "cped", "emotiontalk"]) is None  # every weight is 1
    _source_for(tmp_path, monkeypatch, EMOTIONTALK_CSV, weight=0.5)
    assert train.source_weights(["nlpcc", "emotiontalk", "cped"]).tolist() == [1.0, 0.5, 1.0]


def test_cli_refuses_extra_data_with_user_files(tmp_path):
    from dramascope.cli.app import run_app

    f = tmp_path / "mine.csv"
    f.write_text("text,label\n好看,like\n难看,disgust\n", "utf-8")
    rc = run_app(["emotion", "train", str(f), "--lang", "zh", "--extra-data", str(tmp_path), "-o", str(tmp_path / "m")])
    assert rc == 1 and not (tmp_path / "m").exists()


def test_nb_char_scales_are_normalised_over_seen_columns():
    from dramascope.resonance.features import DENSE_NAMES, hashed_ngrams, prepare

    texts = ["太好看了", "好开心", "气死我了", "太过分了"]
    y = np.array([0, 0, 1, 1])
    counts = [hashed_ngrams(prepare(texts).texts, (1, 2), 10)]
    width = (1 << 10) + len(DENSE_NAMES)
    cfg = train.TrainConfig(ngram_sizes=(1, 2), n_bits=10, nb_char_power=0.5)
    s = train.column_scales(cfg, counts, np.arange(4), y, width)
    seen = np.bincount(counts[0].indices, minlength=1 << 10) > 0
    assert np.mean(s[:1 << 10][seen]) == pytest.approx(1.0)
    assert s[-len(DENSE_NAMES):].tolist() == [1.0] * len(DENSE_NAMES)
    nb = train.nb_log_count_ratio(counts[0], y) ** 0.5
    assert np.allclose(s[:1 << 10], nb / nb[seen].mean())
    assert train.column_scales(train.TrainConfig(ngram_sizes=(1, 2), n_bits=10), counts, np.arange(4), y, width) is None
