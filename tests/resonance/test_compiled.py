"""The loops compiled ahead of time give what the jitted loops give, and are only called with the types
they were compiled for."""

import io
import json
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dramascope.resonance import compiled
from dramascope.resonance import kernels as jitted
from dramascope.resonance.batch import score_batch
from dramascope.resonance.stream import classify_file

TEXTS = [
    "太好看了，哈哈哈哈", "虐哭了，泪目😭", "", "   ", "不喜欢，一点也不好看", "真的超级感动！！！", "就这？弃剧了",
    "催更催更，快更新", "so sad and angry, what a twist!!", "I don't love it, not good at all", "yyds awsl",
    "😂😂😂", "(╯°□°）╯︵ ┻━┻", "ｆｕｌｌｗｉｄｔｈ ＡＢＣ　１２３", "e\u0301 combining, ｶﾞ half-width kana",
    "草" * 6000,
    "哈哈" * 40 + "好好好好好好", 'quote " back\\slash\nnewline\ttab \u0001 ctl', "不是不好看，是太好看了",
    "mixed 中文 and English 好气啊 so angry",
]


@pytest.fixture
def aot():
    module = compiled.aot_module()
    if module is None:
        pytest.skip("no ahead-of-time module here (no C compiler?): the jitted loops serve")
    return module


def _rows(n: int = 600) -> list[dict]:
    rng = np.random.default_rng(7)
    return [{"id": i, "text": TEXTS[i % len(TEXTS)] + ("" if i < len(TEXTS) else str(rng.integers(0, 99)))}
            for i in range(n)]


def _files(tmp_path):
    rows = _rows()
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in.parquet")
    return src, tmp_path / "in.parquet"


def _classify_all(src_jsonl, src_parquet) -> list[bytes]:
    outs = []
    for src, fmt in ((src_jsonl, "jsonl"), (src_jsonl, "csv"), (src_parquet, "parquet"), (src_parquet, "jsonl")):
        buf = io.BytesIO()
        classify_file(src, buf, out_format=fmt)
        outs.append(buf.getvalue())
    return outs


def test_streamed_output_is_the_same_with_the_jitted_loops(aot, tmp_path, monkeypatch):
    files = _files(tmp_path)
    ahead = _classify_all(*files)
    monkeypatch.setattr(compiled, "kernels", jitted)
    assert _classify_all(*files) == ahead


def _same(a, b) -> bool:
    if isinstance(a, tuple):
        return isinstance(b, tuple) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return (isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape
                and a.tobytes() == b.tobytes())
    return type(a) is type(b) and a == b


def _copy(value):
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    return value.copy() if isinstance(value, np.ndarray) else value


def test_every_loop_on_the_scoring_path_runs_ahead_of_time_and_agrees_with_its_jitted_twin(aot, tmp_path,
                                                                                            monkeypatch):
    """Records each call the scoring paths make (`emotion classify` from JSONL, CSV and Parquet, and
    `analyze`'s batches with polarity and verdicts; zh and en texts), checks that
    none fell back to the jitted loops, and replays it on them: same results, same arrays written."""
    calls, fallbacks = [], []
    fresh = compiled._Kernels()
    monkeypatch.setattr(compiled, "_jitted", lambda name: fallbacks.append(name) or getattr(jitted, name))

    class Recorder:
        def __getattr__(self, name):
            fn = getattr(fresh, name)

            def record(*args):
                before = _copy(args)
                out = fn(*args)
                calls.append((name, before, _copy(args), _copy(out)))  # later loops add into it
                return out

            return record

    monkeypatch.setattr(compiled, "kernels", Recorder())
    _classify_all(*_files(tmp_path))
    rows = _rows(300)
    score_batch(pa.record_batch({"comment_id": [str(r["id"]) for r in rows], "text": [r["text"] for r in rows]}))
    assert not fallbacks, f"called with types that compiled.SIGNATURES does not list: {sorted(set(fallbacks))}"
    names = {name for name, *_ in calls}
    assert {"ngram_scores", "longest_matches", "char_context", "normalize_codes", "scores_json", "gather_segments",
            "jsonl_lines", "json_strings"} <= names
    for name, before, after, out in calls:
        args = _copy(before)
        assert _same(getattr(jitted, name)(*args), out), name
        assert _same(args, after), name


