"""Reports from a VCF: the same results as the Rust CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import dosera
from conftest import OUTSIDE_TSV, write_vcf


@pytest.fixture(scope="module")
def report(engine: dosera.Engine, example: Path) -> dosera.Report:
    return engine.call_vcf(example)


def test_example_equals_rust_cli_json(report: dosera.Report, example: Path, cli: Path) -> None:
    out = subprocess.run([cli, "report", str(example), "--json"], check=True, capture_output=True, text=True)
    assert report.to_dict() == json.loads(out.stdout)
    # Same text, too, not only the same values.
    assert report.to_json() + "\n" == out.stdout


def test_example_with_drugs_and_options_equals_rust_cli(engine: dosera.Engine, example: Path, cli: Path) -> None:
    args = ["--drug", "clopidogrel", "--drug", "warfarin", "--assume-reference", "--all-matches", "--sex", "female"]
    out = subprocess.run([cli, "report", str(example), "--json", *args], check=True, capture_output=True, text=True)
    report = engine.call_vcf(
        example, drugs=["clopidogrel", "warfarin"], assume_reference=True, all_matches=True, sex="female"
    )
    assert report.to_dict() == json.loads(out.stdout)


def test_attributes(report: dosera.Report, engine: dosera.Engine, example: Path) -> None:
    d = report.to_dict()
    assert report.sample == d["input"]["sample"] == "EXAMPLE-1"
    assert report.input == d["input"] and report.input["file"] == str(example)
    assert report.schema_version == d["schema_version"]
    assert report.engine_version == dosera.__version__
    assert report.packs_release == engine.pack_info()["release"]
    assert report.genes == d["genes"] and report.drugs == d["drugs"]
    assert report.warnings == d["warnings"]
    assert report.gene("cyp2c19") == next(g for g in d["genes"] if g["gene"] == "CYP2C19")
    assert report.gene("NOPE1") is None
    assert repr(report).startswith("Report(sample=\"EXAMPLE-1\"")
    with pytest.raises(AttributeError):
        report.sample = "x"  # type: ignore[misc]


def test_json_round_trip(report: dosera.Report) -> None:
    again = dosera.Report.from_json(report.to_json())
    assert again == report
    assert dosera.Report.from_json(report.to_json(pretty=False)) == report
    assert json.loads(report.to_json(pretty=False)) == report.to_dict()


def test_html_and_fhir_equal_rust_cli(report: dosera.Report, example: Path, cli: Path) -> None:
    for fmt, lang, text in [
        ("html", "en", report.to_html()),
        ("html", "sv", report.to_html(lang="sv")),
        ("fhir", "en", report.to_fhir()),
    ]:
        out = subprocess.run(
            [cli, "report", str(example), "--format", fmt, "--lang", lang], check=True, capture_output=True, text=True
        )
        assert out.stdout.rstrip("\n") == text.rstrip("\n"), (fmt, lang)
    assert report.to_html().lstrip().lower().startswith("<!doctype html")
    assert json.loads(report.to_fhir())["resourceType"] == "Bundle"


def test_tables_equal_rust_cli(report: dosera.Report, example: Path, cli: Path, tmp_path: Path) -> None:
    subprocess.run([cli, "report", str(example), "--format", "tsv", "--out", tmp_path], check=True, capture_output=True)
    assert report.genes_tsv() == (tmp_path / "genes.tsv").read_text()
    assert report.drugs_tsv() == (tmp_path / "drugs.tsv").read_text()


def test_genes_frame(report: dosera.Report) -> None:
    pytest.importorskip("pandas")
    frame = report.genes_frame()
    assert len(frame) == len(report.genes)
    assert list(frame["gene"]) == [g["gene"] for g in report.genes]
    assert set(frame["sample"]) == {"EXAMPLE-1"}
    assert str(frame["missing_positions"].dtype) == "Int64"


def test_outside_calls(engine: dosera.Engine, example: Path) -> None:
    if not OUTSIDE_TSV.is_file():
        pytest.skip(f"{OUTSIDE_TSV} is absent")
    report = engine.call_vcf(example, outside=OUTSIDE_TSV)
    sources = {g["gene"]: g["source"] for g in report.genes}
    assert sources.get("CYP4F2") == "outside"


def test_sample_by_name_and_index(engine: dosera.Engine, tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "two.vcf", ["A", "B"], ["1/1", "0/0"])
    b = engine.call_vcf(vcf, sample="B")
    assert b.sample == "B"
    assert engine.call_vcf(vcf, sample="1") == b
    a = engine.call_vcf(vcf, sample="A", genes=["CYP2C19"])
    assert [g["gene"] for g in a.genes] == ["CYP2C19"]
    assert a.gene("CYP2C19")["diplotypes"] == ["*2/*2"]  # type: ignore[index]
    assert engine.call_vcf(vcf, sample="A", combinations=True, cyp2d6=True, sex="male").sample == "A"
