"""The CLI process's own settings, and what `emotion classify` loads to start."""

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

from dramascope.cli.process import collect_less_often

SRC = Path(__file__).resolve().parents[2] / "src"


def _python(code: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=300)


def test_collect_less_often_sets_the_thresholds():
    before = gc.get_threshold()
    try:
        collect_less_often()
        assert gc.get_threshold() == (20_000, 20, 20)
    finally:
        gc.set_threshold(*before)


def test_exit_without_final_collection_keeps_the_code_and_flushes_what_was_written(tmp_path):
    target = tmp_path / "out.txt"
    code = ("from dramascope.cli.process import exit_without_final_collection\n"
            f"fh = open({str(target)!r}, 'w'); fh.write('kept')\n"  # left open: closed when released at exit
            "print('printed')\n"
            "exit_without_final_collection(3)\n")
    done = _python(code)
    assert done.returncode == 3
    assert done.stdout == "printed\n"
    assert target.read_text() == "kept"


def test_classify_starts_without_the_analytics_stack(tmp_path):
    # the command's process imports neither the table engines nor scipy's sparse / linear algebra
    # modules (their imports were most of its start-up); its output is one result per line
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "text": "这部剧太好看了"}\n{"id": 2, "text": "so sad"}\n', "utf-8")
    out = tmp_path / "out.jsonl"
    code = ("import sys\n"
            "from dramascope.cli.app import run_app\n"
            "import dramascope.cli\n"
            "rc = run_app(sys.argv[1:])\n"
            "heavy = ('ibis', 'duckdb', 'pandas', 'polars', 'sklearn', 'fastapi', 'pyspark', 'scipy.sparse',\n"
            "         'scipy.linalg')\n"
            "print(sorted(m for m in heavy if m in sys.modules))\n"
            "sys.exit(rc)\n")
    done = _python(code, "emotion", "classify", str(src), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, 2] and all(r["label"] for r in rows)
