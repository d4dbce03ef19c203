"""The compiled loops of the scoring path (numba): trie matching, n-gram tf-idf scores, phrase sums.

Why compiled loops: a comment is ~30 characters, so the vectorised numpy versions these replace spent
their time in dozens of passes over the batch's code-point array and their temporary arrays (sorting
every n-gram key of a batch, walking a trie one character deeper per pass for all positions at once),
not in arithmetic. A loop over each text's own characters does the same work once, in cache.

Each function here computes exactly what its caller's contract says (same hashes, same float32
products summed in the same order as the scipy path, same leftmost-longest matches as the regular
expressions of the per-text definitions); the callers' tests check that. Nothing is compiled at import:
this module is imported on first scoring, and ``cache=True`` keeps the machine code on disk, so a new
process loads it instead of compiling.

Tries are passed as tuples ``(root, child_off, child_cp, child_node, node_term)``: ``root[c]`` is the
node reached from the root by code point ``c`` (the last entry, -1, stands for every code point above),
a node's children are ``child_cp[child_off[node]:child_off[node + 1]]`` (sorted) with their nodes in
``child_node``, and ``node_term[node]`` is the term ending at a node (-1 for none).
"""

from __future__ import annotations

import numpy as np
from numba import njit

_PRIMES = np.array([1000003, 7919, 104729, 1299709, 15485863], dtype=np.uint64)
_MULT = np.uint64(0x9E3779B97F4A7C15)
_SIZE_SEED = np.uint64(0x9E37)


@njit(cache=True, nogil=True, inline="always")
def _root(trie, c):
    root = trie[0]
    last = len(root) - 1
    return root[min(c, last)]


@njit(cache=True, nogil=True, inline="always")
def _child(trie, node, c):
    """The child of ``node`` by code point ``c`` (binary search over its sorted children), or -1."""
    off, ccp, cnode = trie[1], trie[2], trie[3]
    lo = off[node]
    hi = off[node + 1]
    while lo < hi:
        mid = (lo + hi) >> 1
        v = ccp[mid]
        if v < c:
            lo = mid + 1
        elif v > c:
            hi = mid
        else:
            return cnode[mid]
    return -1


@njit(cache=True, nogil=True, inline="always")
def is_word_char(c):
    """[a-z0-9]: what the Latin cues' word boundaries and the Latin-text test look at."""
    return (0x61 <= c <= 0x7A) or (0x30 <= c <= 0x39)


@njit(cache=True, nogil=True)
def longest_matches(cp, trie, use_boundary, only, use_only):
    """Leftmost-longest, non-overlapping term matches over a code-point array laid out ``0 t0 0 t1 0
    … 0``, left to right (what ``finditer`` of a trie pattern finds): (start, term id, length, text)
    arrays.

    With ``use_boundary`` a term counts only where neither the character before it nor the one after
    it is [a-z0-9] (``(?<![a-z0-9])…(?![a-z0-9])``); with ``use_only`` only texts with ``only`` set
    are searched. A position covered by a match taken before it starts nothing."""
    n = len(cp)
    pos = np.empty(n, dtype=np.int64)
    tid = np.empty(n, dtype=np.int64)
    length = np.empty(n, dtype=np.int64)
    hdoc = np.empty(n, dtype=np.int64)
    m = 0
    last = n - 1
    covered = -1
    doc = -1
    p = -1
    while p + 1 < n:
        p += 1
        c = cp[p]
        if c == 0:
            doc += 1
            if use_only and doc < len(only) and not only[doc]:  # skip the text: to its closing separator
                while p + 1 < n and cp[p + 1] != 0:
                    p += 1
            continue
        if p < covered:
            continue
        if use_boundary and p > 0 and is_word_char(cp[p - 1]):
            continue
        best_t, best_len = _longest_in(cp, trie, p, last, use_boundary)
        if best_len > 0:
            pos[m] = p
            tid[m] = best_t
            length[m] = best_len
            hdoc[m] = doc
            m += 1
            covered = p + best_len
    return pos[:m].copy(), tid[:m].copy(), length[:m].copy(), hdoc[:m].copy()


@njit(cache=True, nogil=True, inline="always")
def _longest_in(cp, trie, j, limit, use_boundary=False):
    """(term, length) of the longest term starting at ``j`` and ending at or before ``limit`` ((-1, 0)
    for none); with ``use_boundary`` only a term not followed by [a-z0-9] counts."""
    node = _root(trie, cp[j])
    best_len = 0
    best_t = -1
    if node < 0:
        return best_t, best_len
    node_term = trie[4]
    depth = 1
    at = j
    while True:
        at += 1
        t = node_term[node]
        if t >= 0 and not (use_boundary and is_word_char(cp[at])):
            best_len = depth
            best_t = t
        if at >= limit:
            break
        node = _child(trie, node, cp[at])
        if node < 0:
            break
        depth += 1
    return best_t, best_len


