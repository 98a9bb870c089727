"""The shared golden corpus (tests/corpus/golden): the same inputs the Rust
and C tests replay give the same JSON from Python."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import dosera

from conftest import REPO

GOLDEN = REPO / "tests" / "corpus" / "golden"
CASES = sorted(p for p in GOLDEN.iterdir() if p.is_dir())


def _vcf(case: Path) -> Path:
    ref = case / "input.vcf.ref"
    if ref.is_file():
        return REPO / ref.read_text().strip()
    return case / "input.vcf"


def _without_file(report: dict) -> dict:
    report["input"].pop("file", None)
    return report


def test_the_corpus_is_there() -> None:
    assert len(CASES) >= 3, CASES


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(engine: dosera.Engine, case: Path, tmp_path: Path) -> None:
    expected = json.loads((case / "expected.json").read_text())
    request = case / "request.json"
    if request.is_file():
        req = json.loads(request.read_text())
        genes = {g["gene"]: g["value"] for g in req["genes"]}
        got = engine.recommend(genes=genes, drugs=req.get("drugs"), sources=req.get("sources"))
        assert got.to_dict() == expected
        return
    options = json.loads((case / "options.json").read_text())
    kwargs = {k: v for k, v in options.items() if k != "drugs"}
    # Options hold outside calls as text; the Python API reads them from a file.
    if "outside" in kwargs:
        outside = tmp_path / "outside.tsv"
        outside.write_text(kwargs["outside"])
        kwargs["outside"] = outside
    cohort = engine.call_cohort(_vcf(case), drugs=options.get("drugs"), **kwargs)
    reports = [_without_file(r.to_dict()) for r in cohort.reports()]
    if isinstance(expected, list):
        assert reports == expected
    else:
        assert reports == [expected]
