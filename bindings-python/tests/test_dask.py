"""``dosera.dask`` on a ``distributed.LocalCluster`` of two worker
processes: the tables equal the single-process ones for a 20,000-sample
cohort in several files and for a folder of single-sample VCFs; a worker
killed during a run changes nothing; files that cannot be read are reported
per sample, with the other parts kept."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from distributed import Client, LocalCluster

import dosera
import dosera.dask

FILES = 4
PER_FILE = 5000  # 20,000 samples in all


def simulate(cli: Path, out: Path, samples: int, seed: int) -> Path:
    subprocess.run(
        [str(cli), "simulate", "--samples", str(samples), "--seed", str(seed), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    if out.name.endswith(".gz"):
        subprocess.run([str(cli), "index", str(out)], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def cohort(cli: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    d = tmp_path_factory.mktemp("dask-cohort")
    return [simulate(cli, d / f"part{i}.vcf.gz", PER_FILE, 700 + i) for i in range(FILES)]


@pytest.fixture(scope="module")
def singles(cli: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of 60 single-sample VCFs, cut from one simulated file."""
    d = tmp_path_factory.mktemp("dask-singles")
    whole = simulate(cli, d / "whole.vcf", 60, 99)
    lines = whole.read_text().splitlines()
    whole.unlink()
    (d / "whole.truth.tsv").unlink(missing_ok=True)
    meta = [ln for ln in lines if ln.startswith("##")]
    head = next(ln for ln in lines if ln.startswith("#CHROM")).split("\t")
    body = [ln.split("\t") for ln in lines if not ln.startswith("#")]
    folder = d / "vcfs"
    folder.mkdir()
    for col in range(9, len(head)):
        rows = ["\t".join(head[:9] + [head[col]])]
        rows += ["\t".join(r[:9] + [r[col]]) for r in body]
        (folder / f"{head[col]}.vcf").write_text("\n".join(meta + rows) + "\n")
    return folder


@pytest.fixture(scope="module")
def client() -> Any:
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster, Client(cluster) as c:
        yield c


def single_process(engine: dosera.Engine, paths: list[Path]) -> tuple[pa.Table, pa.Table]:
    parts = [engine.cohort_tables(p) for p in paths]
    return pa.concat_tables(g for g, _ in parts), pa.concat_tables(d for _, d in parts)


def arrow(frame: Any, like: pa.Table) -> pa.Table:
    """A computed Dask table as Arrow, with the single-process schema's
    metadata (pandas keeps the column types, not the file metadata)."""
    t = pa.Table.from_pandas(frame, preserve_index=False)
    assert t.schema.names == like.schema.names
    return t.cast(like.schema)


def same(got: pa.Table, want: pa.Table, keys: list[str]) -> None:
    """Equal after sorting by ``keys`` (stable, so rows of one key keep
    their order), and equal row for row in part order."""
    assert got.num_rows == want.num_rows
    order = [(k, "ascending") for k in keys]
    assert got.sort_by(order).equals(want.sort_by(order))
    assert got.equals(want)


def test_plan_cuts_files_into_parts(cohort: list[Path], singles: Path) -> None:
    parts = dosera.dask.plan(cohort, samples_per_partition=1500)
    assert [len(p) for p in parts if p.files == (str(cohort[0]),)] == [1500, 1500, 1500, 500]
    assert sum(len(p) for p in parts) == FILES * PER_FILE
    assert all(p.stop - p.start == len(p) for p in parts if p.start is not None)
    groups = dosera.dask.plan(singles, files_per_partition=8)
    assert [len(p) for p in groups] == [8] * 7 + [4]
    assert all(p.start is None for p in groups)


def test_20000_samples_in_several_files(
    client: Any, engine: dosera.Engine, cohort: list[Path]
) -> None:
    tables = dosera.dask.tables(cohort, samples_per_partition=2500)
    assert tables.genes.npartitions == FILES * 2
    assert tables.samples == FILES * PER_FILE
    genes, drugs = tables.compute()
    want_genes, want_drugs = single_process(engine, cohort)
    same(arrow(genes, want_genes), want_genes, ["sample", "gene"])
    same(arrow(drugs, want_drugs), want_drugs, ["sample", "drug", "source"])
    assert (genes["status"] == "ok").all()
    # The engine was loaded once per worker process, not once per part.
    loaded = client.run(lambda: len(dosera.dask._ENGINES))
    assert sorted(loaded.values()) == [1, 1]


