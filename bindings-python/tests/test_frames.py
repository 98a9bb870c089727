"""Data frames with real types: each column's type is the one docs/python.md
documents, and each value agrees with the text of the table it is read from."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest

import dosera
from dosera import _tables
from conftest import write_vcf

REPO = Path(__file__).resolve().parents[2]


def documented_types() -> dict[str, dict[str, str]]:
    """{library: {column: type}} from docs/python.md's table under
    "### The frames" (the first `code` of each cell); column "*" is every
    other column."""
    text = (REPO / "docs" / "python.md").read_text()
    section = text.split("### The frames", 1)[1].split("\n## ", 1)[0]
    types: dict[str, dict[str, str]] = {"pandas": {}, "polars": {}}
    for line in section.splitlines():
        # Cells split at unescaped pipes (`\|` is a pipe inside a cell).
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]] if line.startswith("|") else []
        if len(cells) < 3 or cells[0] in ("column", "---"):
            continue
        codes = [re.search(r"`([^`]+)`", c) for c in cells[:3]]
        column = codes[0].group(1) if codes[0] else "*"
        if cells[0] == "every other column":
            column = "*"
        if codes[1] and codes[2]:
            types["pandas"][column] = codes[1].group(1)
            types["polars"][column] = codes[2].group(1)
    assert len(types["pandas"]) >= 10, "the type table of docs/python.md was not found"
    return types


TYPES = documented_types()


def type_name(library: str, dtype: Any) -> str:
    if library == "polars":
        return type(dtype).__name__ if not isinstance(dtype, type) else dtype.__name__
    return str(dtype)


def check_types(library: str, frame: Any) -> None:
    want = TYPES[library]
    dtypes = frame.dtypes if library == "polars" else list(frame.dtypes)
    for column, dtype in zip(frame.columns, dtypes):
        expected = want.get(column, want["*"])
        assert type_name(library, dtype) == expected, (library, column, dtype)


@pytest.fixture(scope="module")
def report(engine: dosera.Engine, example: Path) -> dosera.Report:
    return engine.call_vcf(example)


@pytest.fixture(scope="module")
def cohort(engine: dosera.Engine, tmp_path_factory: pytest.TempPathFactory) -> dosera.Cohort:
    vcf = write_vcf(tmp_path_factory.mktemp("frames") / "two.vcf", ["A", "B"], ["1/1", "0/1"])
    return engine.call_cohort(vcf)


@pytest.mark.parametrize("table", ["genes", "drugs"])
def test_pandas_types_are_the_documented_ones(
    report: dosera.Report, cohort: dosera.Cohort, table: str
) -> None:
    pytest.importorskip("pandas")
    for frame in (report.to_pandas(table), cohort.to_pandas(table=table)):
        check_types("pandas", frame)
    check_types("pandas", report.genes_frame() if table == "genes" else report.drugs_frame())


@pytest.mark.parametrize("table", ["genes", "drugs"])
def test_polars_types_are_the_documented_ones(
    report: dosera.Report, cohort: dosera.Cohort, table: str
) -> None:
    pytest.importorskip("polars")
    for frame in (report.to_polars(table), cohort.to_polars(table=table)):
        check_types("polars", frame)


def tsv_rows(tsv: str) -> list[dict[str, str]]:
    lines = tsv.rstrip("\n").split("\n")
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


def plain(value: Any) -> Any:
    """A frame value as a plain Python value (NA and NaN as None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if type(value).__name__ == "NAType":
        return None
    return value.item() if hasattr(value, "item") else value


def test_values_agree_with_the_table_text(report: dosera.Report) -> None:
    pytest.importorskip("pandas")
    for table, frame, tsv in [
        ("genes", report.genes_frame(), report.genes_tsv()),
        ("drugs", report.drugs_frame(), report.drugs_tsv()),
    ]:
        rows = tsv_rows(tsv)
        assert len(rows) == len(frame) > 0
        for i, row in enumerate(rows):
            got = {c: plain(frame[c].iloc[i]) for c in frame.columns}
            for column, text in row.items():
                value = got[column]
                if column in ("called", "actionable", "candidates_agree"):
                    assert value == {"yes": True, "no": False, "": None}[text], (table, column, text)
                elif column in ("missing_positions", "matches"):
                    assert value == (int(text) if text else None), (table, column, text)
                else:
                    assert value == text, (table, column, text)
            if table == "genes":
                scores = set(row["activity_scores"].split(" | "))
                numeric = all(re.fullmatch(r"\d+(\.\d+)?", s) for s in scores)
                want = float(scores.pop()) if len(scores) == 1 and numeric else None
                assert got["activity_score"] == want, row["activity_scores"]
    drugs = report.drugs_frame()
    assert set(drugs["source"]) == {"cpic", "dpwg"}
    assert drugs["actionable"].any() and not drugs["actionable"].all()
    assert set(report.genes_frame()["activity_score"].dropna()) >= {1.0}


def test_polars_and_pandas_hold_the_same_values(report: dosera.Report, cohort: dosera.Cohort) -> None:
    pytest.importorskip("pandas")
    pytest.importorskip("polars")
    for table in ("genes", "drugs"):
        for source in (report, cohort):
            pd_frame, pl_frame = source.to_pandas(table), source.to_polars(table)
            assert pl_frame.columns == pd_frame.columns.tolist()
            pd_rows = [{k: plain(v) for k, v in r.items()} for r in pd_frame.to_dict("records")]
            assert pl_frame.to_dicts() == pd_rows


def failed_tables() -> tuple[str, str]:
    """Tables with a failed sample's rows, as the core writes them (empty
    counts and an empty `candidates_agree`)."""
    genes = "sample\tgene\tsource\tactivity_scores\tmissing_positions\tcalled\tstatus\terror\n"
    genes += "S1\tCYP2D6\tvcf\t\t\tno\tfailed\tbroken\nS2\tCYP2D6\toutside\t1.0 | 1.5\t0\tyes\tok\t\n"
    drugs = "sample\tdrug\tsource\tactionable\tactions\tmatches\tcandidates_agree\tstatus\n"
    drugs += "S1\tcodeine\tcpic\tno\t\t0\t\tfailed\nS2\tcodeine\tdpwg\tyes\tavoid\t1\tyes\tok\n"
    return genes, drugs


def test_missing_values_are_nulls() -> None:
    pytest.importorskip("pandas")
    genes, drugs = failed_tables()
    frame = _tables.pandas_frame(genes)
    assert [plain(v) for v in frame["missing_positions"]] == [None, 0]
    assert [plain(v) for v in frame["activity_score"]] == [None, None]
    assert list(frame["status"]) == ["failed", "ok"]
    frame = _tables.pandas_frame(drugs)
    assert [plain(v) for v in frame["candidates_agree"]] == [None, True]
    assert list(frame["source"].cat.categories) == ["cpic", "dpwg"]


def test_missing_values_are_nulls_in_polars() -> None:
    pytest.importorskip("polars")
    genes, drugs = failed_tables()
    frame = _tables.polars_frame(genes)
    assert frame["missing_positions"].to_list() == [None, 0]
    assert frame["activity_score"].to_list() == [None, None]
    assert frame["called"].to_list() == [False, True]
    frame = _tables.polars_frame(drugs)
    assert frame["candidates_agree"].to_list() == [None, True]
    assert frame["source"].dtype.categories.to_list() == ["cpic", "dpwg"]


@pytest.mark.parametrize("library", ["pandas", "polars"])
@pytest.mark.parametrize(
    ("old", "new"),
    [("\tyes\tavoid", "\tmaybe\tavoid"), ("\tdpwg\t", "\tDPWG\t"), ("\t1\tyes\tok", "\tone\tyes\tok")],
)
def test_text_that_is_not_its_type_raises(library: str, old: str, new: str) -> None:
    # Never a silently missing value: a flag that is not yes/no, a source
    # outside the fixed list (the old upper-case spelling), a count that is
    # not digits.
    pytest.importorskip(library)
    _, drugs = failed_tables()
    assert old in drugs
    read = _tables.pandas_frame if library == "pandas" else _tables.polars_frame
    read(drugs)
    with pytest.raises(Exception, match="(?i)maybe|DPWG|one|conver|strict|replace"):
        read(drugs.replace(old, new))