@njit(cache=True, nogil=True)
def char_context(cp, pos, end, hit_doc, starts, window, clause_table, negators, use_neg, false_negators,
                 use_false, degree_terms, degree_weight, use_degree, suffix_terms, suffix_weight, use_suffix, degree):
    """(negated, degree) of each hit: the clause before it (after the last clause break, at most
    ``window`` characters, not reaching back into the previous hit of its text) read by ``findall``
    of the negators (outside false negators: an odd count negates) and of the degree words (a weight
    ≥ 1 raises the degree to it, one below lowers it); then the longest degree suffix right after
    the hit raises it. ``degree`` holds each hit's starting degree (1) and is updated in place."""
    h = len(pos)
    negated = np.zeros(h, dtype=np.bool_)
    n_clause = len(clause_table) - 1
    last = len(cp) - 1
    blocked = np.zeros(window + 1, dtype=np.bool_)
    for i in range(h):
        p = pos[i]
        if i > 0 and hit_doc[i] == hit_doc[i - 1]:
            floor = end[i - 1]
        else:
            floor = starts[hit_doc[i]]
        lo = max(floor, p - window)
        ps = lo
        for q in range(p - 1, lo - 1, -1):
            c = cp[q]
            if clause_table[min(c, n_clause)]:
                ps = q + 1
                break
        w = p - ps
        if w > 0:
            if use_neg:
                for j in range(w):
                    blocked[j] = False
                if use_false:
                    j = 0
                    while j < w:
                        t, k = _longest_in(cp, false_negators, ps + j, p)
                        if k > 0:
                            for b in range(j, j + k):
                                blocked[b] = True
                            j += k
                        else:
                            j += 1
                count = 0
                j = 0
                while j < w:
                    if blocked[j]:
                        j += 1
                        continue
                    limit = ps + j + 1
                    while limit < p and not blocked[limit - ps]:
                        limit += 1
                    t, k = _longest_in(cp, negators, ps + j, limit)
                    if k > 0:
                        count += 1
                        j += k
                    else:
                        j += 1
                negated[i] = count % 2 == 1
            if use_degree:
                value = degree[i]
                j = 0
                while j < w:
                    t, k = _longest_in(cp, degree_terms, ps + j, p)
                    if k > 0:
                        wgt = degree_weight[t]
                        value = max(value, wgt) if wgt >= 1 else min(value, wgt)
                        j += k
                    else:
                        j += 1
                degree[i] = value
        if use_suffix:
            e = end[i]
            if e <= last:
                t, k = _longest_in(cp, suffix_terms, e, last)
                if k > 0:
                    degree[i] = max(degree[i], suffix_weight[t])
    return negated, degree


@njit(cache=True, nogil=True)
def phrase_sums(cp, seps, trie, w_pos, w_neg):
    """Per text, the sums of ``w_pos`` and ``w_neg`` over every occurrence of every phrase (overlapping
    occurrences all count), added in the order (phrase length, start) that the hashed n-gram lookup
    this replaces added them in."""
    n = len(seps) - 1
    pos = np.zeros(n, dtype=np.float64)
    neg = np.zeros(n, dtype=np.float64)
    node_term = trie[4]
    cap = 64
    keys = np.empty(cap, dtype=np.int64)
    ids = np.empty(cap, dtype=np.int64)
    for d in range(n):
        s1 = seps[d + 1]
        m = 0
        for p in range(seps[d] + 1, s1):
            node = _root(trie, cp[p])
            depth = 1
            at = p
            while node >= 0:
                t = node_term[node]
                if t >= 0:
                    if m == cap:
                        cap *= 2
                        k2 = np.empty(cap, dtype=np.int64)
                        i2 = np.empty(cap, dtype=np.int64)
                        k2[:m] = keys[:m]
                        i2[:m] = ids[:m]
                        keys, ids = k2, i2
                    keys[m] = depth * (1 << 40) + p
                    ids[m] = t
                    m += 1
                at += 1
                if at >= s1:
                    break
                node = _child(trie, node, cp[at])
                depth += 1
        if m == 0:
            continue
        for r in range(1, m):  # insertion sort by (length, start): a text holds a few phrases
            kr, ir = keys[r], ids[r]
            q = r - 1
            while q >= 0 and keys[q] > kr:
                keys[q + 1] = keys[q]
                ids[q + 1] = ids[q]
                q -= 1
            keys[q + 1] = kr
            ids[q + 1] = ir
        sp = 0.0
        sn = 0.0
        for r in range(m):
            t = ids[r]
            sp += w_pos[t]
            sn += w_neg[t]
        pos[d] = sp
        neg[d] = sn
    return pos, neg


