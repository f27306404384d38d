"""Literature tables (``data/literature/*.csv``) → pandas, validated.

A literature table is a CSV with ``#`` comment lines on top. Every row must
name its reference; every filled number must be a number and must say where
it was read (``value_source``); a row with a blank must say why in ``notes``.
Numbers stay blank when unknown — the reader never fills them in.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lpsrepro.errors import InputFileError

#: Numeric columns of the membrane table and their units.
MEMBRANE_UNITS = {"thickness_um": "um", "thickness_low_um": "um", "thickness_high_um": "um",
                  "conductivity_s_cm": "S/cm", "asr_ohm_cm2": "ohm*cm**2", "densifying_pressure_mpa": "MPa"}
_TEXT = ("ref", "first_author", "year", "journal", "doi", "material", "method", "particle_route",
         "value_source", "notes")


#: Default size cap of a literature table (bytes); a table of published membranes is a few kB.
MAX_TABLE_BYTES = 8 * 2**20


def read_membrane_table(path: str | Path, *, max_bytes: int | None = MAX_TABLE_BYTES) -> pd.DataFrame:
    """Read ``sulfide_membranes.csv``; numeric columns as floats (NaN = unknown), units in ``df.attrs``.

    Numbers must be finite and non-negative (``inf`` is refused); a file that
    is not a CSV table (binary, ``/etc/passwd``, a cut last row) is refused
    with one :class:`InputFileError`. The size is capped at ``max_bytes``.
    """
    import csv
    import io

    from lpsrepro.io import safety

    path = Path(path)
    what = "the literature table data/literature/sulfide_membranes.csv"
    text = safety.read_text(path, what=what, max_bytes=max_bytes)
    lines = text.splitlines()
    skip = 0
    while skip < len(lines) and lines[skip].startswith("#"):
        skip += 1
    try:
        rows = list(csv.reader(io.StringIO("\n".join(lines[skip:]))))
    except csv.Error as exc:
        raise InputFileError(path, f"is not a readable CSV table ({exc})", expected=what) from None
    rows = [r for r in rows if r]
    if not rows:
        raise InputFileError(path, "no header row", line=skip + 1, expected=", ".join((*_TEXT, *MEMBRANE_UNITS)))
    names = [n.strip() for n in rows[0]]
    for number, row in enumerate(rows[1:], start=skip + 2):
        if len(row) != len(names):
            raise InputFileError(path, f"the row has {len(row)} fields, the header {len(names)}", line=number,
                                 expected="one value (or blank) per column")
    if not text.endswith(("\n", "\r")) and len(rows) > 1:
        last = rows[-1]
        numeric = [last[names.index(c)] for c in MEMBRANE_UNITS if c in names and last[names.index(c)].strip()]
        if numeric:  # a cut inside the last number still parses: refuse a table without its final line break
            raise InputFileError(path, "the file does not end with a line break: its last row may be cut short",
                                 line=skip + len(rows), expected="the complete table")
    df = pd.DataFrame(rows[1:], columns=names, dtype=str) if len(set(names)) == len(names) else None
    if df is None:
        raise InputFileError(path, "a column name appears twice", line=skip + 1, expected="unique column names")
    missing = [c for c in (*_TEXT, *MEMBRANE_UNITS) if c not in df.columns]
    if missing:
        raise InputFileError(path, f"column '{missing[0]}' is missing", line=skip + 1, field=missing[0],
                             expected=", ".join((*_TEXT, *MEMBRANE_UNITS)))
    for column in MEMBRANE_UNITS:
        values = []
        for row, text in enumerate(df[column], start=skip + 2):
            text = text.strip()
            if not text:
                values.append(np.nan)
                continue
            if not safety.is_number(text) or not np.isfinite(float(text)):
                raise InputFileError(path, f"'{text}' is not a number (or not finite)", line=row, field=column,
                                     expected=f"a number in {MEMBRANE_UNITS[column]}, or blank when unknown")
            values.append(float(text))
            if values[-1] < 0:
                raise InputFileError(path, f"{text} is negative", line=row, field=column)
        df[column] = values
    for row, record in enumerate(df.itertuples(index=False), start=skip + 2):
        if not record.ref.strip():
            raise InputFileError(path, "a row without its reference", line=row, field="ref")
        filled = [c for c in MEMBRANE_UNITS if np.isfinite(getattr(record, c))]
        if filled and not record.value_source.strip():
            raise InputFileError(path, "numbers without a source", line=row, field="value_source",
                                 expected="where the numbers were read (paper section, abstract page, ...)")
        if len(filled) < len(MEMBRANE_UNITS) and not record.notes.strip() and record.ref != "this work":
            raise InputFileError(path, "blank values without a note", line=row, field="notes",
                                 expected="a note saying what is unknown and why")
    df.attrs["units"] = dict(MEMBRANE_UNITS)
    df.attrs["source_file"] = str(path)
    df.attrs["source_format"] = "csv"
    return df
