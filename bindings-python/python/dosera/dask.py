"""Cohorts on Dask: the genes and drugs tables of many samples, computed
on a ``dask.distributed`` cluster (local or remote) or any Dask scheduler.

>>> import dosera.dask
>>> tables = dosera.dask.tables(["cohort-1.vcf.gz", "cohort-2.vcf.gz"])  # doctest: +SKIP
>>> genes, drugs = tables.compute()  # doctest: +SKIP
>>> tables.to_parquet("out", partition_on=["source"])  # doctest: +SKIP

How the work is split (:func:`plan`): a multi-sample VCF is cut into parts
of ``samples_per_partition`` samples, each part reading only the
pharmacogene regions through the file's tabix or CSI index (``dosera index``
writes one) and calling only its samples; single-sample VCFs are grouped
``files_per_partition`` at a time. Each part is one ordinary call of the
engine (``Engine.cohort_tables``), with the GIL released; the engine and its
knowledge packs are loaded once per worker process and reused by every part
that process runs.

The two tables are Dask DataFrames with the columns, types and rows of
``dosera report --format parquet`` (one row per sample and gene; one per
sample, drug and guideline), as pandas Arrow-backed columns. Computing
``genes`` and ``drugs`` together (:meth:`Tables.compute`,
:meth:`Tables.to_parquet`, or ``dask.compute(tables.genes, tables.drugs)``)
calls each part once.

Faults: a part whose call raises (a file that cannot be read, a damaged
block) is tried ``retries`` more times in its task; a worker process that
dies while running parts has them rerun on the other workers by the Dask
scheduler. A part that still fails is not dropped: each of its samples gets
the rows every sample has, marked ``status == "failed"`` with the reason in
``error``, as ``dosera report`` does for a sample it cannot report, and the
other parts are kept. A file whose header cannot be read is reported under
its path as the sample name.

Progress shows the usual Dask ways: the distributed dashboard,
``distributed.progress`` on persisted frames, or
``dask.diagnostics.ProgressBar`` with the local schedulers.
"""

from __future__ import annotations

import dataclasses
import glob
import importlib
import operator
import os
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from dosera._native import Engine, vcf_samples

__all__ = ["Part", "Tables", "plan", "tables", "run_part"]

#: Samples per part of a multi-sample file, unless asked otherwise.
SAMPLES_PER_PARTITION = 2000
#: Single-sample files per part, unless asked otherwise.
FILES_PER_PARTITION = 200
#: Headers read at the same time while planning (the reads release the
#: GIL, so a share with high latency is read in parallel).
PLAN_THREADS = 32
#: File name endings read as VCF or BCF when a folder is given.
_ENDINGS = (".vcf", ".vcf.gz", ".vcf.bgz", ".bcf")


@dataclasses.dataclass(frozen=True)
class Part:
    """One partition: samples ``start`` to ``stop`` (0-based columns,
    ``stop`` excluded) of one multi-sample file, or whole single-sample
    files (``start`` and ``stop`` are ``None``). ``samples`` are the names
    its rows will carry (used when the part fails); ``error`` is set when
    the file could not even be opened while planning.
    """

    files: tuple[str, ...]
    samples: tuple[tuple[str, ...], ...]
    start: int | None = None
    stop: int | None = None
    error: str | None = None

    def __len__(self) -> int:
        return sum(len(s) for s in self.samples)