@njit(cache=True, nogil=True)
def ngram_scores(cps, seps, sizes, n_bits, idf, log1p, weights, key, tmp, doc_shift):
    """(n, k) float32: ``tfidf(hashed_ngrams(texts, sizes, n_bits), idf) @ weights`` for texts framed
    by separators in ``cps`` (``seps``: the n + 1 separator positions).

    The n-gram hashes are those of `features.ngram_occurrences` (a window may touch the framing
    separators but hold none inside; an empty text has no bigram). Keys ``column << doc_shift | text``
    (in ``key``, with ``tmp`` as long: uint32 when they fit, which halves the memory the sort moves) are
    generated in text order and sorted by column with two stable radix passes (half the column bits
    each), so the weight table is read in column order (a row-major product would read it at
    random, a cache miss per n-gram) while each text still sees its columns in ascending order, as
    in scipy's CSR product: ``log1p(count) * idf`` in float32 (``log1p`` is numpy's float32 log1p,
    looked up), the float64 norm summed in column order, and the float32 products added to the row
    in column order."""
    n = len(seps) - 1
    n_out = weights.shape[1]
    out = np.zeros((n, n_out), dtype=np.float32)
    shift = np.uint64(64 - n_bits)
    n_sizes = len(sizes)
    total = len(key)
    lo_bits = n_bits // 2
    hi_bits = n_bits - lo_bits
    lo_mask = (1 << lo_bits) - 1
    doc_mask = (1 << doc_shift) - 1
    h_lo = np.zeros((1 << lo_bits) + 1, dtype=np.int64)
    h_hi = np.zeros((1 << hi_bits) + 1, dtype=np.int64)
    # the hash of the window of size k at i is (C_k + g_k(i)) * _MULT with C_k = k * _SIZE_SEED times
    # the first k primes and g_{k+1}(i) = g_k(i) * prime_k + cp[i + k] + 1: one product per size
    kmax = 0
    for si in range(n_sizes):
        kmax = max(kmax, sizes[si])
    want = np.zeros(kmax + 1, dtype=np.bool_)
    seed = np.zeros(kmax + 1, dtype=np.uint64)
    for si in range(n_sizes):
        want[sizes[si]] = True
    for k in range(1, kmax + 1):
        c_k = np.uint64(k) * _SIZE_SEED
        for j in range(k):
            c_k = c_k * _PRIMES[j % 5]
        seed[k] = c_k
    mm = 0
    for d in range(n):
        s0 = seps[d]
        s1 = seps[d + 1]
        for i in range(s0, s1):
            g = np.uint64(0)
            for k in range(1, kmax + 1):
                e = i + k - 1  # the window's last position: it may be the closing separator, no further
                if e > s1:
                    break
                g = g * _PRIMES[(k - 1) % 5] + np.uint64(cps[e]) + np.uint64(1)
                if not want[k]:
                    continue
                if k == 1 and i == s0:
                    continue  # a separator alone is no unigram
                if k == 2 and s1 == s0 + 1:
                    continue  # an empty text has no bigram
                c = np.int64(((seed[k] + g) * _MULT) >> shift)
                if mm == total:
                    raise ValueError("ngram_scores: more n-grams than the key array holds")
                key[mm] = (c << doc_shift) | np.int64(d)
                h_lo[(c & lo_mask) + 1] += 1
                h_hi[(c >> lo_bits) + 1] += 1
                mm += 1
    if mm != total:
        raise ValueError("ngram_scores: fewer n-grams than the key array holds")
    for c in range(1 << lo_bits):
        h_lo[c + 1] += h_lo[c]
    for c in range(1 << hi_bits):
        h_hi[c + 1] += h_hi[c]
    for r in range(total):
        kk = key[r]
        b = np.int64(kk >> doc_shift) & lo_mask  # int64 whatever the key type: an index
        tmp[h_lo[b]] = kk
        h_lo[b] += 1
    for r in range(total):
        kk = tmp[r]
        b = np.int64(kk >> (doc_shift + lo_bits))
        key[h_hi[b]] = kk
        h_hi[b] += 1
    e_doc = np.empty(total, dtype=np.int32)
    e_col = np.empty(total, dtype=np.int32)
    e_val = np.empty(total, dtype=np.float32)
    sumsq = np.zeros(n, dtype=np.float64)
    u = 0
    r = 0
    while r < total:
        kk = key[r]
        q = r + 1
        while q < total and key[q] == kk:
            q += 1
        c = np.int64(kk >> doc_shift)
        d = np.int64(kk & doc_mask)
        v = log1p[q - r] * idf[c]
        v64 = np.float64(v)
        sumsq[d] += v64 * v64
        e_doc[u] = d
        e_col[u] = c
        e_val[u] = v
        u += 1
        r = q
    norm = np.sqrt(sumsq)
    for d in range(n):
        if norm[d] == 0.0:
            norm[d] = 1.0
    for r in range(u):
        d = e_doc[r]
        v = np.float32(np.float64(e_val[r]) / norm[d])
        row = weights[e_col[r]]
        for c in range(n_out):
            out[d, c] += v * row[c]
    return out


