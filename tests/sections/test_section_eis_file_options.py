"""Impedance file options of notebooks 32 and 31a (issue 9): an incomplete ZPlot sweep accepted on
request (``eis_allow_incomplete``) and the sweep of a multi-sweep file chosen per spectrum
(``eis_spectrum``, ``pellet_<name>_spectrum``), on copies of real instrument files of tests/data."""

from pathlib import Path

import pytest

from lpsrepro.errors import InputFileError, ParameterError
from lpsrepro.sections import membrane
from lpsrepro.sections import nanoparticles as sec

DATA = Path(__file__).resolve().parents[1] / "data"
NO_IMAGES = dict(li2s_image_file="missing.tif", lps_image_file="missing.tif", naph_image_file="missing.tif")


@pytest.fixture()
def stopped_sweep(tmp_path):
    """Circuit1_EIS_1.z (ZPlot, 48 points announced) with its last 8 data rows removed: a sweep stopped early."""
    lines = (DATA / "Circuit1_EIS_1.z").read_bytes().splitlines(keepends=True)
    path = tmp_path / "stopped.z"
    path.write_bytes(b"".join(lines[:-8]))
    return path


@pytest.fixture()
def two_loops(tmp_path):
    """exampleDataBioLogic.mpt (one PEIS loop, cycle number 1) followed by its data rows again as cycle 2."""
    lines = (DATA / "exampleDataBioLogic.mpt").read_bytes().splitlines(keepends=True)
    header, rows = lines[:61], [row.rstrip(b"\r\n") + b"\n" for row in lines[61:] if row.strip()]
    column = header[-1].split(b"\t").index(b"cycle number")
    second = []
    for row in rows:
        fields = row.split(b"\t")
        fields[column] = b"2.000000000000000E+000"
        second.append(b"\t".join(fields))
    path = tmp_path / "two_loops.mpt"
    path.write_bytes(b"".join(header + rows + second))
    return path, len(rows)


def test_stopped_zplot_sweep_is_refused_naming_the_notebook_parameter(stopped_sweep):
    with pytest.raises(InputFileError, match=r"stopped\.z.*announces 48 data points but the file holds 40.*"
                                             r"set eis_allow_incomplete = True"):
        membrane.read_spectrum(stopped_sweep, instrument=None, spectrum=None, allow_incomplete=False)
    with pytest.raises(InputFileError, match="eis_allow_incomplete = True"):
        membrane.run(membrane.Params.from_ledger().replace(eis_file=str(stopped_sweep)))
    ds = membrane.read_spectrum(stopped_sweep, instrument=None, spectrum=None, allow_incomplete=True)
    assert ds.sizes["frequency"] == 40 and ds.attrs["incomplete_sweep"] == "40 of 48 announced points"
    with pytest.raises(ParameterError, match="eis_allow_incomplete"):
        membrane.Params.from_ledger().replace(eis_allow_incomplete="yes")


def test_membrane_section_accepts_a_stopped_sweep_when_asked(stopped_sweep):
    p = membrane.Params.from_ledger().replace(eis_file=str(stopped_sweep), eis_allow_incomplete=True)
    try:
        result = membrane.run(p)
    except InputFileError as exc:          # a fit refusal is fine here; the reader must not be what refuses
        assert "announces" not in str(exc), exc
    else:
        assert result.spectrum.attrs["incomplete_sweep"] == "40 of 48 announced points"


def test_pellet_spectra_of_31a_accept_a_stopped_sweep_only_when_asked(stopped_sweep):
    p = sec.Params.from_ledger().replace(**NO_IMAGES, pellet_250c_file=str(stopped_sweep))
    refused = sec.prepare(p)
    assert "250c" not in refused.spectra
    assert "stopped.z" in refused.pellet_failures["250c"] and "eis_allow_incomplete = True" in refused.pellet_failures["250c"]
    accepted = sec.prepare(p.replace(eis_allow_incomplete=True))
    assert accepted.spectra["250c"].attrs["incomplete_sweep"] == "40 of 48 announced points"
    assert "eis_allow_incomplete" in sec.Params.PREPARED_FROM
    # the same switch reaches 31a's membrane spectrum
    q = p.replace(membrane_eis_file=str(stopped_sweep))
    assert "eis_allow_incomplete = True" in sec.run(q, prepared=refused).membrane_failure


def test_each_pellet_chooses_its_sweep_of_a_multi_sweep_file(two_loops):
    path, n = two_loops
    p = sec.Params.from_ledger().replace(**NO_IMAGES, pellet_250c_file=str(path), pellet_300c_file=str(path),
                                         pellet_300c_spectrum=1, pellet_naph_file=str(path), pellet_naph_spectrum=2)
    prepared = sec.prepare(p)
    why = prepared.pellet_failures["250c"]                       # no choice on a file of two sweeps
    assert "two_loops.mpt" in why and "holds 2 spectra" in why and "pellet_250c_spectrum" in why
    assert "300c" not in prepared.pellet_failures or "spectrum" not in prepared.pellet_failures["300c"]
    assert prepared.spectra["300c"].attrs["spectrum"] == 1 and prepared.spectra["300c"].sizes["frequency"] == n
    why = prepared.pellet_failures["naph"]                       # an index the file does not have
    assert "two_loops.mpt" in why and "pellet_naph_spectrum = 2 does not exist; the file holds 2 spectra" in why
    with pytest.raises(ParameterError, match="pellet_250c_spectrum"):
        p.replace(pellet_250c_spectrum=-1)
    with pytest.raises(ParameterError, match="pellet_naph_spectrum"):
        p.replace(pellet_naph_spectrum=True)


def test_membrane_eis_spectrum_error_names_the_parameter(two_loops):
    path, n = two_loops
    with pytest.raises(InputFileError, match=r"two_loops\.mpt, field 'eis_spectrum': eis_spectrum = 3 does not "
                                             r"exist; the file holds 2 spectra"):
        membrane.read_spectrum(path, instrument=None, spectrum=3, allow_incomplete=False)
    assert membrane.read_spectrum(path, instrument=None, spectrum=0, allow_incomplete=False).sizes["frequency"] == n
