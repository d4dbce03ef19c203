"""Retraining the polarity model on a user's labelled comments, through the library and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dramascope.cli.app import run_app
from dramascope.errors import UserInputError
from dramascope.resonance.polarity import load_polarity_models, score_polarity
from dramascope.resonance.polarity_train import train_polarity_from_files

POS = ["这部剧太好看了", "演技在线，强烈推荐", "剧情紧凑，追完了", "甜到心里，五星", "神作，二刷了",
       "节奏很棒，好评", "男女主太配了", "每一集都很精彩", "编剧用心了", "看得好过瘾"]
NEG = ["烂尾了，失望", "剧情注水，弃了", "演技尴尬，难看", "浪费时间，一星", "逻辑稀碎，差评",
       "太拖沓了，无聊", "台词好土，看不下去", "烂片，别看", "广告太多，恶心", "剪辑乱七八糟"]


def _write_user_file(path, labels=("正面", "负面")):
    rows = [{"text": t + suffix, "label": labels[0]} for t in POS for suffix in ("", "！", "。")]
    rows += [{"text": t + suffix, "label": labels[1]} for t in NEG for suffix in ("", "！", "。")]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_retrain_on_user_file_writes_a_usable_folder_with_both_languages(tmp_path):
    f = _write_user_file(tmp_path / "mine.jsonl")
    model = train_polarity_from_files([f], tmp_path / "model", lang="zh")
    assert model.meta["user_rows"] == 60 and model.meta["n_train"] == 60
    models = load_polarity_models(tmp_path / "model")
    assert set(models) == {"zh", "en"}  # the shipped en model is carried over
    p = score_polarity(["太好看了，强烈推荐", "烂尾了，浪费时间"], models=models)
    assert p[0] > 0.5 > p[1]
    # retraining changes the version (a digest of the weights), so analyze re-scores
    assert models["zh"].version != load_polarity_models()["zh"].version


def test_bad_label_names_file_line_and_field(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("text,label\n好看,positive\n难看,meh\n", encoding="utf-8")
    with pytest.raises(UserInputError) as exc:
        train_polarity_from_files([f], tmp_path / "m", lang="zh")
    msg = str(exc.value)
    assert "bad.csv" in msg and "line 3" in msg and "field label" in msg and "'meh'" in msg


def test_too_few_examples_is_a_user_error(tmp_path):
    f = tmp_path / "few.csv"
    f.write_text("text,label\n好看,1\n难看,0\n", encoding="utf-8")
    with pytest.raises(UserInputError, match="at least 20 examples"):
        train_polarity_from_files([f], tmp_path / "m", lang="zh")


def test_cli_train_polarity(tmp_path, capsys):
    f = _write_user_file(tmp_path / "mine.jsonl", labels=("1", "0"))
    rc = run_app(["emotion", "train-polarity", str(f), "--lang", "zh", "-o", str(tmp_path / "out")])
    assert rc == 0
    assert (tmp_path / "out" / "polarity-zh.npz").is_file()
    assert "dramascope-polarity-zh" in capsys.readouterr().out
    assert run_app(["emotion", "train-polarity", str(f), "-o", str(tmp_path / "out2")]) == 1  # --lang missing
    assert run_app(["emotion", "train-polarity"]) == 1  # neither files nor reference data
    assert np.isfinite(score_polarity(["好看"], models=load_polarity_models(tmp_path / "out"))).all()