@njit(cache=True, nogil=True)
def add_csr(out, indptr, indices, data, weights, offset):
    """``out[i] += data[j] * weights[indices[j] + offset]`` over each row's entries in order (float32)."""
    n_out = out.shape[1]
    for i in range(len(indptr) - 1):
        for j in range(indptr[i], indptr[i + 1]):
            v = data[j]
            row = weights[indices[j] + offset]
            for c in range(n_out):
                out[i, c] += v * row[c]


@njit(cache=True, nogil=True)
def add_dense(out, dense, weights, offset):
    """``out[i] += dense[i, j] * weights[j + offset]`` for each non-zero, columns in order (float32)."""
    n_out = out.shape[1]
    for i in range(dense.shape[0]):
        for j in range(dense.shape[1]):
            v = dense[i, j]
            if v != 0:
                row = weights[j + offset]
                for c in range(n_out):
                    out[i, c] += v * row[c]


@njit(cache=True, nogil=True)
def assemble_hits(n, n_labels, n_codes, hdoc, tid, neg, deg, ent_off, label, weight, flip_off, flip_target,
                  flip_share, rx_off, rx_code):
    """What the lexicon hits of a batch (in the order the per-text loop visits them) add up to.

    Per hit of cue ``tid`` in text ``hdoc``: each of its (label, weight) entries adds ``weight ×
    degree`` to the label, or, negated, that times each flip share to the flip targets (float64, in
    hit order); cues with entries count as cues (and as negated ones); an entry's evidence string is
    ``2 × entry + negated`` in the lexicon's evidence table; a hit that is not negated fires its
    reaction codes. Returns (scores, reaction flags, cue counts, negated counts, evidence ids and
    their texts, and the reaction hits as text and (cue, reaction) entry)."""
    scores = np.zeros((n, n_labels), dtype=np.float64)
    flags = np.zeros((n, n_codes), dtype=np.float32)
    n_cues = np.zeros(n, dtype=np.int64)
    n_neg = np.zeros(n, dtype=np.int64)
    h = len(hdoc)
    n_ev = 0
    n_rx = 0
    for i in range(h):
        t = tid[i]
        n_ev += ent_off[t + 1] - ent_off[t]
        if not neg[i]:
            n_rx += rx_off[t + 1] - rx_off[t]
    ev_idx = np.empty(n_ev, dtype=np.int64)
    ev_doc = np.empty(n_ev, dtype=np.int64)
    rx_doc = np.empty(n_rx, dtype=np.int64)
    rx_entry = np.empty(n_rx, dtype=np.int64)
    m = 0
    r = 0
    for i in range(h):
        d = hdoc[i]
        t = tid[i]
        e0 = ent_off[t]
        e1 = ent_off[t + 1]
        if e1 > e0:
            n_cues[d] += 1
            if neg[i]:
                n_neg[d] += 1
        for e in range(e0, e1):
            w = weight[e] * deg[i]
            lab = label[e]
            if neg[i]:
                for f in range(flip_off[lab], flip_off[lab + 1]):
                    scores[d, flip_target[f]] += w * flip_share[f]
                ev_idx[m] = 2 * e + 1
            else:
                scores[d, lab] += w
                ev_idx[m] = 2 * e
            ev_doc[m] = d
            m += 1
        if not neg[i]:
            for q in range(rx_off[t], rx_off[t + 1]):
                c = rx_code[q]
                flags[d, c] = 1.0
                rx_doc[r] = d
                rx_entry[r] = q
                r += 1
    return scores, flags, n_cues, n_neg, ev_idx, ev_doc, rx_doc, rx_entry


@njit(cache=True, nogil=True, inline="always")
def _is_letter(c):
    return 0x61 <= c <= 0x7A


