"""Demo title names: unique the way a catalogue makes them unique (subtitle, then sequel number)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.demo.catalog import draw_catalog
from dramascope.demo.title_text import disambiguate
from dramascope.themes import load_taxonomy


def test_disambiguate_by_hand():
    names = np.array(["重生", "重生", "Mate", "重生", "Mate"], dtype=object)
    leads = np.array(["之林晚", "之苏念", ": Ava's Story", "之苏念", ": Mia's Story"], dtype=object)
    sequel = np.array([" 第{n}部"] * 2 + [" Part {n}"] + [" 第{n}部"] + [" Part {n}"], dtype=object)
    out = disambiguate(names, leads, sequel)
    # first keeps its name; later ones get their lead; the third 重生 has the second one's lead → sequel 2
    assert out.tolist() == ["重生", "重生之苏念", "Mate", "重生之苏念 第2部", "Mate: Mia's Story"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=40),
       st.lists(st.sampled_from(["x", "y"]), min_size=40, max_size=40))
def test_disambiguate_always_gives_unique_names_and_keeps_first_occurrences(names, leads):
    n = len(names)
    arr = np.array(names, dtype=object)
    out = disambiguate(arr, np.array(leads[:n], dtype=object), np.array([" {n}"] * n, dtype=object))
    assert len(set(out.tolist())) == n
    firsts = {name: i for i, name in reversed(list(enumerate(names)))}
    assert all(out[i] == name for name, i in firsts.items())
    assert all(o.startswith(a) for o, a in zip(out, names))


def test_demo_catalogue_has_no_repeated_names():
    cat = draw_catalog(load_taxonomy(), 2000, 7)
    assert len(set(cat.name.tolist())) == 2000
