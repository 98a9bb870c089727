"""Reading dosera's tab-separated tables into data frames.

The tables themselves are written by the Rust core (``genes.tsv`` and
``drugs.tsv``, the same text ``dosera report --format tsv`` writes); this
module only hands the text to pandas or polars, which are imported when a
frame is asked for. Every column is read as text except the counts
(``missing_positions``, ``matches``), and an empty field stays ``""``.
"""

from __future__ import annotations

import importlib
import io
from typing import Any

#: Columns holding counts; every other column is text.
_COUNTS = ("missing_positions", "matches")


def _header(tsv: str) -> list[str]:
    return tsv.split("\n", 1)[0].split("\t")


def pandas_frame(tsv: str) -> Any:
    """A pandas DataFrame of a dosera table.

    >>> pandas_frame("sample\\tmatches\\nS1\\t2\\n").to_dict("records")
    [{'sample': 'S1', 'matches': 2}]
    """
    try:
        pd = importlib.import_module("pandas")
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("pandas is needed for data frames: pip install 'dosera[pandas]'") from e
    dtypes = {c: ("int64" if c in _COUNTS else "str") for c in _header(tsv)}
    return pd.read_csv(
        io.StringIO(tsv), sep="\t", dtype=dtypes, keep_default_na=False, na_filter=False
    )


def polars_frame(tsv: str) -> Any:
    """A polars DataFrame of a dosera table.

    >>> polars_frame("sample\\tmatches\\nS1\\t2\\n").to_dicts()
    [{'sample': 'S1', 'matches': 2}]
    """
    try:
        pl = importlib.import_module("polars")
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("polars is needed for data frames: pip install 'dosera[polars]'") from e
    schema = {c: (pl.Int64 if c in _COUNTS else pl.String) for c in _header(tsv)}
    frame = pl.read_csv(io.StringIO(tsv), separator="\t", schema=schema, quote_char=None)
    # An empty field is "" (none), as in pandas, not null.
    return frame.with_columns(pl.col(pl.String).fill_null(""))