@njit(cache=True, nogil=True)
def text_stats(cp, n, slang):
    """Per text of a batch laid out ``0 t0 0 t1 0 … 0``: (CJK ideographs, words, words that are not
    pinyin slang, holds '!', holds '?', holds an [a-z0-9] character).

    A word is a run of a–z; a run, an apostrophe and a run form one word, pairwise left to right
    (``[a-z]+(?:'[a-z]+)?`` as ``findall`` reads it). A one-run word of at most 12 letters is slang
    when its code (5 bits a letter) is in ``slang`` (sorted)."""
    cjk = np.zeros(n, dtype=np.int64)
    words = np.zeros(n, dtype=np.int64)
    latin = np.zeros(n, dtype=np.int64)
    exclaim = np.zeros(n, dtype=np.bool_)
    question = np.zeros(n, dtype=np.bool_)
    has_word = np.zeros(n, dtype=np.bool_)
    size = len(cp)
    doc = -1
    chain_pos = 0  # position of the current run in its chain of apostrophe-linked runs
    linked = False  # whether the previous run links to the next one
    p = 0
    while p < size:
        c = cp[p]
        if c == 0:
            doc += 1
            linked = False
            p += 1
            continue
        if (0x3400 <= c <= 0x4DBF) or (0x4E00 <= c <= 0x9FFF) or (0xF900 <= c <= 0xFAFF):
            cjk[doc] += 1
        elif c == 0x21:
            exclaim[doc] = True
        elif c == 0x3F:
            question[doc] = True
        elif 0x30 <= c <= 0x39:
            has_word[doc] = True
        elif _is_letter(c):
            has_word[doc] = True
            e = p + 1
            while e < size and _is_letter(cp[e]):
                e += 1
            chain_pos = chain_pos + 1 if linked else 0
            linked = e + 1 < size and cp[e] == 39 and _is_letter(cp[e + 1])
            if chain_pos % 2 == 0:
                words[doc] += 1
                is_slang = False
                if not linked and e - p <= 12 and len(slang):
                    code = np.int64(0)
                    for j in range(e - p):
                        code += (np.int64(cp[p + j]) - 96) << (5 * j)
                    lo = 0
                    hi = len(slang)
                    while lo < hi:
                        mid = (lo + hi) >> 1
                        if slang[mid] < code:
                            lo = mid + 1
                        else:
                            hi = mid
                    is_slang = lo < len(slang) and slang[lo] == code
                if not is_slang:
                    latin[doc] += 1
            p = e
            continue
        if not (c == 39 and linked):
            linked = False
        p += 1
    return cjk, words, latin, exclaim, question, has_word


@njit(cache=True, nogil=True)
def complex_texts(cp, flags, complex_flag, max_in):
    """Texts (of ``0 t0 0 t1 0 … 0``) with a character flagged ``complex_flag`` among their first
    ``max_in`` characters: those whose NFKC depends on context and go through unicodedata first."""
    out = []
    doc = -1
    at = 0
    hit = False
    for i in range(len(cp)):
        c = cp[i]
        if c == 0:
            if hit:
                out.append(doc)
            doc += 1
            at = 0
            hit = False
            continue
        if at < max_in and (flags[c] & complex_flag):
            hit = True
        at += 1
    return np.array(out, dtype=np.int64)


