"""Reading dosera's tab-separated tables into typed data frames.

The tables themselves are written by the Rust core (``genes.tsv`` and
``drugs.tsv``, the same text ``dosera report --format tsv`` writes); this
module reads that text into pandas or polars, which are imported when a
frame is asked for, and gives each column its type:

* flags (``called``, ``actionable``, ``candidates_agree``): booleans,
  from ``yes``/``no`` (pandas ``boolean``, polars ``Boolean``; missing
  where the table leaves the field empty, as for a failed sample);
* counts (``missing_positions``, ``matches``): integers (pandas ``Int64``,
  polars ``Int64``; missing where the field is empty);
* ``activity_score``, a column the frames add after ``activity_scores``:
  the activity score as a number (pandas ``Float64``, polars ``Float64``),
  missing when the gene has no numeric score (none, ``n/a``, a bound such
  as ``≥3.0``) or when its candidate diplotypes have different scores
  (``activity_scores`` keeps the text of each);
* ``gene``, ``drug`` and ``actions``: categoricals (pandas ``category``,
  polars ``Categorical``); ``source`` and ``status``: categoricals of a
  fixed list (pandas ``category`` with those categories, polars ``Enum``):
  ``vcf``/``outside`` (genes), ``cpic``/``dpwg`` (drugs), ``ok``/``failed``;
* every other column: text, with an empty field as ``""`` (none).

A field that does not read as its type raises ``ValueError`` (the tables
and this module disagree: a bug), never a silently missing value.
"""

from __future__ import annotations

import importlib
import io
from typing import Any

#: Columns of ``yes``/``no`` flags.
_FLAGS = ("called", "actionable", "candidates_agree")
#: Columns of counts.
_COUNTS = ("missing_positions", "matches")
#: Categorical columns whose values come from the data.
_CATEGORIES = ("gene", "drug", "actions")
#: Categorical columns with a fixed list of values, per table (the genes
#: table's ``source`` is where a call came from; the drugs table's, the
#: guideline source).
_STATUS = ("ok", "failed")
_FIXED = {
    "genes": {"source": ("vcf", "outside"), "status": _STATUS},
    "drugs": {"source": ("cpic", "dpwg"), "status": _STATUS},
}
#: The column of activity scores as text, and the number column added after it.
_SCORES, _SCORE = "activity_scores", "activity_score"
#: Separator of list items inside one field (as in the Rust core).
_LIST = " | "


def _header(tsv: str) -> list[str]:
    return tsv.split("\n", 1)[0].split("\t")


def _table(columns: list[str]) -> str:
    return "drugs" if "drug" in columns else "genes"


def _flag(text: str) -> bool | None:
    """``yes``/``no`` as a bool, ``""`` as missing.

    >>> [_flag(t) for t in ("yes", "no", "")]
    [True, False, None]
    """
    if text == "yes":
        return True
    if text == "no":
        return False
    if text == "":
        return None
    raise ValueError(f"a flag must be yes, no or empty, not {text!r}")


def _count(text: str) -> int | None:
    """A count, ``""`` as missing.

    >>> [_count(t) for t in ("0", "12", "")]
    [0, 12, None]
    """
    if text == "":
        return None
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"a count must be digits or empty, not {text!r}")
    return int(text)


def _score(text: str) -> float | None:
    """The activity score of a gene: one number when every candidate has
    the same numeric score, else missing.

    >>> [_score(t) for t in ("1.5", "", "n/a", "≥3.0", "1.0 | 1.0", "1.0 | 1.5")]
    [1.5, None, None, None, 1.0, None]
    """
    values = set()
    for item in text.split(_LIST):
        try:
            values.add(float(item))
        except ValueError:
            return None
    return values.pop() if len(values) == 1 else None


def _each(values: Any, convert: Any) -> dict[str, Any]:
    """``convert`` applied once to each distinct value."""
    return {v: convert(v) for v in set(values)}


def _fixed(column: str, values: Any, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValueError(f"column {column}: {unknown!r} is not one of {list(allowed)!r}")


def _pandas() -> Any:
    """pandas, or an ``ImportError`` saying how to install it."""
    try:
        return importlib.import_module("pandas")
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "pandas is needed for data frames: pip install pandas "
            "(or install dosera with its extra, './bindings-python[pandas]')"
        ) from e


