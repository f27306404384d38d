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


def read_membrane_table(path: str | Path) -> pd.DataFrame:
    """Read ``sulfide_membranes.csv``; numeric columns as floats (NaN = unknown), units in ``df.attrs``."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "file not found", expected="the literature table data/literature/sulfide_membranes.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    skip = 0
    while skip < len(lines) and lines[skip].startswith("#"):
        skip += 1
    df = pd.read_csv(path, skiprows=skip, dtype=str, keep_default_na=False)
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
            try:
                values.append(float(text))
            except ValueError:
                raise InputFileError(path, f"'{text}' is not a number", line=row, field=column,
                                     expected=f"a number in {MEMBRANE_UNITS[column]}, or blank when unknown") from None
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
    return df
