"""A gene result that leads to no recommendation says why (each drug's
``non_answers``), and ``strict=True`` turns a result given but not answered
into ``InputError`` 112."""

from __future__ import annotations

from pathlib import Path

import pytest

import dosera

TYPO = "CYP2D6 *1/*44x: given but not understood (unknown allele `*44x` for CYP2D6; did you mean *44 or *4?)"


@pytest.fixture
def typo_tsv(tmp_path: Path) -> Path:
    path = tmp_path / "outside.tsv"
    path.write_text("CYP2D6\t*1/*44x\n")
    return path


def test_an_outside_call_typo_is_given_but_not_understood(
    engine: dosera.Engine, example: Path, typo_tsv: Path
) -> None:
    report = engine.call_vcf(example, outside=typo_tsv, drugs=["codeine"])
    codeine = [d for d in report.drugs if d["drug"] == "codeine"]
    assert sorted(d["source"] for d in codeine) == ["cpic", "dpwg"]
    for d in codeine:
        assert d["non_answers"] == [
            {
                "gene": "CYP2D6",
                "reason": "not_understood",
                "value": "*1/*44x",
                "lookup_keys": [],
                "detail": "unknown allele `*44x` for CYP2D6; did you mean *44 or *4?",
            }
        ]
    assert f"{TYPO}; drugs: codeine (CPIC, DPWG)" in report.warnings
    row = next(line for line in report.drugs_tsv().splitlines() if "\tcodeine\tcpic\t" in line)
    assert TYPO in row.split("\t")


def test_strict_raises_input_error_112(engine: dosera.Engine, example: Path, typo_tsv: Path) -> None:
    with pytest.raises(dosera.InputError) as e:
        engine.call_vcf(example, outside=typo_tsv, drugs=["codeine"], strict=True)
    assert e.value.code == 112
    assert str(e.value).startswith(f"not answered (strict): {TYPO}")
    with pytest.raises(dosera.InputError) as e:
        engine.call_cohort(example, outside=typo_tsv, drugs=["codeine"], strict=True)
    assert e.value.code == 112
    assert f"sample EXAMPLE-1: {TYPO}" in str(e.value)
    # Without strict, the same input is a report with a warning.
    assert len(engine.call_cohort(example, outside=typo_tsv, drugs=["codeine"])) == 1


def test_recommend_no_row_and_not_given(engine: dosera.Engine) -> None:
    result = engine.recommend(genes={"CYP2D6": "No Result"}, drugs=["codeine"])
    assert [n["reason"] for d in result.drugs for n in d["non_answers"]] == ["no_row", "no_row"]
    assert result.warnings == [
        "CYP2D6 No Result: the guideline has no recommendation for this result; drugs: codeine (CPIC, DPWG)"
    ]
    with pytest.raises(dosera.InputError) as e:
        engine.recommend(genes={"CYP2D6": "No Result"}, drugs=["codeine"], strict=True)
    assert e.value.code == 112
    # A gene not given is the request's scope: reported, never an error.
    absent = engine.recommend(genes={"CYP2C19": "*1/*1"}, drugs=["codeine"], strict=True)
    assert [n["reason"] for d in absent.drugs for n in d["non_answers"]] == ["not_given", "not_given"]
    assert absent.warnings == []