def pandas_frame(tsv: str) -> Any:
    """A pandas DataFrame of a dosera table, each column of its type.

    >>> frame = pandas_frame("sample\\tgene\\tmatches\\tcalled\\nS1\\tCYP2C19\\t2\\tyes\\n")
    >>> frame.to_dict("records")
    [{'sample': 'S1', 'gene': 'CYP2C19', 'matches': 2, 'called': True}]
    >>> [str(t) for t in frame.dtypes]
    ['str', 'category', 'Int64', 'boolean']
    """
    pd = _pandas()
    columns = _header(tsv)
    frame = pd.read_csv(
        io.StringIO(tsv), sep="\t", dtype="str", keep_default_na=False, na_filter=False, quoting=3
    )
    fixed = _FIXED[_table(columns)]
    for c in columns:
        if c in _FLAGS:
            frame[c] = frame[c].map(_each(frame[c], _flag)).astype("boolean")
        elif c in _COUNTS:
            frame[c] = frame[c].map(_each(frame[c], _count)).astype("Int64")
        elif c in _CATEGORIES:
            frame[c] = frame[c].astype("category")
        elif c in fixed:
            _fixed(c, frame[c], fixed[c])
            frame[c] = frame[c].astype(pd.CategoricalDtype(list(fixed[c])))
        elif c == _SCORES:
            scores = frame[c].map(_each(frame[c], _score)).astype("Float64")
            frame.insert(columns.index(c) + 1, _SCORE, scores)
    return frame


#: Categorical columns of the change table (values from the data; ``source``
#: is empty on a gene's change).
_CHANGE_CATEGORIES = ("drug", "source", "gene", "change")


def changes_frame(rows: list[list[str]], columns: list[str], attrs: dict[str, Any]) -> Any:
    """The change table of ``Engine.reanalyze`` as a pandas DataFrame: the
    rows as the core made them (``dosera reanalyze --format tsv``), every
    column text but the categorical ``drug``, ``source``, ``gene`` and
    ``change``, with ``attrs`` (counts, failed reports, release) in
    ``frame.attrs``.

    >>> frame = changes_frame([["S1", "", "", "", "TPMT", "phenotype", "a", "b"]],
    ...     ["sample", "file", "drug", "source", "gene", "change", "before", "after"], {"n": 1})
    >>> frame.to_dict("records")[0]["gene"], frame.attrs
    ('TPMT', {'n': 1})
    >>> [str(t) for t in frame.dtypes]
    ['str', 'str', 'category', 'category', 'category', 'category', 'str', 'str']
    """
    pd = _pandas()
    frame = pd.DataFrame(rows, columns=list(columns), dtype="str")
    for c in _CHANGE_CATEGORIES:
        if c in frame.columns:
            frame[c] = frame[c].astype("category")
    frame.attrs.update(attrs)
    return frame


def polars_frame(tsv: str) -> Any:
    """A polars DataFrame of a dosera table, each column of its type.

    >>> frame = polars_frame("sample\\tgene\\tmatches\\tcalled\\nS1\\tCYP2C19\\t2\\tyes\\n")
    >>> frame.to_dicts()
    [{'sample': 'S1', 'gene': 'CYP2C19', 'matches': 2, 'called': True}]
    >>> [str(t) for t in frame.dtypes]
    ['String', 'Categorical', 'Int64', 'Boolean']
    """
    try:
        pl = importlib.import_module("polars")
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "polars is needed for data frames: pip install polars "
            "(or install dosera with its extra, './bindings-python[polars]')"
        ) from e
    columns = _header(tsv)
    schema = {c: pl.String for c in columns}
    # An empty field is "" (none), as in pandas, not null.
    frame = pl.read_csv(io.StringIO(tsv), separator="\t", schema=schema, quote_char=None)
    frame = frame.with_columns(pl.col(pl.String).fill_null(""))
    fixed = _FIXED[_table(columns)]
    typed = []
    for c in columns:
        values = frame[c]
        if c in _FLAGS:
            typed.append(values.replace_strict(_each(values, _flag), return_dtype=pl.Boolean))
        elif c in _COUNTS:
            typed.append(values.replace_strict(_each(values, _count), return_dtype=pl.Int64))
        elif c in _CATEGORIES:
            typed.append(values.cast(pl.Categorical))
        elif c in fixed:
            _fixed(c, values, fixed[c])
            typed.append(values.cast(pl.Enum(list(fixed[c]))))
        elif c == _SCORES:
            typed.append(values)
            score = values.replace_strict(_each(values, _score), return_dtype=pl.Float64)
            typed.append(score.alias(_SCORE))
        else:
            typed.append(values)
    return pl.DataFrame(typed)


def arrow_table(ipc: bytes) -> Any:
    """A ``pyarrow.Table`` from the Arrow IPC stream the native module
    writes (``Cohort.to_arrow``, ``Engine.cohort_tables``).

    >>> arrow_table(b"")
    Traceback (most recent call last):
    ...
    pyarrow.lib.ArrowInvalid: Tried reading schema message, was null or length 0
    """
    try:
        pa = importlib.import_module("pyarrow")
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "pyarrow is needed for Arrow tables and Parquet: pip install pyarrow "
            "(or install dosera with its extra, './bindings-python[arrow]')"
        ) from e
    return pa.ipc.open_stream(ipc).read_all()
