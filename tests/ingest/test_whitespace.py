"""``needs_trim`` must say exactly whether trimming (and '' → null) would change a text column."""

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.ingest.whitespace import TRIMMED_CODEPOINTS, needs_trim


def _changes(values: pa.Array) -> bool:
    trimmed = pc.utf8_trim_whitespace(values)
    trimmed = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
    return trimmed.to_pylist() != values.to_pylist()


def test_trimmed_code_points_are_exactly_arrows():
    cps = [c for c in range(0x10000) if not 0xD800 <= c < 0xE000]
    emptied = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(pa.array([chr(c) for c in cps]))), 0)
    assert tuple(c for c, e in zip(cps, emptied.to_pylist()) if e) == TRIMMED_CODEPOINTS


def test_examples():
    assert not needs_trim(pa.array(["t1", "douyin", None, "剧名", "泪目。", "好看！"]))
    assert needs_trim(pa.array(["t1", ""]))
    assert needs_trim(pa.array(["t1", " t2"]))
    assert needs_trim(pa.array(["t1", "t2\t"]))
    assert needs_trim(pa.array(["t1", "好看\u3000"]))  # ideographic space, last 3 bytes
    assert needs_trim(pa.array(["\u00a0x", "t2"]))  # no-break space, first 2 bytes
    assert not needs_trim(pa.array(["\u3001x\u3002"]))  # 、 and 。 share the lead byte of U+3000
    assert not needs_trim(pa.array([None, None], pa.string()))
    assert needs_trim(pa.array(["a"], pa.large_string()))  # not a plain string array: conservative
    assert not needs_trim(pa.array([" a", "b", "c "]).slice(1, 1))  # slices look at their own values


_edge = st.sampled_from([chr(c) for c in TRIMMED_CODEPOINTS] + ["a", "中", "。", "\u3001", "\u2030", "é", "\u00a1"])
_text = st.one_of(st.none(), st.text(alphabet=_edge, max_size=4), st.text(max_size=6))


@settings(max_examples=300, deadline=None)
@given(st.lists(_text, max_size=12), st.integers(0, 3), st.integers(0, 3))
def test_needs_trim_iff_trimming_changes_the_column(values, lo, cut):
    arr = pa.array(values, pa.string())
    arr = arr.slice(min(lo, len(arr)), max(0, len(arr) - lo - cut))
    assert needs_trim(arr) == _changes(arr)
