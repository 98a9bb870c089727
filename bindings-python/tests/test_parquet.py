"""Typed cohort tables: `dosera report --format parquet`, `Cohort.to_parquet`,
`Cohort.to_arrow`, `Engine.cohort_tables` and `dosera.check_parquet`.

The Parquet files must hold exactly the rows of the TSV tables, typed by the
rules of `core/src/report/parquet.rs`: every reader (pyarrow, polars, DuckDB)
is turned back into the TSV text, field by field, and compared row by row.
"""

from __future__ import annotations

import functools
import gzip
import random
import re
import subprocess
from pathlib import Path
from typing import Any, Callable, Literal

import pytest

import dosera

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pc = pytest.importorskip("pyarrow.compute")

# The documented columns and what each holds (core/src/report/tables.rs,
# core/src/report/parquet.rs): text (not null), optional text (null when
# empty), a ` | `-joined list, the `, `-joined gene names, a yes/no flag, a
# count; `score` is the genes table's added `activity_score`.
GENE_KINDS = {
    "sample": "text",
    "gene": "text",
    "source": "text",
    "diplotypes": "list",
    "phenotypes": "list",
    "activity_scores": "list",
    "activity_score": "score",
    "lookup_keys": "list",
    "missing_positions": "count",
    "called": "flag",
    "no_call_reason": "optional",
    "warnings": "list",
    "status": "text",
    "error": "optional",
}
DRUG_KINDS = {
    "sample": "text",
    "drug": "text",
    "source": "text",
    "guideline_id": "text",
    "actionable": "flag",
    "actions": "list",
    "strengths": "list",
    "dose_adjustments": "list",
    "genes": "names",
    "lookup_keys": "list",
    "recommendation_ids": "list",
    "matches": "count",
    "candidates_agree": "flag",
    "non_answers": "list",
    "warnings": "list",
    "status": "text",
    "error": "optional",
}
KINDS = {"genes": GENE_KINDS, "drugs": DRUG_KINDS}
Table = Literal["genes", "drugs"]
TABLES: tuple[Table, Table] = ("genes", "drugs")
META_KEYS = {
    "dosera.table",
    "dosera.schema_version",
    "dosera.engine_version",
    "dosera.packs_release",
    "dosera.packs_sha256",
}

# The Arrow type (and nullability) of each kind, as pyarrow, polars and
# DuckDB name it.
ARROW_TYPES = {
    "text": (pa.string(), False),
    "optional": (pa.string(), True),
    "list": (pa.list_(pa.string()), False),
    "names": (pa.list_(pa.string()), False),
    "flag": (pa.bool_(), True),
    "count": (pa.int64(), True),
    "score": (pa.float64(), True),
}
POLARS_TYPES = {
    "text": "String",
    "optional": "String",
    "list": "List(String)",
    "names": "List(String)",
    "flag": "Boolean",
    "count": "Int64",
    "score": "Float64",
}
DUCKDB_TYPES = {
    "text": "VARCHAR",
    "optional": "VARCHAR",
    "list": "VARCHAR[]",
    "names": "VARCHAR[]",
    "flag": "BOOLEAN",
    "count": "BIGINT",
    "score": "DOUBLE",
}

SAMPLES = 200
SEED = 20240611

# Rust's `f64::from_str` for finite numbers (what the core parses an
# activity score with): no spaces, no underscores.
RUST_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def one_score(items: list[str]) -> float | None:
    """`activity_score` from the candidates' scores: the number when every
    candidate has the same finite numeric score, else none."""
    values = set()
    for item in items:
        if not RUST_FLOAT.fullmatch(item):
            return None
        values.add(float(item))
    return values.pop() if len(values) == 1 else None


