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


def test_term_table_finds_what_finditer_of_the_trie_pattern_finds():
    import numpy as np

    from dramascope.resonance.matcher import TermTable

    def cps(text):
        return np.frombuffer(("\0" + text + "\0").encode("utf-32-le"), dtype=np.uint32)

    terms = ["哈哈", "哈哈哈", "不", "不错", "不喜欢", "喜欢", "ab", "abc", "bcd", "c"]
    table = TermTable(terms)
    pattern = re.compile(trie_pattern(terms))
    rng = np.random.default_rng(3)
    for _ in range(300):
        text = "".join(rng.choice(list("哈不错喜欢abcd x"), size=int(rng.integers(0, 25))))
        pos, tid, length = table.longest_at(cps(text))
        got = [(int(p) - 1, table.terms[t], int(k)) for p, t, k in zip(pos, tid, length)]
        assert got == [(m.start(), m.group(0), len(m.group(0))) for m in pattern.finditer(text)], text
    pos, tid, length = table.longest_at(cps("哈哈哈哈"))
    assert [(int(p), table.terms[t], int(k)) for p, t, k in zip(pos, tid, length)] == [(1, "哈哈哈", 3)]


def test_term_table_word_boundaries():
    import numpy as np

    from dramascope.resonance.matcher import TermTable

    def cps(text):
        return np.frombuffer(("\0" + text + "\0").encode("utf-32-le"), dtype=np.uint32)

    table = TermTable(["哈哈", "哈哈哈", "not", "not bad"])
    pos, tid, _ = table.longest_at(cps("not badly, knot"), word_boundaries=True)
    assert [(int(p), table.terms[t]) for p, t in zip(pos, tid)] == [(1, "not")]  # not "not bad", not "knot"
    assert len(TermTable([]).longest_at(cps("abc"))[0]) == 0
