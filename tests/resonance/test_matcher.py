import re

from dramascope.resonance.matcher import ContextMatcher, trie_pattern


def test_trie_pattern_prefers_longest_match():
    rx = re.compile(trie_pattern(["哈哈", "哈哈哈", "不喜欢", "喜欢"]))
    assert rx.findall("哈哈哈不喜欢") == ["哈哈哈", "不喜欢"]
    assert rx.findall("喜欢哈哈") == ["喜欢", "哈哈"]


def test_negation_within_clause_only():
    m = ContextMatcher(["开心"], negators=["不", "没有"], false_negators=["忍不住"], degree={"很": 1.3})
    assert m.find("不开心")[0].negated
    assert m.find("不是很开心")[0].negated
    assert not m.find("不，开心")[0].negated  # a comma ends the negator's clause
    assert not m.find("忍不住开心")[0].negated  # fixed expression, not a negation
    assert not m.find("不不开心")[0].negated  # double negation
    assert m.find("很开心")[0].degree == 1.3


def test_english_negation_and_word_boundaries():
    m = ContextMatcher(["love", "not bad"], negators=["not", "don't", "never"], false_negators=[],
                       degree={"so": 1.4}, window=3, word_boundaries=True)
    assert m.find("i don't love it")[0].negated
    assert not m.find("i love it")[0].negated
    assert m.find("glove") == []
    hits = m.find("not bad at all")
    assert [h.term for h in hits] == ["not bad"] and not hits[0].negated
    assert m.find("so love")[0].degree == 1.4


def test_leftmost_non_overlapping_matches_a_sequential_scan():
    import numpy as np

    from dramascope.resonance.matcher import leftmost_non_overlapping

    def sequential(starts, ends):
        out, last = [], -1
        for s, e in zip(starts, ends):
            out.append(s >= last)
            if s >= last:
                last = e
        return out

    rng = np.random.default_rng(3)
    for trial in range(200):
        n = int(rng.integers(0, 60))
        starts = np.sort(rng.choice(200, size=n, replace=False)) if trial % 2 else np.arange(n)  # long chains too
        ends = starts + rng.integers(1, 5, size=n)
        assert leftmost_non_overlapping(starts, ends).tolist() == sequential(starts.tolist(), ends.tolist())


def test_term_table_longest_match_and_word_boundaries():
    import numpy as np

    from dramascope.resonance.matcher import TermTable

    def cps(text):
        return np.frombuffer(("\0" + text + "\0").encode("utf-32-le"), dtype=np.uint32)

    table = TermTable(["哈哈", "哈哈哈", "not", "not bad"])
    pos, tid, length = table.longest_at(cps("哈哈哈哈"))
    assert [(int(p), table.terms[t], int(k)) for p, t, k in zip(pos, tid, length)] == [
        (1, "哈哈哈", 3), (2, "哈哈哈", 3), (3, "哈哈", 2)]
    text = cps("not badly, knot")
    word = ((text >= ord("a")) & (text <= ord("z"))) | ((text >= ord("0")) & (text <= ord("9")))
    pos, tid, _ = table.longest_at(text, word)
    assert [(int(p), table.terms[t]) for p, t in zip(pos, tid)] == [(1, "not")]  # not "not bad", not "knot"


def test_edge_table_finds_every_key_and_only_those():
    import numpy as np

    from dramascope.resonance.matcher import EdgeTable

    rng = np.random.default_rng(0)
    keys = np.unique(rng.integers(0, 2**33, 3000))
    values = rng.integers(0, 10_000, len(keys))
    table = EdgeTable(keys, values)
    assert table.lookup(keys).tolist() == values.tolist()
    absent = np.setdiff1d(rng.integers(0, 2**33, 5000), keys)
    assert (table.lookup(absent) == -1).all()
    mixed = np.concatenate([absent[:50], keys[:50], keys[:3]])
    want = dict(zip(keys.tolist(), values.tolist()))
    assert table.lookup(mixed).tolist() == [want.get(k, -1) for k in mixed.tolist()]
    assert EdgeTable(np.zeros(0, np.int64), np.zeros(0, np.int64)).lookup(keys[:5]).tolist() == [-1] * 5
