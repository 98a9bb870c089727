"""Type stubs of ``dosera`` (checked by stubtest)."""

from dosera._native import (
    CHANGE_COLUMNS as CHANGE_COLUMNS,
    Cohort as Cohort,
    Engine as Engine,
    Reanalysis as Reanalysis,
    Recommendations as Recommendations,
    Report as Report,
    __version__ as __version__,
    check_parquet as check_parquet,
    report_schema as report_schema,
    vcf_samples as vcf_samples,
)
from dosera.errors import (
    DoseraError as DoseraError,
    InputError as InputError,
    InternalError as InternalError,
    PackError as PackError,
    UsageError as UsageError,
)

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