def to_text(kind: str, value: Any) -> str:
    """A typed value back as the TSV field it was made from; checks the
    value is of the kind's Python type on the way."""
    if kind == "text":
        assert isinstance(value, str), value
        return value
    if kind == "optional":
        # Empty text is written as null, never as "".
        assert value is None or (isinstance(value, str) and value != ""), repr(value)
        return value or ""
    if kind in ("list", "names"):
        assert isinstance(value, list) and all(isinstance(v, str) for v in value), repr(value)
        return (" | " if kind == "list" else ", ").join(value)
    if kind == "flag":
        assert value is None or isinstance(value, bool), repr(value)
        return {True: "yes", False: "no", None: ""}[value]
    if kind == "count":
        assert value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0), repr(value)
        return "" if value is None else str(value)
    raise AssertionError(kind)


@functools.lru_cache(maxsize=None)
def read_tsv(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a TSV table, split exactly at tabs and `\\n`."""
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    lines = text[:-1].split("\n")
    header = lines[0].split("\t")
    rows = [line.split("\t") for line in lines[1:]]
    assert all(len(r) == len(header) for r in rows)
    return header, rows


def assert_rows_equal_tsv(
    table: Table, columns: list[str], rows: list[tuple[Any, ...]], tsv: Path, reader: str
) -> None:
    """Typed `rows` (tuples in `columns` order) hold exactly the TSV's rows."""
    kinds = KINDS[table]
    header, text_rows = read_tsv(tsv)
    assert [c for c in columns if kinds.get(c) != "score"] == header, reader
    assert len(rows) == len(text_rows), (reader, table)
    typed = dict(zip(columns, zip(*rows)))
    for i, column in enumerate(header):
        kind = kinds[column]
        got = [to_text(kind, v) for v in typed[column]]
        want = [r[i] for r in text_rows]
        if got != want:
            n = next(n for n, (a, b) in enumerate(zip(got, want)) if a != b)
            raise AssertionError((reader, table, n, column, typed[column][n], want[n]))
    if table == "genes":
        scores = [one_score(items) for items in typed["activity_scores"]]
        assert list(typed["activity_score"]) == scores, reader


def write_outside(path: Path) -> Path:
    """Outside calls for every sample: an ambiguous CYP2D6 result (two
    candidates with different activity scores) and a HLA carrier status."""
    path.write_text("CYP2D6\t*1/*4\nCYP2D6\t*1/*10\nHLA-B\t*57:01 positive\n")
    return path


def spoil_cells(src: Path, dst: Path, seed: int) -> list[str]:
    """`dst`: the bgzipped VCF `src` as plain text with some genotype cells
    of a few samples unreadable (garbage, an allele beyond ALT, triploid,
    empty, missing); returns the spoiled samples."""
    rng = random.Random(seed)
    spoilers = ["x/y", "0/9", "0/1/1", "", ".", "./.", "1|"]
    lines = gzip.open(src, "rt").read().split("\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("#CHROM"))
    samples = lines[header].split("\t")[9:]
    spoiled = sorted(rng.sample(range(len(samples)), 12))
    for i in range(header + 1, len(lines)):
        if not lines[i] or rng.random() > 0.5:
            continue
        fields = lines[i].split("\t")
        for s in spoiled:
            if rng.random() < 0.4:
                cell = fields[9 + s].split(":")
                cell[0] = rng.choice(spoilers)
                fields[9 + s] = ":".join(cell)
        lines[i] = "\t".join(fields)
    dst.write_text("\n".join(lines))
    return [samples[s] for s in spoiled]


@pytest.fixture(scope="module")
def run(cli: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A simulated cohort (some cells spoiled) with outside calls, reported
    by the CLI as TSV and as Parquet."""
    root = tmp_path_factory.mktemp("parquet")
    sim = root / "sim.vcf.gz"
    subprocess.run(
        [cli, "simulate", "--samples", str(SAMPLES), "--seed", str(SEED), "--out", sim],
        check=True,
        capture_output=True,
    )
    vcf = root / "cohort.vcf"
    spoiled = root / "spoiled.txt"
    spoiled.write_text("\n".join(spoil_cells(sim, vcf, SEED)))
    outside = write_outside(root / "outside.tsv")
    out = {"vcf": vcf, "outside": outside, "spoiled": spoiled}
    for fmt in ("tsv", "parquet"):
        out[fmt] = root / fmt
        done = subprocess.run(
            [cli, "report", vcf, "--outside", outside, "--format", fmt, "--out", out[fmt]],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
    return out


def test_tables_are_not_trivial(run: dict[str, Path]) -> None:
    """The cohort exercises every kind of value: several rows per sample,
    nulls and values in every nullable column, multi-item lists, both
    kinds of activity score."""
    genes = pq.read_table(run["parquet"] / "genes.parquet")
    drugs = pq.read_table(run["parquet"] / "drugs.parquet")
    samples = dosera.vcf_samples(run["vcf"])
    assert len(samples) == SAMPLES
    assert genes.column("sample").unique().to_pylist() == samples
    assert len(genes) % SAMPLES == 0 and len(genes) > SAMPLES
    g, d = genes.to_pydict(), drugs.to_pydict()
    assert set(g["source"]) == {"vcf", "outside"}
    assert None in g["no_call_reason"] and any(g["no_call_reason"])
    assert set(g["called"]) == {True, False}
    # Only the samples with spoiled cells miss positions (the simulated
    # cohort covers every position), and each of them some.
    spoiled = set(run["spoiled"].read_text().split("\n"))
    missing = {s for s, m in zip(g["sample"], g["missing_positions"]) if m}
    assert missing == spoiled and min(g["missing_positions"]) == 0
    assert any(len(x) > 1 for x in g["diplotypes"]) and [] in g["diplotypes"]
    assert len({s for s in g["activity_score"] if s is not None}) > 1
    # Candidates with different scores: the list is kept, the number is null.
    assert any(s is None and len(set(x)) > 1 for s, x in zip(g["activity_score"], g["activity_scores"]))
    assert set(d["actionable"]) == {True, False}
    assert any(len(x) > 1 for x in d["genes"])
    assert max(d["matches"]) >= 1 and min(d["matches"]) == 0
    assert set(d["status"]) == {"ok"} and set(d["error"]) == {None}


@pytest.mark.parametrize("table", TABLES)
def test_schema_is_the_documented_one(run: dict[str, Path], table: Table, engine: dosera.Engine) -> None:
    path = run["parquet"] / f"{table}.parquet"
    schema = pq.read_schema(path)
    assert schema.names == list(KINDS[table])
    for field in schema:
        arrow_type, nullable = ARROW_TYPES[KINDS[table][field.name]]
        assert field.type == arrow_type, (field.name, field.type)
        assert field.nullable == nullable, field.name
        assert not pa.types.is_list(field.type) or field.type.value_type == pa.string()
    # The dosera.* metadata, in the Arrow schema and in the file's own
    # key-value metadata, with the same values.
    info = engine.pack_info()
    want = {
        "dosera.table": table,
        "dosera.schema_version": "1",
        "dosera.engine_version": info["engine_version"],
        "dosera.packs_release": info["release"],
        "dosera.packs_sha256": info["sha256"],
    }
    assert info["engine_version"] == dosera.__version__
    assert info["release"] and re.fullmatch(r"[0-9a-f]{64}", info["sha256"])
    arrow_meta = {k.decode(): v.decode() for k, v in schema.metadata.items()}
    file_meta = {k.decode(): v.decode() for k, v in pq.read_metadata(path).metadata.items()}
    for meta in (arrow_meta, file_meta):
        assert {k: v for k, v in meta.items() if k.startswith("dosera.")} == want


@pytest.mark.parametrize("table", TABLES)
def test_pyarrow_reads_the_tsv_rows(run: dict[str, Path], table: Table) -> None:
    t = pq.read_table(run["parquet"] / f"{table}.parquet")
    columns = t.column_names
    rows = list(zip(*(t.column(c).to_pylist() for c in columns)))
    assert_rows_equal_tsv(table, columns, rows, run["tsv"] / f"{table}.tsv", "pyarrow")


@pytest.mark.parametrize("table", TABLES)
def test_polars_reads_the_tsv_rows(run: dict[str, Path], table: Table) -> None:
    pl = pytest.importorskip("polars")
    frame = pl.read_parquet(run["parquet"] / f"{table}.parquet")
    assert {c: str(t) for c, t in frame.schema.items()} == {
        c: POLARS_TYPES[k] for c, k in KINDS[table].items()
    }
    assert_rows_equal_tsv(table, frame.columns, frame.rows(), run["tsv"] / f"{table}.tsv", "polars")


@pytest.mark.parametrize("table", TABLES)
def test_duckdb_reads_the_tsv_rows(run: dict[str, Path], table: Table, engine: dosera.Engine) -> None:
    duckdb = pytest.importorskip("duckdb")
    path = str(run["parquet"] / f"{table}.parquet")
    con = duckdb.connect()
    try:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()
        assert {name: kind for name, kind, *_ in described} == {
            c: DUCKDB_TYPES[k] for c, k in KINDS[table].items()
        }
        rel = con.execute(
            "SELECT * EXCLUDE (file_row_number) FROM read_parquet(?, file_row_number = true) "
            "ORDER BY file_row_number",
            [path],
        )
        columns = [d[0] for d in rel.description]
        rows = rel.fetchall()
        assert_rows_equal_tsv(table, columns, rows, run["tsv"] / f"{table}.tsv", "duckdb")
        kv = con.execute("SELECT key, value FROM parquet_kv_metadata(?)", [path]).fetchall()
    finally:
        con.close()
    meta = {bytes(k).decode(): bytes(v).decode() for k, v in kv}
    info = engine.pack_info()
    assert meta["dosera.table"] == table
    assert meta["dosera.schema_version"] == "1"
    assert meta["dosera.packs_release"] == info["release"]
    assert meta["dosera.packs_sha256"] == info["sha256"]
    assert meta["dosera.engine_version"] == info["engine_version"]
    assert META_KEYS <= set(meta)


def test_pandas_frame_agrees_with_parquet(run: dict[str, Path], cohort: dosera.Cohort) -> None:
    """The pandas frames (made from the TSV text) and the Parquet columns
    agree on the typed columns, `activity_score` included."""
    pytest.importorskip("pandas")
    for table in TABLES:
        frame = cohort.to_pandas(table=table)
        t = pq.read_table(run["parquet"] / f"{table}.parquet")
        for column, kind in KINDS[table].items():
            if kind in ("flag", "count", "score"):
                got = frame[column].astype(object).where(frame[column].notna(), None).tolist()
                assert got == t.column(column).to_pylist(), (table, column)


# -- the Python API writes and returns the same tables -----------------------


@pytest.fixture(scope="module")
def cohort(run: dict[str, Path], engine: dosera.Engine) -> dosera.Cohort:
    return engine.call_cohort(run["vcf"], outside=run["outside"])


def cli_table(run: dict[str, Path], table: Table) -> Any:
    return pq.read_table(run["parquet"] / f"{table}.parquet")


def assert_same(a: Any, b: Any, what: str) -> None:
    assert a.schema.equals(b.schema, check_metadata=True), (what, a.schema, b.schema)
    assert a.num_rows == b.num_rows, what
    assert a.equals(b, check_metadata=True), what


def test_to_parquet_equals_cli(run: dict[str, Path], cohort: dosera.Cohort, tmp_path: Path) -> None:
    assert cohort.samples == dosera.vcf_samples(run["vcf"]) and cohort.failed == []
    genes_path, drugs_path = cohort.to_parquet(tmp_path / "new" / "dir")
    assert Path(genes_path) == tmp_path / "new" / "dir" / "genes.parquet"
    assert Path(drugs_path) == tmp_path / "new" / "dir" / "drugs.parquet"
    for table, path in zip(TABLES, (genes_path, drugs_path)):
        assert_same(pq.read_table(path), cli_table(run, table), f"to_parquet {table}")
        assert pq.read_metadata(path).metadata == pq.read_metadata(run["parquet"] / f"{table}.parquet").metadata
    # Written again over the old files: replaced, not appended to.
    again = cohort.to_parquet(tmp_path / "new" / "dir")
    assert pq.read_table(again[0]).num_rows == cli_table(run, "genes").num_rows


@pytest.mark.parametrize("table", TABLES)
def test_to_arrow_equals_cli(run: dict[str, Path], cohort: dosera.Cohort, table: Table) -> None:
    assert_same(cohort.to_arrow(table), cli_table(run, table), f"to_arrow {table}")


def test_to_arrow_default_is_genes(cohort: dosera.Cohort) -> None:
    assert cohort.to_arrow().schema.metadata[b"dosera.table"] == b"genes"


def test_cohort_tables_equal_cli(run: dict[str, Path], engine: dosera.Engine) -> None:
    genes, drugs = engine.cohort_tables(run["vcf"], outside=run["outside"])
    assert_same(genes, cli_table(run, "genes"), "cohort_tables genes")
    assert_same(drugs, cli_table(run, "drugs"), "cohort_tables drugs")
    # One thread gives the same rows, in the same order.
    genes1, drugs1 = engine.cohort_tables(run["vcf"], outside=run["outside"], threads=1)
    assert_same(genes1, genes, "threads=1 genes")
    assert_same(drugs1, drugs, "threads=1 drugs")


def test_cohort_tables_slices(run: dict[str, Path], engine: dosera.Engine) -> None:
    samples = dosera.vcf_samples(run["vcf"])
    whole = {t: cli_table(run, t) for t in TABLES}
    cuts = [0, 1, 57, 130, len(samples) - 1, len(samples)]
    parts: dict[str, list[Any]] = {t: [] for t in TABLES}
    for start, stop in zip(cuts, cuts[1:]):
        got = engine.cohort_tables(run["vcf"], outside=run["outside"], start=start, stop=stop)
        chosen = samples[start:stop]
        for table, part in zip(TABLES, got):
            assert part.column("sample").unique().to_pylist() == chosen
            mask = pc.is_in(whole[table].column("sample"), value_set=pa.array(chosen))
            assert_same(part, whole[table].filter(mask), f"{table} [{start}:{stop}]")
            parts[table].append(part)
    for table in TABLES:
        assert_same(pa.concat_tables(parts[table]), whole[table], f"{table} slices joined")
    # Only start, only stop: the rest of the file, its beginning.
    tail_genes, _ = engine.cohort_tables(run["vcf"], outside=run["outside"], start=len(samples) - 3)
    assert tail_genes.column("sample").unique().to_pylist() == samples[-3:]
    head_genes, _ = engine.cohort_tables(run["vcf"], outside=run["outside"], stop=2)
    assert head_genes.column("sample").unique().to_pylist() == samples[:2]


def test_failed_tables(run: dict[str, Path], engine: dosera.Engine) -> None:
    """Rows of samples that could not be called: one per gene and drug a
    sample has, nothing known of it, the error given."""
    names = ["lost-1", "lost-2"]
    genes, drugs = engine.failed_tables(names, "worker lost", outside=run["outside"])
    whole = {t: cli_table(run, t) for t in TABLES}
    first = dosera.vcf_samples(run["vcf"])[0]
    for table, got in zip(TABLES, (genes, drugs)):
        want = whole[table]
        assert got.schema.equals(want.schema, check_metadata=True), table
        one = want.filter(pc.equal(want.column("sample"), first))
        assert got.num_rows == len(names) * one.num_rows, table
        assert got.column("sample").unique().to_pylist() == names
        keys = ["gene", "source"] if table == "genes" else ["drug", "source", "guideline_id"]
        for name in names:
            rows = got.filter(pc.equal(got.column("sample"), name))
            assert sorted(zip(*(rows.column(k).to_pylist() for k in keys))) == sorted(
                zip(*(one.column(k).to_pylist() for k in keys))
            ), (table, name)
        d = got.to_pydict()
        assert set(d["status"]) == {"failed"} and set(d["error"]) == {"worker lost"}
        # Nothing is known of a failed sample: no candidates, and every flag
        # and count null (never a `false` or `0` that reads as an answer).
        for column, kind in KINDS[table].items():
            if kind == "list" and column != "genes":
                assert set(map(len, d[column])) == {0}, (table, column)
            elif kind in ("flag", "count", "score"):
                assert set(d[column]) == {None}, (table, column)
        if table == "genes":
            assert set(d["missing_positions"]) == {None} and set(d["activity_score"]) == {None}
        else:
            assert set(d["candidates_agree"]) == {None}
            # Each guideline still names the genes it uses.
            uses = {tuple(k): g for *k, g in zip(*(one.column(c).to_pylist() for c in [*keys, "genes"]))}
            assert [uses[(dr, so, gi)] for dr, so, gi in zip(d["drug"], d["source"], d["guideline_id"])] == d["genes"]


# -- the schema check -------------------------------------------------------


def rewrite(src: Path, dst: Path, change: Callable[[Any], Any], compliant: bool = False) -> Path:
    """`src` read with pyarrow, changed, written to `dst` with pyarrow.

    pyarrow names a list's item field `element` by default (the Parquet
    spec's name, `use_compliant_nested_type`); Arrow's own name, which the
    dosera writer uses, is `item`. `compliant=False` keeps `item`, so each
    change below is the only difference from a dosera file."""
    table = pq.read_table(src)
    changed = change(table)
    if changed.schema.metadata is None:
        # Some pyarrow operations (renaming) drop the schema metadata.
        changed = changed.replace_schema_metadata(table.schema.metadata)
    pq.write_table(changed, dst, use_compliant_nested_type=compliant)
    return dst


def with_field(table: Any, name: str, field: Any, values: Any = None) -> Any:
    i = table.schema.get_field_index(name)
    column = table.column(i) if values is None else values
    return table.set_column(i, field, column)


def set_meta(key: str, value: str | None) -> Callable[[Any], Any]:
    def change(table: Any) -> Any:
        meta = dict(table.schema.metadata)
        if value is None:
            del meta[key.encode()]
        else:
            meta[key.encode()] = value.encode()
        return table.replace_schema_metadata(meta)

    return change


def test_check_parquet_accepts_the_tables(run: dict[str, Path], cohort: dosera.Cohort, tmp_path: Path) -> None:
    for table in TABLES:
        assert dosera.check_parquet(run["parquet"] / f"{table}.parquet") == table
        assert dosera.check_parquet(str(run["parquet"] / f"{table}.parquet")) == table
    genes_path, drugs_path = cohort.to_parquet(tmp_path)
    assert (dosera.check_parquet(genes_path), dosera.check_parquet(drugs_path)) == TABLES
    # A file pyarrow wrote from the same table, unchanged, is accepted too:
    # the refusals below are for the change alone.
    for table in TABLES:
        copy = rewrite(run["parquet"] / f"{table}.parquet", tmp_path / f"copy-{table}.parquet", lambda t: t)
        assert dosera.check_parquet(copy) == table
        assert_same(pq.read_table(copy), cli_table(run, table), f"pyarrow copy {table}")


@pytest.mark.parametrize("table", TABLES)
def test_check_parquet_accepts_a_compliant_pyarrow_copy(run: dict[str, Path], tmp_path: Path, table: Table) -> None:
    """The same columns, written by pyarrow with its default list naming
    (`list<element: string>`): the same table for every reader, so it is
    accepted."""
    copy = rewrite(run["parquet"] / f"{table}.parquet", tmp_path / f"{table}.parquet", lambda t: t, compliant=True)
    want = cli_table(run, table)
    assert pq.read_table(copy).cast(want.schema).equals(want, check_metadata=True)
    assert dosera.check_parquet(copy) == table


CHANGES: dict[str, tuple[Table, Callable[[Any], Any], str]] = {
    "renamed": (
        "genes",
        lambda t: t.rename_columns(["is_called" if c == "called" else c for c in t.column_names]),
        "called",
    ),
    "matches as text": (
        "drugs",
        lambda t: with_field(
            t, "matches", pa.field("matches", pa.string()), pc.cast(t.column("matches"), pa.string())
        ),
        "matches",
    ),
    "flag as count": (
        "genes",
        lambda t: with_field(
            t, "called", pa.field("called", pa.int64()), pc.cast(t.column("called"), pa.int64())
        ),
        "called",
    ),
    "score as text": (
        "genes",
        lambda t: with_field(
            t,
            "activity_score",
            pa.field("activity_score", pa.string()),
            pc.cast(t.column("activity_score"), pa.string()),
        ),
        "activity_score",
    ),
    "list as text": (
        "drugs",
        lambda t: with_field(
            t,
            "genes",
            pa.field("genes", pa.string(), nullable=False),
            pa.array([", ".join(x) for x in t.column("genes").to_pylist()], pa.string()),
        ),
        "genes",
    ),
    "text nullable": (
        "genes",
        lambda t: with_field(t, "sample", pa.field("sample", pa.string(), nullable=True)),
        "sample",
    ),
    "dropped in the middle": ("drugs", lambda t: t.drop_columns(["strengths"]), "strengths"),
    "dropped at the end": ("genes", lambda t: t.drop_columns(["error"]), "error"),
    "score dropped": ("genes", lambda t: t.drop_columns(["activity_score"]), "activity_score"),
    "extra column": ("drugs", lambda t: t.append_column("note", pa.array([""] * len(t))), "note"),
    "swapped": (
        "genes",
        lambda t: t.select(
            [{"gene": "sample", "sample": "gene"}.get(c, c) for c in t.column_names]
        ),
        "sample",
    ),
    "schema version": ("genes", set_meta("dosera.schema_version", "2"), "version 2"),
    "schema version text": ("drugs", set_meta("dosera.schema_version", "one"), "one"),
    "no schema version": ("drugs", set_meta("dosera.schema_version", None), "dosera.schema_version"),
    "other table": ("genes", set_meta("dosera.table", "samples"), "samples"),
    "not a dosera table": ("drugs", set_meta("dosera.table", None), "dosera.table"),
    "genes labelled drugs": ("genes", set_meta("dosera.table", "drugs"), "drug"),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_check_parquet_refuses_a_changed_file(run: dict[str, Path], tmp_path: Path, name: str) -> None:
    table, change, named = CHANGES[name]
    path = rewrite(run["parquet"] / f"{table}.parquet", tmp_path / f"{table}.parquet", change)
    with pytest.raises(dosera.InputError) as caught:
        dosera.check_parquet(path)
    e = caught.value
    assert e.code == 111, e
    assert f"`{named}`" in str(e) or re.search(rf"\b{re.escape(named)}\b", str(e)), (name, str(e))
    assert str(path) in str(e), str(e)


def test_check_parquet_refuses_other_files(run: dict[str, Path], tmp_path: Path) -> None:
    tsv = run["tsv"] / "genes.tsv"
    with pytest.raises(dosera.InputError) as caught:
        dosera.check_parquet(tsv)
    assert caught.value.code == 111 and str(tsv) in str(caught.value)
    # A Parquet file that is not a dosera table: no dosera.* metadata.
    plain = tmp_path / "plain.parquet"
    pq.write_table(pa.table({"sample": ["A"]}), plain)
    with pytest.raises(dosera.InputError, match="dosera.table"):
        dosera.check_parquet(plain)
    # Cut short: the footer is gone.
    data = (run["parquet"] / "drugs.parquet").read_bytes()
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(dosera.InputError):
        dosera.check_parquet(cut)
    with pytest.raises(dosera.DoseraError):
        dosera.check_parquet(tmp_path / "absent.parquet")
