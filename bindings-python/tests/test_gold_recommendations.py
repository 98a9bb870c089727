"""Gold cases (tests/conformance/gold-recommendations.json): what the
prescriber reads through the Python API, in English and Swedish, says what
the guideline says."""

from __future__ import annotations

import json

import pytest

import dosera

from conftest import REPO

GOLD = json.loads((REPO / "tests" / "conformance" / "gold-recommendations.json").read_text())
CASES = GOLD["cases"]


def _text(case: dict, answer: dict) -> str:
    out = []
    for d in answer["drugs"]:
        if d["drug"] != case["drug"]:
            continue
        if case.get("source") and d["source"] != case["source"]:
            continue
        if case.get("gene_guideline") and case["gene_guideline"] not in d["genes"]:
            continue
        for m in d["matches"]:
            if case.get("population") and m["population"] != case["population"]:
                continue
            out += [m["summary"], m["implication"]]
        out += d["warnings"]
    return "\n".join(out)


def test_there_are_gold_cases() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("lang", ["en", "sv"])
@pytest.mark.parametrize("case", CASES, ids=[c["name"][:60] for c in CASES])
def test_gold_case(engine: dosera.Engine, case: dict, lang: str) -> None:
    genes = dict(g.split("=", 1) for g in case["genes"])
    sources = [case["source"]] if case.get("source") else None
    answer = engine.recommend(genes, drugs=[case["drug"]], sources=sources, lang=lang).to_dict()
    text = _text(case, answer)
    for phrase in case.get(lang, []):
        assert phrase in text, f"missing «{phrase}» in:\n{text}"
    for phrase in case.get("not", []):
        assert phrase not in text, f"must not say «{phrase}»:\n{text}"


def test_an_unknown_language_is_refused(engine: dosera.Engine) -> None:
    with pytest.raises(dosera.DoseraError):
        engine.recommend({"CYP2C19": "*2/*2"}, drugs=["clopidogrel"], lang="de")
