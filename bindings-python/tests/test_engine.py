"""Engine construction, listings and gene-result recommendations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import dosera
from conftest import PACKS


def test_bundled_engine_has_packs(engine: dosera.Engine) -> None:
    info = engine.pack_info()
    assert info["engine_version"] == dosera.__version__
    assert len(info["sha256"]) == 64
    assert {p["source"] for p in info["packs"]} == {"cpic", "dpwg"}
    assert "Engine(" in repr(engine)


def test_from_path_loads_the_same_release(engine: dosera.Engine) -> None:
    other = dosera.Engine.from_path(PACKS)
    assert other.pack_info()["release"] == engine.pack_info()["release"]
    assert dosera.Engine.from_path(str(PACKS)).genes() == engine.genes()


def test_genes_alleles_drugs(engine: dosera.Engine) -> None:
    genes = {g["symbol"]: g for g in engine.genes()}
    assert genes["CYP2C19"]["vcf_definition"] is True
    assert "clopidogrel" in genes["CYP2C19"]["drugs"]
    alleles = {a["name"]: a for a in engine.alleles("cyp2c19")}
    assert alleles["*2"]["function"] == "No function"
    drugs = {d["name"]: d for d in engine.drugs()}
    assert "CYP2C19" in drugs["clopidogrel"]["genes"]


def test_recommend_from_gene_results(engine: dosera.Engine) -> None:
    result = engine.recommend(genes={"CYP2C19": "*2/*2"}, drugs=["clopidogrel"])
    assert isinstance(result, dosera.Recommendations)
    assert result.genes[0]["gene"] == "CYP2C19"
    assert {d["source"] for d in result.drugs} <= {"cpic", "dpwg"}
    assert any(d["actionable"] for d in result.drugs)
    assert result.packs_release == engine.pack_info()["release"]
    assert result.engine_version == dosera.__version__
    assert result.packs and isinstance(result.warnings, list)
    assert json.loads(result.to_json()) == result.to_dict()
    assert json.loads(result.to_json(pretty=False)) == result.to_dict()
    assert "Recommendations(" in repr(result)


def test_recommend_one_source(engine: dosera.Engine) -> None:
    result = engine.recommend(genes={"CYP2C19": "*2/*2"}, drugs=["clopidogrel"], sources=["CPIC"])
    assert [d["source"] for d in result.drugs] == ["cpic"]


def test_report_schema() -> None:
    schema = dosera.report_schema()
    assert schema["title"] == "Report"


def test_results_are_frozen(engine: dosera.Engine) -> None:
    result = engine.recommend(genes={"CYP2C19": "*1/*1"})
    with pytest.raises(AttributeError):
        result.warnings = []  # type: ignore[misc]
    with pytest.raises(AttributeError):
        engine.foo = 1  # type: ignore[attr-defined]


def test_engine_is_usable_from_threads(engine: dosera.Engine, example: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda _: engine.call_vcf(example), range(4)))
    assert all(r == reports[0] for r in reports)


TINY_PACK = (
    b'{"meta":{"schema_version":3,"source":"cpic","release":"tiny-1",'
    b'"license":"CC0-1.0","attribution":"test","upstream":[]},'
    b'"drugs":[],"genes":[{"symbol":"G1","definition":{"version":"1",'
    b'"genome_build":"b38","refseq_chromosome":"NC","positions":[{'
    b'"chromosome":"chr1","position":10,"hgvs":"g.10A>G","ref":"A",'
    b'"alts":["G"],"cpic_alleles":["A","G"],"cpic_to_vcf":{}}],'
    b'"alleles":[{"name":"*1","reference":true,"alleles":{"0":"A"}}],'
    b'"exemptions":{}},"phenotyping":{"version":"1","method":'
    b'"function_pair"}}],"guidelines":[]}'
)


def test_from_bytes_loads_a_pack_document() -> None:
    engine = dosera.Engine.from_bytes([TINY_PACK])
    assert [g["symbol"] for g in engine.genes()] == ["G1"]
    assert "tiny-1" in engine.pack_info()["release"]


def test_from_bytes_refuses_a_damaged_pack() -> None:
    with pytest.raises(dosera.PackError) as err:
        dosera.Engine.from_bytes([b"{not json"])
    assert err.value.code == 203
    with pytest.raises(dosera.DoseraError):
        dosera.Engine.from_bytes([])