@njit(cache=True, nogil=True)
def normalize_codes(cp, flags, single, multi_cp, multi_off, multi_flat, space, expands_flag, delete, max_in,
                    max_out):
    """`normalize.normalize_with_stats` after NFKC's context-dependent cases, for every text of
    ``0 t0 0 t1 0 … 0`` at once: (normalised code points in the same layout, characters removed by
    collapsing repeats per text).

    Per text: its first ``max_in`` characters; each mapped by the NFKC + lower case + translate
    table (``single``, or the sequence of ``multi_*`` for characters that expand; ``delete`` drops
    it); runs of white space (``space``) to one space, none at either end; a run of one character
    kept to 3 (``(.)\\1{3,}`` → ``\\1\\1\\1``); then a stretch repeating a two-character unit
    kept to two units (``(..)\\1{2,}`` → ``\\1\\1``); then the first ``max_out`` characters."""
    size = 0
    for i in range(len(cp)):
        c = cp[i]
        if flags[c] & expands_flag:
            k = np.searchsorted(multi_cp, c)
            size += multi_off[k + 1] - multi_off[k]
        else:
            size += 1
    out = np.empty(size, dtype=np.uint32)
    drop = np.zeros(size, dtype=np.bool_)
    n_docs = 0
    for i in range(len(cp)):
        if cp[i] == 0:
            n_docs += 1
    removed = np.zeros(max(n_docs - 1, 0), dtype=np.int64)
    w = 0
    doc = -1
    i = 0
    n_in = len(cp)
    while i < n_in:
        if cp[i] == 0:
            out[w] = 0
            w += 1
            doc += 1
            i += 1
            continue
        t0 = w
        j = i
        while j < n_in and cp[j] != 0:
            if j - i < max_in:
                c = cp[j]
                if flags[c] & expands_flag:
                    k = np.searchsorted(multi_cp, c)
                    for q in range(multi_off[k], multi_off[k + 1]):
                        v = multi_flat[q]
                        if v != delete:
                            out[w] = v
                            w += 1
                else:
                    v = single[c]
                    if v != delete:
                        out[w] = v
                        w += 1
            j += 1
        i = j
        # white space: one space per run, none at the start or the end
        w2 = t0
        prev_space = True
        for r in range(t0, w):
            v = out[r]
            if space[v]:
                if prev_space:
                    continue
                out[w2] = 0x20
                w2 += 1
                prev_space = True
            else:
                out[w2] = v
                w2 += 1
                prev_space = False
        if prev_space and w2 > t0:
            w2 -= 1
        before = w2 - t0
        # (.)\1{3,} -> \1\1\1: drop a character preceded by three equal ones
        w3 = t0
        a1 = np.uint32(0)
        a2 = np.uint32(0)
        a3 = np.uint32(0)
        for r in range(t0, w2):
            v = out[r]
            keep = not (r - t0 >= 3 and v == a1 and v == a2 and v == a3)
            a3 = a2
            a2 = a1
            a1 = v
            if keep:
                out[w3] = v
                w3 += 1
        # (..)\1{2,} -> \1\1: a stretch of p with out[p] == out[p + 2], starting at s and r long, is a
        # period-2 segment r + 2 long; re matches it when r >= 4 and keeps 4 of its 2*((r+2)//2) characters
        length = w3 - t0
        any_drop = False
        p = 0
        while p + 2 < length:
            if out[t0 + p] == out[t0 + p + 2]:
                s = p
                while p + 2 < length and out[t0 + p] == out[t0 + p + 2]:
                    p += 1
                r = p - s
                if r >= 4:
                    for q in range(s + 4, s + 2 * ((r + 2) // 2)):
                        drop[t0 + q] = True
                    any_drop = True
            else:
                p += 1
        w4 = w3
        if any_drop:
            w4 = t0
            for r in range(t0, w3):
                if drop[r]:
                    drop[r] = False
                else:
                    out[w4] = out[r]
                    w4 += 1
        removed[doc] = before - (w4 - t0)
        w = t0 + min(w4 - t0, max_out)
    return out[:w].copy(), removed


@njit(cache=True, nogil=True)
def finding_ids(n, ev_idx, ev_doc, rx_doc, rx_entry, n_ev_pieces, rx_code, alpha_rank, n_codes):
    """Per text, the ids of its evidence strings (``ev_idx``) and then of its reaction strings
    (``n_ev_pieces + entry``) by code in alphabetical order, each code's cues in hit order — the
    evidence list of a result: (ids, int64 offsets per text). ``ev_doc`` and ``rx_doc`` ascend."""
    ids = np.empty(len(ev_idx) + len(rx_entry), dtype=np.int64)
    off = np.zeros(n + 1, dtype=np.int64)
    m = 0
    e = 0
    r = 0
    for d in range(n):
        while e < len(ev_idx) and ev_doc[e] == d:
            ids[m] = ev_idx[e]
            m += 1
            e += 1
        r0 = r
        while r < len(rx_entry) and rx_doc[r] == d:
            r += 1
        if r > r0:
            for rank in range(n_codes):
                for q in range(r0, r):
                    if alpha_rank[rx_code[rx_entry[q]]] == rank:
                        ids[m] = n_ev_pieces + rx_entry[q]
                        m += 1
        off[d + 1] = m
    return ids, off


@njit(cache=True, nogil=True)
def json_lists(ids, off, pieces, piece_off):
    """Per text, ``"[" + ", ".join(its pieces) + "]"`` from the pieces' bytes (``json.dumps`` of a list
    of strings, given each string's own JSON encoding): (UTF-8 bytes, int64 offsets)."""
    n = len(off) - 1
    out_off = np.zeros(n + 1, dtype=np.int64)
    for d in range(n):
        size = 2
        for i in range(off[d], off[d + 1]):
            size += piece_off[ids[i] + 1] - piece_off[ids[i]]
        if off[d + 1] - off[d] > 1:
            size += 2 * (off[d + 1] - off[d] - 1)
        out_off[d + 1] = out_off[d] + size
    out = np.empty(out_off[n], dtype=np.uint8)
    for d in range(n):
        w = out_off[d]
        out[w] = 91  # [
        w += 1
        for i in range(off[d], off[d + 1]):
            if i > off[d]:
                out[w] = 44  # ,
                out[w + 1] = 32
                w += 2
            p = ids[i]
            for b in range(piece_off[p], piece_off[p + 1]):
                out[w] = pieces[b]
                w += 1
        out[w] = 93  # ]
    return out, out_off


@njit(cache=True, nogil=True)
def _put_int(out, w, value, width):
    """Write ``value`` as ``width`` decimal digits (zero-padded) at ``w``; returns the new end."""
    for j in range(width - 1, -1, -1):
        out[w + j] = 48 + value % 10
        value //= 10
    return w + width


@njit(cache=True, nogil=True, inline="always")
def _put_unit6(out, w, v):
    """Write ``v`` (a multiple of 10**-6 in [0, 1]) at ``w`` as Python's ``repr`` writes it (what
    ``json.dumps`` writes for a finite float); returns the new end, or -1 (nothing usable written)
    when ``v`` is not such a number (NaN included)."""
    m = np.rint(v * 1e6)
    if not (m >= 0.0 and m <= 1e6 and m / 1e6 == v):
        return -1
    q = np.int64(m)
    if q == 0 or q == 1000000:  # 0.0 / 1.0
        out[w] = 48 if q == 0 else 49
        out[w + 1] = 46
        out[w + 2] = 48
        return w + 3
    if q >= 100:  # 0.dddddd without trailing zeros
        digits = 6
        while q % 10 == 0:
            q //= 10
            digits -= 1
        out[w] = 48
        out[w + 1] = 46
        return _put_int(out, w + 2, q, digits)
    # below 1e-4: repr switches to an exponent (5e-06, 1.2e-05, 5e-05)
    if q < 10:
        out[w] = 48 + q
        w += 1
        exp = 6
    elif q % 10 == 0:
        out[w] = 48 + q // 10
        w += 1
        exp = 5
    else:
        out[w] = 48 + q // 10
        out[w + 1] = 46
        out[w + 2] = 48 + q % 10
        w += 3
        exp = 5
    out[w] = 101  # e
    out[w + 1] = 45  # -
    out[w + 2] = 48
    out[w + 3] = 48 + exp
    return w + 4


@njit(cache=True, nogil=True)
def scores_json(proba, parts, part_off):
    """Per row of ``proba`` (rounded to 6 places), ``parts[0] v0 parts[1] v1 … parts[k]`` with each
    value written as Python's ``repr`` writes it (what ``json.dumps`` writes for a finite float):
    (ok, UTF-8 bytes, int64 offsets). ``ok`` is False, and nothing usable is returned, when a value
    is not a multiple of 10**-6 in [0, 1] (NaN included): the caller then formats in Python."""
    n, k = proba.shape
    fixed = part_off[k + 1]
    out = np.empty(n * (fixed + 8 * k), dtype=np.uint8)
    off = np.zeros(n + 1, dtype=np.int64)
    w = 0
    for i in range(n):
        for j in range(k + 1):
            for b in range(part_off[j], part_off[j + 1]):
                out[w] = parts[b]
                w += 1
            if j == k:
                break
            w = _put_unit6(out, w, proba[i, j])
            if w < 0:
                return False, out[:0], off
        off[i + 1] = w
    return True, out[:w].copy(), off


@njit(cache=True, nogil=True)
def floats_json(values):
    """Per value (rounded to 6 places, in [-1, 1]) its ``repr``, a minus sign included where the sign
    bit is set (``-0.0`` too, as ``repr`` writes it): (ok, UTF-8 bytes, int64 offsets); ``ok`` as
    :func:`scores_json`."""
    n = len(values)
    out = np.empty(n * 10, dtype=np.uint8)
    off = np.zeros(n + 1, dtype=np.int64)
    w = 0
    for i in range(n):
        v = values[i]
        if np.signbit(v):
            out[w] = 45
            w += 1
            v = -v
        w = _put_unit6(out, w, v)
        if w < 0:
            return False, out[:0], off
        off[i + 1] = w
    return True, out[:w].copy(), off


@njit(cache=True, nogil=True)
def json_strings(data, offsets, valid):
    """Per value, its JSON text as ``json.dumps(value, ensure_ascii=False)`` writes it (``"`` and ``\\``
    escaped, \\n \\r \\t \\b \\f by name, other control characters as \\u00XX) from UTF-8 ``data`` and
    int64 ``offsets``; ``null`` where ``valid`` is False: (UTF-8 bytes, int64 offsets)."""
    n = len(offsets) - 1
    out_off = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        if not valid[i]:
            out_off[i + 1] = out_off[i] + 4
            continue
        size = 2
        for b in range(offsets[i], offsets[i + 1]):
            c = data[b]
            if c == 34 or c == 92 or c == 10 or c == 13 or c == 9 or c == 8 or c == 12:
                size += 2
            elif c < 32:
                size += 6
            else:
                size += 1
        out_off[i + 1] = out_off[i] + size
    out = np.empty(out_off[n], dtype=np.uint8)
    hexd = np.array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102], dtype=np.uint8)
    for i in range(n):
        w = out_off[i]
        if not valid[i]:
            out[w] = 110  # null
            out[w + 1] = 117
            out[w + 2] = 108
            out[w + 3] = 108
            continue
        out[w] = 34
        w += 1
        for b in range(offsets[i], offsets[i + 1]):
            c = data[b]
            if c == 34 or c == 92:
                out[w] = 92
                out[w + 1] = c
                w += 2
            elif c < 32:
                out[w] = 92
                if c == 10:
                    out[w + 1] = 110
                    w += 2
                elif c == 13:
                    out[w + 1] = 114
                    w += 2
                elif c == 9:
                    out[w + 1] = 116
                    w += 2
                elif c == 8:
                    out[w + 1] = 98
                    w += 2
                elif c == 12:
                    out[w + 1] = 102
                    w += 2
                else:
                    out[w + 1] = 117  # u00XX
                    out[w + 2] = 48
                    out[w + 3] = 48
                    out[w + 4] = hexd[c >> 4]
                    out[w + 5] = hexd[c & 15]
                    w += 6
            else:
                out[w] = c
                w += 1
        out[w] = 34
    return out, out_off


