"""dosera: pharmacogenomic decision support.

From a GRCh38 VCF (plus optional outside calls) to diplotypes, phenotypes
and CPIC/DPWG dosing recommendations, with the knowledge packs built in.
Decision support, not a diagnosis: read the linked guideline before
prescribing.

>>> import dosera
>>> engine = dosera.Engine()
>>> result = engine.recommend(genes={"CYP2C19": "*2/*2"}, drugs=["clopidogrel"])
>>> result.drugs[0]["drug"]
'clopidogrel'

``engine.call_vcf(path)`` reports one sample (a ``Report``);
``engine.call_cohort(path)`` reports every sample (a ``Cohort`` with
``to_pandas()``/``to_polars()``/``to_arrow()`` tables and ``to_parquet()``);
``engine.cohort_tables(path)`` gives the typed tables of a large cohort
directly, and ``dosera.dask`` spreads cohorts over a Dask cluster.
``engine.reanalyze(paths)`` reads stored JSON reports (any schema version)
again with the loaded packs and tables what changed per patient and drug;
``engine.reanalysis(path)`` gives one report's changes and its new report.
Errors are ``DoseraError`` subclasses with a stable ``.code``.
"""

from __future__ import annotations

from dosera._native import (
    CHANGE_COLUMNS,
    Cohort,
    Engine,
    Reanalysis,
    Recommendations,
    Report,
    __version__,
    check_parquet,
    report_schema,
    vcf_samples,
)
from dosera.errors import DoseraError, InputError, InternalError, PackError, UsageError

__all__ = [
    "CHANGE_COLUMNS",
    "Cohort",
    "DoseraError",
    "Engine",
    "InputError",
    "InternalError",
    "PackError",
    "Reanalysis",
    "Recommendations",
    "Report",
    "UsageError",
    "__version__",
    "check_parquet",
    "report_schema",
    "vcf_samples",
]
