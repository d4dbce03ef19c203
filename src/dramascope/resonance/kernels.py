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
    return root[c if c < last else last]


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


@njit(cache=True, nogil=True)
def longest_matches(cp, trie, boundary, use_boundary, doc, only, use_only):
    """Leftmost-longest, non-overlapping term matches over a framed code-point array, left to right
    (what ``finditer`` of a trie pattern finds): (start, term id, length) arrays.

    With ``use_boundary`` a term counts only where neither the character before it nor the one after
    it is a word character (``boundary``); with ``use_only`` only texts ``doc[p]`` with ``only`` set
    are searched. A position covered by a match taken before it starts nothing."""
    n = len(cp)
    pos = np.empty(n, dtype=np.int64)
    tid = np.empty(n, dtype=np.int64)
    length = np.empty(n, dtype=np.int64)
    m = 0
    last = n - 1
    covered = -1
    node_term = trie[4]
    for p in range(n):
        if p < covered:
            continue
        node = _root(trie, cp[p])
        if node < 0:
            continue
        if use_only and not only[doc[p]]:
            continue
        if use_boundary and boundary[p - 1]:
            continue
        best_len = 0
        best_t = -1
        depth = 1
        at = p
        while True:
            at += 1
            t = node_term[node]
            if t >= 0 and not (use_boundary and boundary[at]):
                best_len = depth
                best_t = t
            if at >= last:
                break
            node = _child(trie, node, cp[at])
            if node < 0:
                break
            depth += 1
        if best_len > 0:
            pos[m] = p
            tid[m] = best_t
            length[m] = best_len
            m += 1
            covered = p + best_len
    return pos[:m].copy(), tid[:m].copy(), length[:m].copy()


@njit(cache=True, nogil=True, inline="always")
def _longest_in(cp, trie, j, limit):
    """(term, length) of the longest term starting at ``j`` and ending at or before ``limit``."""
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
        if t >= 0:
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
            if clause_table[c if c < n_clause else n_clause]:
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
        order = np.argsort(keys[:m])
        sp = 0.0
        sn = 0.0
        for r in range(m):
            t = ids[order[r]]
            sp += w_pos[t]
            sn += w_neg[t]
        pos[d] = sp
        neg[d] = sn
    return pos, neg


@njit(cache=True, nogil=True)
def ngram_scores(cps, seps, sizes, n_bits, idf, log1p, weights):
    """(n, k) float32: ``tfidf(hashed_ngrams(texts, sizes, n_bits), idf) @ weights`` for texts framed
    by separators in ``cps`` (``seps``: the n + 1 separator positions).

    The n-gram hashes are those of `features.ngram_occurrences` (a window may touch the framing
    separators but hold none inside; an empty text has no bigram). They are grouped by column with
    one counting sort (stable: texts stay in order within a column), so the weight table is read in
    column order (a row-major product would read it at random, a cache miss per n-gram); each text
    still sees its columns in ascending order, as in scipy's CSR product: ``log1p(count) * idf`` in
    float32 (``log1p`` is numpy's float32 log1p, looked up), the float64 norm summed in column order,
    and the float32 products added to the row in column order."""
    n = len(seps) - 1
    n_out = weights.shape[1]
    dim = 1 << n_bits
    out = np.zeros((n, n_out), dtype=np.float32)
    shift = np.uint64(64 - n_bits)
    n_sizes = len(sizes)
    total = 0
    for d in range(n):
        length = seps[d + 1] - seps[d] - 1
        for si in range(n_sizes):
            k = sizes[si]
            if k == 1:
                total += length
            elif not (k == 2 and length == 0):
                total += max(length + 3 - k, 0)
    col_of = np.empty(total, dtype=np.int32)
    doc_of = np.empty(total, dtype=np.int32)
    start = np.zeros(dim + 1, dtype=np.int32)
    m = 0
    for d in range(n):
        s0 = seps[d]
        s1 = seps[d + 1]
        for si in range(n_sizes):
            k = sizes[si]
            if k == 1:
                lo, hi = s0 + 1, s1 - 1
            else:
                lo, hi = s0, s1 - k + 1
                if k == 2 and s1 == s0 + 1:
                    continue
            seed = np.uint64(k) * _SIZE_SEED
            for i in range(lo, hi + 1):
                hsh = seed
                for j in range(k):
                    hsh = hsh * _PRIMES[j % 5] + np.uint64(cps[i + j]) + np.uint64(1)
                hsh = hsh * _MULT
                c = np.int32(hsh >> shift)
                col_of[m] = c
                doc_of[m] = d
                start[c + 1] += 1
                m += 1
    for c in range(dim):
        start[c + 1] += start[c]
    fill = start[:dim].copy()
    by_col = np.empty(total, dtype=np.int32)
    for r in range(total):
        c = col_of[r]
        by_col[fill[c]] = doc_of[r]
        fill[c] += 1
    # one entry per (column, text): its tf-idf before normalisation, and each text's squared norm
    e_doc = col_of  # reused: at most as many entries as occurrences
    e_col = doc_of
    e_val = np.empty(total, dtype=np.float32)
    sumsq = np.zeros(n, dtype=np.float64)
    u = 0
    for c in range(dim):
        r = start[c]
        end = start[c + 1]
        while r < end:
            d = by_col[r]
            q = r + 1
            while q < end and by_col[q] == d:
                q += 1
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