def _expand(vcfs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[str]:
    """Paths from a path, a folder (its VCF and BCF files, sorted), a glob
    pattern, or a list of any of these."""
    items = [vcfs] if isinstance(vcfs, (str, os.PathLike)) else list(vcfs)
    out: list[str] = []
    for item in items:
        path = os.fspath(item)
        if os.path.isdir(path):
            out.extend(
                sorted(
                    os.path.join(path, n)
                    for n in os.listdir(path)
                    if n.endswith(_ENDINGS) and os.path.isfile(os.path.join(path, n))
                )
            )
        elif any(c in path for c in "*?[") and not os.path.exists(path):
            out.extend(sorted(glob.glob(path)))
        else:
            out.append(path)
    if not out:
        raise ValueError(f"no VCF or BCF files in {vcfs!r}")
    return out


def plan(
    vcfs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    samples_per_partition: int = SAMPLES_PER_PARTITION,
    files_per_partition: int = FILES_PER_PARTITION,
) -> list[Part]:
    """The parts a cohort is split into (each file's header is read once,
    ``PLAN_THREADS`` files at a time).

    ``vcfs`` is a path, a folder (every ``.vcf``, ``.vcf.gz``, ``.vcf.bgz``
    and ``.bcf`` in it), a glob pattern, or a list of these. Files with one
    sample are grouped ``files_per_partition`` at a time, in the order
    given; a file with several samples is cut into parts of
    ``samples_per_partition`` samples.
    """
    if samples_per_partition < 1 or files_per_partition < 1:
        raise ValueError("samples_per_partition and files_per_partition must be at least 1")
    parts: list[Part] = []
    singles: list[tuple[str, str]] = []

    def flush() -> None:
        if singles:
            files = tuple(f for f, _ in singles)
            parts.append(Part(files=files, samples=tuple((s,) for _, s in singles)))
            singles.clear()

    paths = _expand(vcfs)
    with ThreadPoolExecutor(max_workers=max(1, min(PLAN_THREADS, len(paths)))) as pool:
        headers = list(pool.map(_samples_of, paths))
    for path, names in zip(paths, headers):
        if isinstance(names, str):
            flush()
            parts.append(Part(files=(path,), samples=((path,),), error=names))
            continue
        if len(names) == 1:
            singles.append((path, names[0]))
            if len(singles) >= files_per_partition:
                flush()
            continue
        flush()
        if not names:
            parts.append(
                Part(files=(path,), samples=((path,),), error="the VCF has no sample columns")
            )
        for start in range(0, len(names), samples_per_partition):
            stop = min(start + samples_per_partition, len(names))
            parts.append(
                Part(files=(path,), samples=(tuple(names[start:stop]),), start=start, stop=stop)
            )
    flush()
    return parts


def _samples_of(path: str) -> list[str] | str:
    """A file's sample names, or why its header cannot be read."""
    try:
        return vcf_samples(path)
    except Exception as e:  # noqa: BLE001 - any failure is reported per file
        return _reason(e)


def _reason(e: BaseException) -> str:
    text = str(e) or type(e).__name__
    return " ".join(text.split())


# One engine per worker process and pack folder, shared by its task threads.
_ENGINES: dict[str | None, Engine] = {}
_LOCK = threading.Lock()


def _engine(packs: str | None) -> Engine:
    with _LOCK:
        engine = _ENGINES.get(packs)
        if engine is None:
            engine = Engine() if packs is None else Engine.from_path(packs)
            _ENGINES[packs] = engine
        return engine


def _frame(table: Any) -> Any:
    pd = importlib.import_module("pandas")
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def run_part(
    part: Part,
    *,
    packs: str | None = None,
    retries: int = 2,
    threads: int = 1,
    options: dict[str, Any] | None = None,
) -> tuple[Any, Any]:
    """The genes and drugs tables of one part, as ``pyarrow.Table`` objects:
    what each Dask task runs. A file whose call raises is tried ``retries``
    more times; then its samples get failed rows with the reason."""
    pa = importlib.import_module("pyarrow")
    engine = _engine(packs)
    options = dict(options or {})
    genes, drugs = [], []
    for path, names in zip(part.files, part.samples):
        why = part.error
        tables = None
        if why is None:
            for _ in range(retries + 1):
                try:
                    tables = engine.cohort_tables(
                        path, start=part.start, stop=part.stop, threads=threads, **options
                    )
                    break
                except Exception as e:  # noqa: BLE001 - reported per sample below
                    why = _reason(e)
        if tables is None:
            if part.error is None:
                why = f"{why} (tried {retries + 1} times)"
            tables = engine.failed_tables(list(names), f"{path}: {why}", **options)
        genes.append(tables[0])
        drugs.append(tables[1])
    return pa.concat_tables(genes), pa.concat_tables(drugs)


def _task(part: Part, settings: dict[str, Any]) -> tuple[Any, Any]:
    genes, drugs = run_part(part, **settings)
    return _frame(genes), _frame(drugs)


@dataclasses.dataclass
class Tables:
    """The two tables of a cohort as Dask DataFrames, and the parts behind
    them (``parts[i]`` is partition ``i`` of both)."""

    genes: Any
    drugs: Any
    parts: list[Part]

    @property
    def samples(self) -> int:
        """Samples over all parts."""
        return sum(len(p) for p in self.parts)

    def compute(self, **kwargs: Any) -> tuple[Any, Any]:
        """Both tables as pandas DataFrames, each part called once
        (``kwargs`` go to ``dask.compute``, e.g. ``scheduler=``)."""
        dask = importlib.import_module("dask")
        genes, drugs = dask.compute(self.genes, self.drugs, **kwargs)
        return genes, drugs

    def to_parquet(
        self,
        path: str | os.PathLike[str],
        *,
        partition_on: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> tuple[str, str]:
        """Writes Parquet datasets ``PATH/genes`` and ``PATH/drugs`` (one
        file per part, or hive-style folders by ``partition_on`` columns,
        such as ``["gene"]`` or ``["source"]``), each part called once;
        returns the two folders. ``kwargs`` go to ``dask.dataframe.to_parquet``."""
        dask = importlib.import_module("dask")
        base = os.fspath(path)
        out = (os.path.join(base, "genes"), os.path.join(base, "drugs"))
        on = list(partition_on) if partition_on else None
        writes = [
            frame.to_parquet(
                where, partition_on=on, write_index=False, compute=False, **kwargs
            )
            for frame, where in zip((self.genes, self.drugs), out)
        ]
        dask.compute(*writes)
        return out


def tables(
    vcfs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    packs: str | os.PathLike[str] | None = None,
    samples_per_partition: int = SAMPLES_PER_PARTITION,
    files_per_partition: int = FILES_PER_PARTITION,
    retries: int = 2,
    threads: int = 1,
    **options: Any,
) -> Tables:
    """The genes and drugs tables of one or many VCFs as Dask DataFrames
    (lazy: nothing is called until they are computed or written).

    ``packs`` is a pack folder (default: the packs built into the package);
    ``threads`` the threads each part may use (1 suits a worker per core);
    ``options`` are those of ``Engine.cohort_tables`` (``outside``,
    ``drugs``, ``assume_reference``, ``all_matches``, ``combinations``,
    ``cyp2d6``, ``sex``, ``genes``).
    """
    dask = importlib.import_module("dask")
    dd = importlib.import_module("dask.dataframe")
    parts = plan(
        vcfs,
        samples_per_partition=samples_per_partition,
        files_per_partition=files_per_partition,
    )
    if "outside" in options and options["outside"] is not None:
        options["outside"] = os.fspath(options["outside"])
    # An unknown option fails here, once, not in every task.
    empty_genes, empty_drugs = Engine().failed_tables([], "", **options)
    settings = {
        "packs": None if packs is None else os.fspath(packs),
        "retries": retries,
        "threads": threads,
        "options": options,
    }
    token = dask.base.tokenize(parts, settings)
    both = [
        dask.delayed(_task, pure=True, name=f"dosera-part-{token}-{i}")(part, settings)
        for i, part in enumerate(parts)
    ]
    get = dask.delayed(operator.getitem, pure=True)
    genes = dd.from_delayed([get(b, 0) for b in both], meta=_frame(empty_genes), verify_meta=False)
    drugs = dd.from_delayed([get(b, 1) for b in both], meta=_frame(empty_drugs), verify_meta=False)
    return Tables(genes=genes, drugs=drugs, parts=parts)
