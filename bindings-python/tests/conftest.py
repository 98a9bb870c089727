"""Shared fixtures: the engine, the repository's files, the Rust CLI."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import dosera

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "tests" / "corpus" / "example-patient.vcf"
PACKS = REPO / "guidelines" / "data"
SHARED = Path(os.environ.get("DOSERA_SHARED", REPO.parent / "shared"))
COHORT_VCF = SHARED / "conformance" / "pharmcat-unit-tests" / "100samples.vcf.bgz"
OUTSIDE_TSV = SHARED / "conformance" / "pharmcat-unit-tests" / "PharmCATTest-outsideCallsNoRecs.tsv"


@pytest.fixture(scope="session")
def engine() -> dosera.Engine:
    return dosera.Engine()


@pytest.fixture(scope="session")
def example() -> Path:
    return EXAMPLE


@pytest.fixture(scope="session")
def cli() -> Path:
    """The Rust CLI (`DOSERA_CLI`, else target/release/dosera)."""
    path = Path(os.environ.get("DOSERA_CLI", REPO / "target" / "release" / "dosera"))
    if not path.is_file():
        pytest.skip(f"Rust CLI not built at {path} (scripts/test-python builds it)")
    return path


@pytest.fixture
def packs_copy(tmp_path: Path) -> Path:
    """A writable copy of the repository's knowledge packs."""
    dst = tmp_path / "packs"
    shutil.copytree(PACKS, dst)
    return dst


@pytest.fixture(scope="session")
def cohort_vcf() -> Path:
    if not COHORT_VCF.is_file():
        pytest.skip(f"{COHORT_VCF} is absent: the 100-sample cohort test needs /work/shared")
    return COHORT_VCF


def write_vcf(path: Path, samples: list[str], genotypes: list[str]) -> Path:
    """A small GRCh38 VCF with one CYP2C19 site (rs4244285, *2)."""
    header = "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples])
    row = "\t".join(["chr10", "94781859", "rs4244285", "G", "A", ".", "PASS", ".", "GT", *genotypes])
    path.write_text(f"##fileformat=VCFv4.2\n##contig=<ID=chr10,length=133797422>\n{header}\n{row}\n")
    return path
