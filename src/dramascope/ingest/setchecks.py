"""Rules that need more than one row: references to other tables and duplicate keys in a file.

Both are set-based Ibis expressions over the staged rows, so they run inside the engine (DuckDB or
Spark) however large the file is, and give the same answer on both. Each check first counts its
offenders (one aggregate query); the more expensive expressions are only built when there are any.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from dramascope.ingest.coerce import LINE
from dramascope.schema import Table

_VIOLATION_COLUMNS = ("line", "field", "value", "reason", "raw")


def raw_text(rows: ir.Table, columns: list[str]) -> ir.StringValue:
    """A row rebuilt as comma-separated text from its typed values (lists joined with ';')."""
    parts = []
    for c in columns:
        col = rows[c]
        text = col.join(";") if col.type().is_array() else col.cast("string")
        parts.append(text.fill_null(""))
    return ibis.literal(",", type="string").join(parts)


def _violations(rows: ir.Table, columns: list[str], field: str, value: ir.Value,
                reason: ir.Value) -> ir.Table:
    return rows.select(
        line=rows[LINE].cast("int64"),
        field=ibis.literal(field, type="string"),
        value=value.cast("string"),
        reason=reason.cast("string"),
        raw=raw_text(rows, columns),
    )


def unresolved_references(table: Table, rows: ir.Table, lookup) -> list[ir.Table]:
    """Per declared reference (in order), the rows whose non-null value is not in the referenced table."""
    out = []
    for column, ref_table, ref_column in table.references:
        ref = lookup(ref_table).select(ref_column)
        if ref_table == table.name:
            ref = ref.union(rows.select(ref_column))
        present = rows.filter(rows[column].notnull())
        out.append(present.anti_join(ref, present[column] == ref[ref_column]))
    return out


def unresolved_reference_values(table: Table, rows: ir.Table, lookup) -> list[ir.Table]:
    """Per declared reference, the DISTINCT non-null values not in the referenced table: enough to
    tell whether any row is unresolved, and far cheaper than probing every row (a few thousand
    titles against millions of rows)."""
    out = []
    for column, ref_table, ref_column in table.references:
        ref = lookup(ref_table).select(ref_column)
        values = rows.select(column).filter(rows[column].notnull()).distinct()
        out.append(values.anti_join(ref, values[column] == ref[ref_column]))
    return out


def key_hash_excess(table: Table, rows: ir.Table) -> ir.IntegerScalar:
    """Rows minus distinct hashes of their keys: 0 proves every key is unique (equal keys hash
    alike), anything else means a duplicate OR a hash collision, which :func:`duplicate_key_groups`
    then settles exactly. Counting distinct 64-bit hashes is about half the cost of grouping by the
    key columns themselves (strings and dates) on millions of rows, and needs a smaller hash table."""
    key = list(table.key)
    hashed = rows[key[0]].hash() if len(key) == 1 else ibis.struct({k: rows[k] for k in key}).hash()
    return rows.count() - hashed.nunique()


def duplicate_key_groups(table: Table, rows: ir.Table) -> ir.Table:
    """Keys held by more than one row (a GROUP BY ... HAVING count > 1: no line numbers needed)."""
    key = list(table.key)
    return rows.group_by(key).aggregate(_n=rows.count()).filter(lambda t: t._n > 1)


def reference_violations(table: Table, staged: ir.Table, lookup, count) -> tuple[ir.Table, list[ir.Table]]:
    """(staged rows whose references all resolve, violation tables for those that do not).

    ``lookup(name)`` gives a workspace table, ``count(expr)`` runs a count. A table that references
    itself also accepts keys from the same file.
    """
    columns = [c.name for c in table.columns]
    bad_parts: list[ir.Table] = []
    ok = staged
    for (column, ref_table, ref_column), missing in zip(table.references,
                                                        unresolved_references(table, staged, lookup)):
        if count(missing) == 0:
            continue
        bad_parts.append(_violations(
            missing, columns, column, missing[column],
            ibis.literal(f"no such {ref_column} in {ref_table} (load {ref_table} first)", type="string")))
        ok = ok.anti_join(missing, ok[LINE] == missing[LINE])
    return ok, bad_parts


def duplicate_keys(table: Table, rows: ir.Table, count, scalar=None) -> tuple[ir.Table, ir.Table | None]:
    """(last row of each key, violations for the earlier rows with the key naming the line kept).

    ``scalar(expr)``, where given, runs the cheaper :func:`key_hash_excess` first (engines whose
    64-bit hash makes collisions rare; a 32-bit hash, as Spark's, would mostly just add a job)."""
    key = list(table.key)
    if scalar is not None and int(scalar(key_hash_excess(table, rows))) == 0:
        return rows, None
    dup = rows.group_by(key).aggregate(_n=rows.count(), _kept_line=rows[LINE].max()).filter(lambda t: t._n > 1)
    if count(dup) == 0:
        return rows, None
    joined = rows.inner_join(dup, key)
    losers = joined.filter(joined[LINE] < joined._kept_line)
    parts: list[ir.Value] = []
    for i, k in enumerate(key):
        parts.append(ibis.literal(("" if i == 0 else ", ") + f"{k}=", type="string"))
        parts.append(losers[k].cast("string").fill_null(""))
    value = parts[0]
    for p in parts[1:]:
        value = value + p
    reason = ibis.literal("duplicate key in the file; the row at line ", type="string") \
        + losers._kept_line.cast("string") + ibis.literal(" is kept", type="string")
    winners = rows.anti_join(losers, rows[LINE] == losers[LINE])
    return winners, _violations(losers, [c.name for c in table.columns], "+".join(key), value, reason)


def union_violations(parts: list[ir.Table]) -> ir.Table:
    parts = [p.select(*_VIOLATION_COLUMNS) for p in parts]
    out = parts[0]
    for p in parts[1:]:
        out = out.union(p)
    return out