def test_the_wide_key_variant_of_the_ngram_loop_agrees(aot, monkeypatch):
    """Batches too large for 32-bit sort keys use int64 keys: the same scores either way."""
    from dramascope.resonance import linear_kernel
    from dramascope.resonance.model import load_model

    seen = []
    monkeypatch.setattr(compiled, "kernels", type("Spy", (), {
        "__getattr__": lambda self, name: (lambda *a: seen.append(a) or getattr(compiled._Kernels(), name)(*a))})())
    zh = load_model().models["zh"]
    linear_kernel.linear_scores(TEXTS, zh.ngram_sizes, zh.n_bits, zh.idf, np.zeros((len(TEXTS), 0), np.float32),
                                zh.weights_t()[: 1 << zh.n_bits])
    cps, seps, sizes, n_bits, idf, log1p, weights, key, tmp, doc_shift = seen[0]
    assert key.dtype == np.uint32
    narrow = jitted.ngram_scores(cps, seps, sizes, n_bits, idf, log1p, weights, key.copy(), tmp.copy(), doc_shift)
    wide = np.empty(len(key), np.int64)
    ahead = compiled._Kernels().ngram_scores(cps, seps, sizes, n_bits, idf, log1p, weights, wide, wide.copy(), 32)
    assert _same(ahead, jitted.ngram_scores(cps, seps, sizes, n_bits, idf, log1p, weights, wide.copy(), wide.copy(),
                                            32))
    assert _same(ahead, narrow)


@pytest.mark.parametrize("value, spec, ok", [
    (np.zeros(3, np.uint8), "u1[:]", True),
    (np.zeros(3, np.int64), "u1[:]", False),  # another dtype would crash the compiled function
    (np.zeros(6, np.uint8)[::2], "u1[:]", False),  # strided: numba types it 'A', not 'C'
    (np.zeros((2, 2)), "f8[:]", False),
    (np.zeros((2, 2)), "f8[:, :]", True),
    (np.zeros((3, 3))[:, :2], "f8[:, :]", False),
    (np.frombuffer(b"abc", np.uint8), "u1[:]", True),  # read-only is fine where the loop only reads
    (np.frombuffer(b"abcd", np.float32), "f4[:]!", False),  # not where it writes
    (3, "i8", True), (np.int64(3), "i8", True), (True, "i8", False), (np.int32(3), "i8", False), (1 << 63, "i8", False),
    (True, "b1", True), (np.bool_(False), "b1", True), (1, "b1", False),
    (np.uint8(2), "u1", True), (2, "u1", False),
])
def test_argument_types_are_checked_as_numba_would_type_them(value, spec, ok):
    assert compiled._checker(spec)(value) is ok


def test_arguments_of_other_types_go_to_the_jitted_loop(aot):
    buf = np.frombuffer(b'{"a": 1}\n\n {"b": 2}\n' * 2, dtype=np.uint8)
    strided = buf[::2]
    got = compiled._Kernels().jsonl_lines(strided)
    assert _same(got, jitted.jsonl_lines(strided))
    assert not _same(got, jitted.jsonl_lines(np.ascontiguousarray(buf)))


def test_emotion_classify_jsonl_imports_neither_numba_nor_the_table_formats(aot, tmp_path):
    """What start-up is spared: numba (the loops are built), pyarrow's CSV, Parquet and compute modules."""
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": "太好看了"}, ensure_ascii=False) + "\n", "utf-8")
    spared = ["numba", "pyarrow.compute", "pyarrow.csv", "pyarrow.parquet"]
    code = ("import sys; from dramascope.cli.app import run_app; import dramascope.cli.commands; "
            f"rc = run_app(['emotion', 'classify', {str(src)!r}, '-o', {str(tmp_path / 'out.jsonl')!r}]); "
            f"print(rc, *[m for m in {spared!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0"]
    assert json.loads((tmp_path / "out.jsonl").read_text("utf-8"))["text"] == "太好看了"


def test_turned_off_nothing_is_loaded(monkeypatch):
    monkeypatch.setenv(compiled.LOOPS_ENV, "jit")
    monkeypatch.setattr(compiled, "_STATE", {})
    assert compiled.aot_module() is None and compiled.uses_numba()
    assert compiled._dispatcher("jsonl_lines") is jitted.jsonl_lines


def test_the_module_name_follows_the_loops_source(monkeypatch, tmp_path):
    name = compiled.module_name()
    fake = tmp_path / "kernels.py"
    fake.write_text("# another loop\n")
    monkeypatch.setattr(compiled, "_HERE", tmp_path)
    assert compiled.module_name() != name
    assert compiled.module_path(tmp_path).parent == tmp_path


def test_a_failed_build_is_noted_and_the_jitted_loops_serve(monkeypatch, tmp_path):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(compiled, "_STATE", {})
    monkeypatch.delenv(compiled.LOOPS_ENV, raising=False)

    def no_compiler(folder=None):
        raise OSError("no C compiler")

    monkeypatch.setattr(compiled, "build", no_compiler)
    assert compiled.aot_module() is None
    failed = list((tmp_path / "dramascope").glob("*.failed"))
    assert len(failed) == 1 and "no C compiler" in failed[0].read_text("utf-8")
    monkeypatch.setattr(compiled, "_STATE", {})
    monkeypatch.setattr(compiled, "build", lambda folder=None: pytest.fail("tried to build again"))
    assert compiled.aot_module() is None