@njit(cache=True, nogil=True)
def gather_segments(data, starts, lengths):
    """Row ``i`` of the result is ``data[starts[i, 0]:+lengths[i, 0]]`` followed by its other segments in
    column order: how a JSON line is assembled from its pieces (keys, values, the input's own text)
    in one pass. Returns (UTF-8 bytes, int64 offsets per row)."""
    n, k = starts.shape
    off = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        size = 0
        for j in range(k):
            size += lengths[i, j]
        off[i + 1] = off[i] + size
    out = np.empty(off[n], dtype=np.uint8)
    for i in range(n):
        w = off[i]
        for j in range(k):
            s = starts[i, j]
            for b in range(s, s + lengths[i, j]):
                out[w] = data[b]
                w += 1
    return out, off


@njit(cache=True, nogil=True)
def reaction_evidence_json(n, rx_doc, rx_entry, rx_code, rx_tid, alpha_rank, code_bytes, code_off, term_bytes,
                           term_off):
    """Per text, ``json.dumps({code: [cues in hit order] for code in sorted codes}, ensure_ascii=False)``
    from the reaction hits (``rx_doc`` ascending) and the JSON texts of the codes (by alphabetical
    rank) and of the cue terms: (UTF-8 bytes, int64 offsets)."""
    n_codes = len(alpha_rank)
    out_off = np.zeros(n + 1, dtype=np.int64)
    r = 0
    for d in range(n):
        r0 = r
        while r < len(rx_entry) and rx_doc[r] == d:
            r += 1
        size = 2
        for rank in range(n_codes):
            first = True
            for q in range(r0, r):
                e = rx_entry[q]
                if alpha_rank[rx_code[e]] == rank:
                    if first:
                        size += code_off[rank + 1] - code_off[rank] + 4  # "code": [
                        first = False
                    else:
                        size += 2
                    size += term_off[rx_tid[e] + 1] - term_off[rx_tid[e]]
            if not first:
                size += 1  # ]
        out_off[d + 1] = out_off[d] + size
    # separators between codes: ", " each
    out = np.empty(out_off[n] + 2 * len(rx_entry), dtype=np.uint8)
    w = 0
    r = 0
    for d in range(n):
        r0 = r
        while r < len(rx_entry) and rx_doc[r] == d:
            r += 1
        out[w] = 123  # {
        w += 1
        any_code = False
        for rank in range(n_codes):
            first = True
            for q in range(r0, r):
                e = rx_entry[q]
                if alpha_rank[rx_code[e]] == rank:
                    if first:
                        if any_code:
                            out[w] = 44
                            out[w + 1] = 32
                            w += 2
                        for b in range(code_off[rank], code_off[rank + 1]):
                            out[w] = code_bytes[b]
                            w += 1
                        out[w] = 58  # ": ["
                        out[w + 1] = 32
                        out[w + 2] = 91
                        w += 3
                        first = False
                        any_code = True
                    else:
                        out[w] = 44
                        out[w + 1] = 32
                        w += 2
                    t = rx_tid[e]
                    for b in range(term_off[t], term_off[t + 1]):
                        out[w] = term_bytes[b]
                        w += 1
            if not first:
                out[w] = 93
                w += 1
        out[w] = 125  # }
        w += 1
        out_off[d + 1] = w
    return out[:w].copy(), out_off


