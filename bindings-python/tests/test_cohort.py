"""Cohorts: every sample, one table row per sample and gene."""

from __future__ import annotations

from pathlib import Path

import pytest

import dosera
from conftest import write_vcf


def test_small_cohort(engine: dosera.Engine, tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "three.vcf", ["A", "B", "C"], ["1/1", "0/1", "./."])
    cohort = engine.call_cohort(vcf, drugs=["clopidogrel"])
    assert isinstance(cohort, dosera.Cohort)
    assert cohort.samples == ["A", "B", "C"] and len(cohort) == 3
    assert cohort.failed == []
    assert [r.sample for r in cohort.reports()] == ["A", "B", "C"]
    assert cohort.report("B") == engine.call_vcf(vcf, sample="B", drugs=["clopidogrel"])
    assert cohort.report("Z") is None
    assert "Cohort(samples=3" in repr(cohort)
    chosen = engine.call_cohort(vcf, samples=["C", "A"], drugs=["clopidogrel"])
    assert chosen.samples == ["C", "A"]
    assert chosen.report("A") == cohort.report("A")


def test_corrupt_cells_spoil_only_their_sample(engine: dosera.Engine, tmp_path: Path) -> None:
    # Batch safety: cells that cannot be read flag their own sample's
    # position and nothing else; every sample is still reported.
    names = ["ok", "garbage", "beyond_alts", "triploid", "empty", "also_ok"]
    vcf = write_vcf(tmp_path / "corrupt.vcf", names, ["0/1", "x/y", "0/7", "0/1/1", "", "1/1"])
    cohort = engine.call_cohort(vcf, drugs=["clopidogrel"])
    assert cohort.samples == names and cohort.failed == []
    for report in cohort.reports():
        call = report.gene("CYP2C19")["call"]
        flagged = [
            m for m in call["evidence"]["missing"] if m["position"] == 94781859 and m["reason"] != "not_in_vcf"
        ]
        assert bool(flagged) == (report.sample not in ("ok", "also_ok")), (report.sample, flagged)
    assert cohort.genes_tsv().count("\n") == 1 + len(names) * len(cohort.reports()[0].genes)


def test_cohort_tables(engine: dosera.Engine, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    vcf = write_vcf(tmp_path / "two.vcf", ["A", "B"], ["1/1", "0/0"])
    cohort = engine.call_cohort(vcf, drugs=["clopidogrel"])
    genes = cohort.to_pandas()
    per_sample = len(cohort.reports()[0].genes)
    assert len(genes) == 2 * per_sample
    assert genes.columns[:3].tolist() == ["sample", "gene", "source"]
    row = genes[(genes["sample"] == "A") & (genes["gene"] == "CYP2C19")].iloc[0]
    assert row["diplotypes"] == "*2/*2" and row["status"] == "ok"
    drugs = cohort.to_pandas(table="drugs")
    assert set(drugs["drug"]) == {"clopidogrel"}
    assert drugs["matches"].dtype == "Int64"
    assert str(drugs["actionable"].dtype) == "boolean"
    assert isinstance(genes, pd.DataFrame)
    assert cohort.genes_tsv().count("\n") == 1 + len(genes)
    assert cohort.drugs_tsv().count("\n") == 1 + len(drugs)


def test_cohort_polars(engine: dosera.Engine, tmp_path: Path) -> None:
    pytest.importorskip("polars")
    pd = pytest.importorskip("pandas")
    vcf = write_vcf(tmp_path / "two.vcf", ["A", "B"], ["1/1", "0/0"])
    cohort = engine.call_cohort(vcf)
    for table in ("genes", "drugs"):
        pl_frame = cohort.to_polars(table=table)
        pd_frame = cohort.to_pandas(table=table)
        assert pl_frame.columns == pd_frame.columns.tolist()
        # pandas' missing values (pd.NA) are polars' None.
        assert pl_frame.to_dicts() == pd_frame.astype(object).where(pd_frame.notna(), None).to_dict("records")


def test_100_samples_equal_each_sample_alone(engine: dosera.Engine, cohort_vcf: Path) -> None:
    pd = pytest.importorskip("pandas")
    cohort = engine.call_cohort(cohort_vcf)
    frame = cohort.to_pandas()
    samples = cohort.samples
    assert len(samples) == 100 and cohort.failed == []
    genes = sorted(set(frame["gene"]))
    assert len(frame) == 100 * len(genes)
    assert frame.groupby("sample").size().eq(len(genes)).all()
    alone = pd.concat([engine.call_vcf(cohort_vcf, sample=s).genes_frame() for s in samples], ignore_index=True)
    pd.testing.assert_frame_equal(frame, alone)
    for s in samples[:10]:
        assert cohort.report(s) == engine.call_vcf(cohort_vcf, sample=s)
