"""The literature table: values with sources only, and the thickness comparison computed from it."""

import numpy as np
import pytest

from lpsrepro import paths
from lpsrepro.analysis import membranes
from lpsrepro.errors import InputFileError
from lpsrepro.io.literature import read_membrane_table

TABLE = paths.DATA / "literature" / "sulfide_membranes.csv"
HEADER = ("ref,first_author,year,journal,doi,material,method,particle_route,thickness_um,thickness_low_um,"
          "thickness_high_um,conductivity_s_cm,asr_ohm_cm2,densifying_pressure_mpa,value_source,notes\n")


def test_bundled_table_reads_and_every_number_has_a_source():
    df = read_membrane_table(TABLE)
    assert "this work" in set(df["ref"])
    for row in df.itertuples():
        numbers = [getattr(row, c) for c in df.attrs["units"]]
        if any(np.isfinite(numbers)):
            assert row.value_source.strip()


def test_asr_from_conductivity_and_reduction_factor(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("# test\n" + HEADER +
                    "this work,A,2022,J,d,LPS,spin,nano,0.5,,,,1.0,0,paper,\n"
                    "1,B,2020,J,d,LPS,slurry,micro,50,,,1e-3,,300,abstract,ASR computed\n"
                    "2,C,2019,J,d,LPS,slurry,micro,,20,40,,,,abstract,range only\n")
    df = membranes.with_derived_columns(read_membrane_table(path))
    assert df.loc[1, "asr_used_ohm_cm2"] == pytest.approx(5.0)   # 50e-4 cm / 1e-3 S/cm
    assert df.loc[1, "asr_from"] == "L / sigma"
    result = membranes.thickness_reduction(df)
    assert result.thinnest_ref == "2" and result.ratio == pytest.approx(40.0)


def test_numbers_without_a_source_or_blanks_without_a_note_are_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "1,B,2020,J,d,LPS,slurry,micro,50,,,,,,,\n")
    with pytest.raises(InputFileError, match=r"bad\.csv, line 2, field 'value_source'"):
        read_membrane_table(path)
    path.write_text(HEADER + "1,B,2020,J,d,LPS,slurry,micro,50,,,,,,abstract,\n")
    with pytest.raises(InputFileError, match=r"line 2, field 'notes'"):
        read_membrane_table(path)
    path.write_text(HEADER + "1,B,2020,J,d,LPS,slurry,micro,about 50,,,,,,abstract,x\n")
    with pytest.raises(InputFileError, match=r"line 2, field 'thickness_um'.*not a number"):
        read_membrane_table(path)