@njit(cache=True, nogil=True)
def jsonl_lines(buf):
    """The records of a chunk of whole lines (each ending in a newline): per line holding a non-space
    byte, its start, its end (the newline), its first non-space byte, and the last non-space byte
    before its last one (an object's text ends there, just before its closing brace); and the index
    of each such line among all lines."""
    n_lines = 0
    for b in buf:
        if b == 10:
            n_lines += 1
    starts = np.empty(n_lines, dtype=np.int64)
    ends = np.empty(n_lines, dtype=np.int64)
    first = np.empty(n_lines, dtype=np.int64)
    before = np.empty(n_lines, dtype=np.int64)
    index = np.empty(n_lines, dtype=np.int64)
    m = 0
    s = 0
    line = 0
    for i in range(len(buf)):
        if buf[i] != 10:
            continue
        f = -1
        last = -1
        prev = -1
        for j in range(s, i):
            c = buf[j]
            if c != 32 and c != 9 and c != 13:
                if f < 0:
                    f = j
                prev = last
                last = j
        if f >= 0:
            starts[m] = s
            ends[m] = i
            first[m] = f
            before[m] = prev if prev >= 0 else f
            index[m] = line
            m += 1
        s = i + 1
        line += 1
    return starts[:m], ends[:m], first[:m], before[:m], index[:m]
