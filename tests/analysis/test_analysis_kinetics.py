"""§3.1 kinetics: pattern model against Bragg's law, quantification of known mixtures, kinetic fit, bad input."""

import numpy as np
import pytest

from lpsrepro.analysis import kinetics as kin
from lpsrepro.analysis import raman as ram
from lpsrepro.analysis import xrd as ax
from lpsrepro.errors import InputFileError, ParameterError
from lpsrepro.io.raman import read_raman_txt, spectrum_array, write_raman_txt
from lpsrepro.io.xrd import pattern_array, read_xy, write_xy
from lpsrepro.models import kinetics, raman, xrd

UVW = (0.004, -0.002, 0.0025)
X = np.round(np.arange(10.0, 60.0001, 0.02), 6)


def test_li2s_lines_follow_bragg_for_the_antifluorite_cell():
    st = xrd.sticks("Li2S")
    for hkl, (h, k, l) in {"111": (1, 1, 1), "200": (2, 0, 0), "220": (2, 2, 0), "311": (3, 1, 1)}.items():
        expected = xrd.bragg_two_theta_deg(xrd.cubic_d_angstrom(h, k, l, 5.708), xrd.CU_KA1_ANGSTROM)
        assert st.two_theta_deg[list(st.hkl).index(hkl)] == pytest.approx(expected, abs=0.005)
    # and with the weighted Cu Kα (1.54184 Å), the wavelength of most published Li2S line lists
    assert xrd.bragg_two_theta_deg(xrd.cubic_d_angstrom(1, 1, 1, 5.708), 1.54184) == pytest.approx(27.06, abs=0.01)


def test_beta_li3ps4_lines_follow_bragg_for_homma_lattice():
    st = xrd.sticks("beta-Li3PS4")
    for hkl in ("210", "011", "002", "221"):
        h, k, l = (int(c) for c in hkl)
        expected = xrd.bragg_two_theta_deg(xrd.orthorhombic_d_angstrom(h, k, l, 12.8190, 8.2195, 6.1236),
                                           xrd.CU_KA1_ANGSTROM)
        assert st.two_theta_deg[list(st.hkl).index(hkl)] == pytest.approx(expected, abs=0.005)


def synthetic_mixture(fractions, seed, sizes=None):
    sizes = sizes or {"beta-Li3PS4": 40.0, "Li2S": 120.0, "Li4P2S6": 60.0}
    y = 200.0 + xrd.gaussian_humps(X, [250.0, 350.0], [12.0, 20.0], [5.0, 7.0])
    for name, w in fractions.items():
        y = y + 0.08 * w * xrd.phase_profile(X, xrd.sticks(name), column_length_nm=sizes[name], caglioti_uvw=UVW,
                                             zero_shift_deg=0.01, shape="voigt")
    counts = np.random.default_rng(seed).poisson(y).astype(float)
    return pattern_array(X, counts, wavelength_angstrom=xrd.CU_KA1_ANGSTROM)


@pytest.mark.parametrize("seed", [1, 2])
def test_quantification_recovers_known_fractions(seed):
    truth = {"beta-Li3PS4": 0.80, "Li2S": 0.05, "Li4P2S6": 0.15}
    fit = ax.fit_pattern(synthetic_mixture(truth, seed), list(truth), caglioti_uvw=UVW,
                         initial_sizes_nm={"beta-Li3PS4": 50, "Li2S": 100, "Li4P2S6": 50})
    for name, w in truth.items():
        # within 0.01 absolute (model mismatch Voigt vs pseudo-Voigt) and within 6 standard errors
        assert fit.phases[name].weight_fraction == pytest.approx(w, abs=0.01)
        assert abs(fit.phases[name].weight_fraction - w) < 6 * fit.phases[name].weight_fraction_std + 0.004
        assert fit.phases[name].observed
    assert fit.zero_shift_deg == pytest.approx(0.01, abs=0.004)


def test_absent_phase_is_not_observed_and_trace_above_limit_is():
    fit = ax.fit_pattern(synthetic_mixture({"beta-Li3PS4": 1.0}, 3), ["beta-Li3PS4", "Li2S"], caglioti_uvw=UVW,
                         initial_sizes_nm={"Li2S": 100})
    assert not fit.phases["Li2S"].observed and 0 < fit.phases["Li2S"].detection_limit < 0.01
    fit = ax.fit_pattern(synthetic_mixture({"beta-Li3PS4": 0.97, "Li2S": 0.03}, 4), ["beta-Li3PS4", "Li2S"],
                         caglioti_uvw=UVW, initial_sizes_nm={"Li2S": 100})
    assert fit.phases["Li2S"].observed


def test_scherrer_recovers_the_column_length():
    y = 150 + 2.0 * 0.08 * xrd.phase_profile(X, xrd.sticks("Li2S"), column_length_nm=15.0, caglioti_uvw=UVW, shape="voigt")
    p = pattern_array(X, np.random.default_rng(5).poisson(y).astype(float), wavelength_angstrom=xrd.CU_KA1_ANGSTROM)
    lengths = [l.column_length_nm for l in ax.scherrer_line_sizes(p, "Li2S", caglioti_uvw=UVW)]
    assert np.mean(lengths) == pytest.approx(15.0, rel=0.03)
    assert ax.sphere_diameter_from_column_length_nm(15.0) == pytest.approx(20.0)