def test_folder_of_single_sample_files(client: Any, engine: dosera.Engine, singles: Path) -> None:
    tables = dosera.dask.tables(singles, files_per_partition=8)
    assert tables.drugs.npartitions == 8
    genes, drugs = tables.compute()
    files = sorted(singles.glob("*.vcf"))
    want_genes, want_drugs = single_process(engine, files)
    same(arrow(genes, want_genes), want_genes, ["sample", "gene"])
    same(arrow(drugs, want_drugs), want_drugs, ["sample", "drug", "source"])
    assert genes["sample"].nunique() == 60


def test_a_killed_worker_changes_nothing(
    client: Any, engine: dosera.Engine, cohort: list[Path]
) -> None:
    tables = dosera.dask.tables(cohort[:2], samples_per_partition=500)
    futures = client.compute([tables.genes, tables.drugs])
    # Wait until a part is running, then kill the process running it.
    victim = None
    deadline = time.monotonic() + 60
    while victim is None and time.monotonic() < deadline:
        busy = {w: ts for w, ts in client.processing().items() if ts}
        if busy:
            victim = next(iter(busy))
        else:
            time.sleep(0.05)
    assert victim is not None, "no part started"
    pid = client.run(os.getpid, workers=[victim])[victim]
    os.kill(pid, signal.SIGKILL)
    assert not all(f.done() for f in futures), "the run ended before the kill"
    genes, drugs = client.gather(futures)
    want_genes, want_drugs = single_process(engine, cohort[:2])
    same(arrow(genes, want_genes), want_genes, ["sample", "gene"])
    same(arrow(drugs, want_drugs), want_drugs, ["sample", "drug", "source"])
    assert (drugs["status"] == "ok").all()


def test_unreadable_files_are_reported_per_sample(
    client: Any, engine: dosera.Engine, singles: Path, cohort: list[Path], tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    good = sorted(singles.glob("*.vcf"))[:5]
    for f in good:
        (folder / f.name).write_text(f.read_text())
    # A file that is no VCF at all: its path stands for the sample.
    (folder / "zz-garbage.vcf").write_text("this is not a VCF\n")
    # A multi-sample file whose header reads but whose data blocks are
    # damaged: its samples are named. (A truncated file is refused when its
    # header is read: no end-of-file marker.)
    broken = tmp_path / "broken.vcf.gz"
    raw = cohort[0].read_bytes()
    with gzip.open(cohort[0], "rt") as fh:
        names = next(ln for ln in fh if ln.startswith("#CHROM")).rstrip("\n").split("\t")[9:]
    mid = len(raw) // 2
    broken.write_bytes(raw[:mid] + bytes(4096) + raw[mid + 4096 :])
    truncated = folder / "truncated.vcf.gz"
    truncated.write_bytes(raw[:mid])
    tables = dosera.dask.tables([folder, broken], samples_per_partition=2000, retries=1)
    genes, drugs = tables.compute()
    failed = genes[genes["status"] == "failed"]
    ok = genes[genes["status"] == "ok"]
    assert set(ok["sample"]) == {f.stem for f in good}
    failed_samples = set(failed["sample"])
    assert str(folder / "zz-garbage.vcf") in failed_samples
    assert str(truncated) in failed_samples
    assert set(names) <= failed_samples
    # Every failed sample has the rows every sample has, with the reason
    # (the single-sample files were cut from a cohort named like the
    # broken one: count by sample and status).
    per_sample = genes.groupby(["sample", "status"], observed=True).size()
    assert per_sample.nunique() == 1
    assert failed["error"].str.contains("broken.vcf.gz").any()
    assert failed["error"].str.contains("tried 2 times").any()
    assert set(drugs[drugs["status"] == "failed"]["sample"]) == failed_samples


def test_parquet_datasets_partitioned_as_asked(client: Any, singles: Path, tmp_path: Path) -> None:
    tables = dosera.dask.tables(singles, files_per_partition=16)
    genes_dir, drugs_dir = tables.to_parquet(tmp_path / "out", partition_on=["source"])
    assert sorted(p.name for p in Path(drugs_dir).iterdir() if p.is_dir()) == [
        "source=cpic",
        "source=dpwg",
    ]
    import pyarrow.dataset as ds

    genes, drugs = tables.compute()
    back = ds.dataset(drugs_dir, format="parquet", partitioning="hive").to_table()
    assert back.num_rows == len(drugs)
    assert ds.dataset(genes_dir, format="parquet", partitioning="hive").count_rows() == len(genes)
