"""Exceptions raised by dosera, one class per error-code range.

Every exception carries the stable numeric ``code`` of the Rust core
(``dosera::ErrorCode``) and its one-line ``message``:

* ``InputError``: 1xx, the input cannot be read or names something unknown
  (an unknown drug is 105, its message suggesting close names; an
  unreadable VCF 107, an unknown sample 109; a drug no guideline covers,
  looked up directly, 113),
  or, with ``strict=True``, a gene result given was not answered (112);
* ``PackError``: 2xx, a knowledge pack is damaged or of another schema
  (a checksum mismatch is 201);
* ``UsageError``: 3xx, the request contradicts itself, or a file cannot be
  read or written (i/o is 301, an invalid request 302);
* ``InternalError``: 9xx, a bug in dosera.

Clinical non-answers (no call, no guideline, a gene result no row matches)
are not exceptions: they are in the report, with a reason (each drug's
``non_answers``). Only ``strict=True`` turns a result that was given but not
answered into ``InputError`` 112, for pipelines.

>>> import dosera
>>> try:
...     dosera.Engine().recommend(genes={"CYP2C19": "*1/*2"}, drugs=["notadrug"])
... except dosera.InputError as e:
...     print(e.code)
105
"""

from __future__ import annotations

__all__ = ["DoseraError", "InputError", "PackError", "UsageError", "InternalError"]


class DoseraError(Exception):
    """Base class of every dosera error: ``DoseraError(code, message)``.

    >>> e = DoseraError(302, "invalid request: no sources")
    >>> (e.code, str(e))
    (302, 'invalid request: no sources')
    """

    code: int
    message: str

    def __init__(self, code: int, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(DoseraError):
    """The input cannot be read or names something unknown (codes 1xx)."""


class PackError(DoseraError):
    """A knowledge pack is damaged or unsupported (codes 2xx)."""


class UsageError(DoseraError):
    """The request cannot be carried out as asked, or i/o failed (codes 3xx)."""


class InternalError(DoseraError):
    """A bug in dosera (codes 9xx); please report it."""