def test_conversion_quadrature_equals_ode_and_scales_with_size():
    sizes = kinetics.normal_sizes(18, 3)
    t = np.array([1.0, 5.0, 20.0, 60.0])
    np.testing.assert_allclose(kinetics.conversion(t, sizes, 2.0), kinetics.conversion_ode(t, sizes, 2.0), atol=2e-3)
    # conversion depends on v0 t / D only
    assert kinetics.conversion(30.0, sizes.scaled(10), 2.0) == pytest.approx(kinetics.conversion(3.0, sizes, 2.0), abs=1e-6)


def test_rate_fit_recovers_known_rate_from_noisy_conversions():
    sizes = kinetics.lognormal_sizes(15000, 1.8)
    t = np.array([120, 720, 1440, 2880, 4320.0])
    x = kinetics.conversion(t, sizes, 12.0) + np.random.default_rng(6).normal(0, 0.005, t.size)
    fit = kin.fit_mechanism(t, x, np.full(t.size, 0.005), sizes, "reaction")
    assert fit.rate / 2 == pytest.approx(12.0, rel=0.05)                 # k = 2 v0
    assert abs(fit.rate / 2 - 12.0) < 4 * fit.rate_std / 2


def test_mass_balance_inverts():
    mm = {n: xrd.molar_mass_g_per_mol(n) for n in ("beta-Li3PS4", "Li2S", "Li4P2S6")}
    wf = kinetics.weight_fractions(kinetics.heat_treated_moles(0.8), mm)
    x = kinetics.conversion_from_weight_ratio(wf["Li2S"] / wf["beta-Li3PS4"], moles_minor_per_unreacted=1,
                                              molar_mass_minor=mm["Li2S"], molar_mass_li3ps4=mm["beta-Li3PS4"])
    assert x == pytest.approx(0.8)


def test_raman_band_fit_recovers_positions_and_absence():
    shift = np.arange(250.0, 550.0)
    bands = [(raman.Band("a", 421.3, 9.0, 1.0), 3e4), (raman.Band("b", 386.6, 10.0, 1.0), 5e3)]
    y = raman.spectrum(shift, bands, instrument_fwhm_per_cm=2.5,
                       background=raman.fluorescence_background(shift, level=1500, slope_per_100_cm=-0.2))
    s = spectrum_array(shift, np.random.default_rng(7).poisson(y).astype(float))
    fit = ram.fit_bands(s, {"a": (422, 8), "b": (385, 10), "c": (375, 8)}, instrument_fwhm_per_cm=2.5)
    assert fit.bands["a"].center_per_cm == pytest.approx(421.3, abs=0.3)
    assert fit.bands["b"].center_per_cm == pytest.approx(386.6, abs=0.6)
    assert not fit.bands["c"].present


# ------------------------------------------------------------------ bad input
def write(tmp_path, rows, header="# wavelength_angstrom = 1.540598\n"):
    path = tmp_path / "p.xy"
    path.write_text(header + "\n".join(rows) + "\n")
    return path


ROWS = [f"{10 + 0.02 * i:.2f} {100 + i}" for i in range(20)]


def test_duplicated_two_theta_is_refused_with_its_line(tmp_path):
    rows = ROWS.copy()
    rows[5] = rows[4]
    with pytest.raises(InputFileError, match=r"p\.xy, line 7, field '2theta'.*twice"):
        read_xy(write(tmp_path, rows))


def test_non_monotonic_two_theta_is_refused(tmp_path):
    rows = ROWS.copy()
    rows[8], rows[9] = rows[9], rows[8]
    with pytest.raises(InputFileError, match=r"line 11, field '2theta'.*goes back"):
        read_xy(write(tmp_path, rows))


@pytest.mark.parametrize("value,problem", [("-3", "negative"), ("nan", "not a finite")])
def test_negative_or_nan_counts_are_refused(tmp_path, value, problem):
    rows = ROWS.copy()
    rows[3] = rows[3].split()[0] + " " + value
    with pytest.raises(InputFileError, match=rf"line 5, field 'counts'.*{problem}"):
        read_xy(write(tmp_path, rows))


def test_wrong_wavelength_is_refused(tmp_path):
    with pytest.raises(InputFileError, match=r"field 'wavelength_angstrom'.*1\.7889"):
        read_xy(write(tmp_path, ROWS, header="# wavelength_angstrom = 1.78892\n"))
    p = pattern_array(X, np.ones_like(X), wavelength_angstrom=1.78892)
    with pytest.raises(InputFileError, match="wavelength"):
        ax.fit_pattern(p, ["Li2S"], caglioti_uvw=UVW)


def test_unknown_phase_is_refused():
    with pytest.raises(ParameterError, match="phases.*Li3PS4-gamma.*beta-Li3PS4"):
        xrd.check_phase_names(["beta-Li3PS4", "Li3PS4-gamma"])


def test_xy_and_raman_round_trip(tmp_path):
    p = pattern_array(X[:50], np.arange(50.0), wavelength_angstrom=xrd.CU_KA1_ANGSTROM)
    back = read_xy(write_xy(tmp_path / "a.xy", p, header={"provenance": "simulated stand-in",
                                                         "wavelength_angstrom": xrd.CU_KA1_ANGSTROM}))
    np.testing.assert_allclose(back.values, p.values)
    assert back.attrs["provenance"] == "simulated stand-in" and back.attrs["wavelength_from"] == "file"
    s = spectrum_array(np.arange(300.0, 350.0), np.arange(50.0))
    back = read_raman_txt(write_raman_txt(tmp_path / "r.txt", s, header={"provenance": "simulated stand-in"}))
    np.testing.assert_allclose(back.values, s.values)
