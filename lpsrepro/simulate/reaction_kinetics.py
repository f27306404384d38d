"""Stand-ins for §3.1 reaction kinetics: XRD and Raman series of the three routes (Fig. 1g, 2a–d, S1, S6, S8).

Forward model, per sample
-------------------------
1. Reaction: :mod:`lpsrepro.models.kinetics` gives the Li2S conversion at the
   sampled reaction time — dual precursor (nano-Li2S sol + Li2S·P2S5
   solution), conventional suspension (commercial Li2S in the Li2S·P2S5 formed
   in situ), nano-Li2S + P2S5 powder (Fig. S6, supply-limited), and the
   Li-naphthalene nano-Li2S (Fig. S8).
2. Heat treatment at 250 °C: the mass balance of
   :func:`~lpsrepro.models.kinetics.heat_treated_moles` (or
   :func:`~lpsrepro.models.kinetics.powder_route_moles`) gives the crystalline
   phases β-Li3PS4, Li2S, Li4P2S6 (and amorphous residue).
3. XRD: pymatgen sticks of each phase (:mod:`lpsrepro.models.xrd`), Voigt
   peaks with Scherrer size broadening (size per phase from the ledger) and a
   Caglioti instrument function, Cu Kα1 + Kα2, a per-sample zero error and
   packing factor, a flat background with low-angle air scatter, the two
   polyimide humps near 12° and 20°, Poisson counting noise; 10–60° in 0.02°
   steps. Written as NetCDF series and as two-column ``.xy`` exports.
4. Raman: bands of PS4³⁻, P2S6⁴⁻ and Li2S (:mod:`lpsrepro.models.raman`) with
   areas proportional to the moles of each unit, a fluorescence background
   that varies between samples, Poisson noise. NetCDF series and WiRE-like
   ``.txt`` exports.

Not modelled: the thio-LISICON II analog and the Li3PS4·ACN solvate that the
paper reports (no structure model and no peak list of either was found; see
data/structures/README.md), so the stand-ins contain neither and Fig. S2a
(the solvate) has no stand-in.

Calibration
-----------
Band centres of PS4³⁻ (420 cm⁻¹), P2S6⁴⁻ (389 cm⁻¹) and the weak bands the paper
assigns at 310 cm⁻¹ and 460–480 cm⁻¹ (taken at the middle, 470 cm⁻¹) are the
paper's values, read from ``data/paper/claims.yaml`` here — the Raman claims
therefore test that the analysis recovers band positions, not the paper's
assignments. The generator puts the 310 and 470 cm⁻¹ bands on the P2S6⁴⁻ unit
(so they scale with the unreacted Li2S·P2S5); the paper assigns them to
"P2S6²⁻", which is not the same anion (see notebook 31b): that tie is an
assumption of the stand-ins, not a result. The kinetic rate (``kinetics.recession_rate``) is the one
calibrated model input: chosen so that the dual route is complete at 50 min
and the conventional route is not at 72 h (its ledger entry says why). Every
other input is a ledger entry with its justification.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from lpsrepro import claims, ledger
from lpsrepro.io import provenance_attrs, write_netcdf
from lpsrepro.io.raman import spectrum_array, write_raman_txt
from lpsrepro.io.xrd import pattern_array, write_xy
from lpsrepro.models import kinetics, raman, xrd

#: Claims whose published value this module uses to make data (see "Calibration" above).
#: Reproducing them shows the analysis recovers what was put in, not that the paper is right.
CALIBRATION_TARGETS = {
    "raman_ps4_band": "the stand-in's PS4(3-) band centre is the published 420 cm-1",
    "raman_p2s6_band": "the stand-in's P2S6(4-) band centre is the published 389 cm-1",
    "raman_310_band": "the stand-in's weak band centre is the published 310 cm-1",
    "raman_460_480_band": "the stand-in's band centre is the middle of the published 460-480 cm-1",
    # The recession rate (assumption kinetics.recession_rate) was chosen inside the window that the
    # following observations leave open, so they constrain the stand-ins as well:
    "dual_route_completion_time": "the Li2S recession rate was chosen so the dual route is complete by 50 min",
    "li2s_observed_dual_50min": "the Li2S recession rate was chosen so no Li2S is left at 50 min",
    "li2s_observed_conventional_72h": "the Li2S recession rate was chosen so Li2S is left after 72 h",
    "li4p2s6_observed_dual": "the Li2S recession rate was chosen so Li4P2S6 stays below detection at 50 min",
    # Li4P2S6 is the unreacted Li2S·P2S5 after heat treatment: its amount at 72 h follows by mass balance
    # from the calibrated recession rate, so its detection is not independent of that choice.
    "li4p2s6_observed_conventional": "Li4P2S6 at 72 h is the unreacted Li2S·P2S5 left by the calibrated recession rate",
    # The P2S5 dissolution rate (assumption kinetics.p2s5_dissolution_rate) was chosen "so that Li2S is
    # left after 65 min as Fig. S6 shows".
    "li2s_observed_nanoLi2S_P2S5_65min": "the P2S5 dissolution rate was chosen so that Li2S is left after 65 min",
    # The nano-Li2S crystallites of the Fig. S1 stand-in have the paper's SEM size (kinetics.nano_li2s_mean).
    "li2s_nano_size_from_xrd": "the stand-in's nano-Li2S crystallites have the published 18 ± 3 nm SEM size",
}


TWO_THETA_RANGE_DEG = (10.0, 60.0)
RAMAN_RANGE_PER_CM = (250.0, 550.0)
RAMAN_STEP_PER_CM = 1.0
DUAL_TIMES_MIN = (50.0, 140.0)          # paper §3.1: 50 min and 2 h 20 min
S6_TIME_MIN = 65.0                       # paper §3.1, Fig. S6
NAPH_TIME_MIN = 50.0                     # assumption: the minimum, as for the dual route


def two_theta_grid_deg() -> np.ndarray:
    step = ledger.value("xrd.step", "degree")
    n = int(round((TWO_THETA_RANGE_DEG[1] - TWO_THETA_RANGE_DEG[0]) / step)) + 1
    return np.round(np.linspace(*TWO_THETA_RANGE_DEG, n), 6)


def raman_grid_per_cm() -> np.ndarray:
    n = int(round((RAMAN_RANGE_PER_CM[1] - RAMAN_RANGE_PER_CM[0]) / RAMAN_STEP_PER_CM)) + 1
    return np.linspace(*RAMAN_RANGE_PER_CM, n)


# --------------------------------------------------------------------------- kinetics of the routes
def route_conversions() -> dict[str, dict[float, float]]:
    """Li2S conversion at every sampled time of every route: {route: {time_min: X}}."""
    v0 = ledger.value("kinetics.recession_rate", "nm/min")
    nano = kinetics.normal_sizes(ledger.value("kinetics.nano_li2s_mean", "nm"), ledger.value("kinetics.nano_li2s_sd", "nm"))
    naph = kinetics.normal_sizes(ledger.value("kinetics.naph_li2s_mean", "nm"), ledger.value("kinetics.naph_li2s_sd", "nm"))
    commercial = kinetics.lognormal_sizes(ledger.value("kinetics.commercial_li2s_median", "nm"),
                                          ledger.value("kinetics.commercial_li2s_gsd", ""))
    p2s5 = kinetics.lognormal_sizes(ledger.value("kinetics.p2s5_median", "nm"), ledger.value("kinetics.p2s5_gsd", ""))
    supply = kinetics.dissolution_supply(p2s5, ledger.value("kinetics.p2s5_dissolution_rate", "nm/min"))
    conv_times = conventional_times_min()
    return {
        "dual": dict(zip(DUAL_TIMES_MIN, kinetics.conversion(np.array(DUAL_TIMES_MIN), nano, v0))),
        "conventional": dict(zip(conv_times, kinetics.conversion(np.array(conv_times), commercial, v0))),
        "nanoLi2S_P2S5": {S6_TIME_MIN: kinetics.conversion_ode(S6_TIME_MIN, nano, v0, supply)},
        "naph": {NAPH_TIME_MIN: kinetics.conversion(NAPH_TIME_MIN, naph, v0)},
    }


def conventional_times_min() -> tuple[float, ...]:
    text = str(ledger.get("kinetics.conventional_times").value)
    return tuple(float(t) for t in text.split(","))


def molar_masses() -> dict[str, float]:
    out = {name: xrd.molar_mass_g_per_mol(name) for name in ("beta-Li3PS4", "Li2S", "Li4P2S6")}
    out["amorphous P2S5"] = 222.27  # g/mol of P2S5 (P4S10 / 2)
    return out


def phase_moles(route: str, x: float) -> dict[str, float]:
    return kinetics.powder_route_moles(x) if route == "nanoLi2S_P2S5" else kinetics.heat_treated_moles(x)


# --------------------------------------------------------------------------- XRD
def _crystallite_sizes_nm(route: str) -> dict[str, float]:
    nano_li2s = xrd.sphere_volume_weighted_size_nm(*_nano_sizes(route))
    beta = ledger.value("xrd.size_beta_li3ps4_conventional" if route == "conventional" else "xrd.size_beta_li3ps4_dual", "nm")
    li2s = ledger.value("xrd.size_li2s_commercial", "nm") if route == "conventional" else nano_li2s
    return {"beta-Li3PS4": beta, "Li2S": li2s, "Li4P2S6": ledger.value("xrd.size_li4p2s6", "nm")}


def _nano_sizes(route: str):
    key = "naph" if route == "naph" else "nano"
    dist = kinetics.normal_sizes(ledger.value(f"kinetics.{key}_li2s_mean", "nm"), ledger.value(f"kinetics.{key}_li2s_sd", "nm"))
    return dist.diameters_nm, dist.weights


def instrument() -> dict[str, float]:
    return {"caglioti_u_deg2": ledger.value("xrd.caglioti_u", "degree**2"),
            "caglioti_v_deg2": ledger.value("xrd.caglioti_v", "degree**2"),
            "caglioti_w_deg2": ledger.value("xrd.caglioti_w", "degree**2")}


def expected_pattern(two_theta, weight_fractions: dict[str, float], sizes_nm: dict[str, float], *,
                     zero_shift_deg: float, packing: float, amorphous_fraction: float = 0.0) -> np.ndarray:
    """Expected counts (before noise) of one heat-treated sample."""
    uvw = tuple(instrument().values())
    scale = ledger.value("xrd.counts_per_unit", "") * packing
    y = np.zeros_like(two_theta)
    for name, w in weight_fractions.items():
        if w > 0 and name in sizes_nm:
            y += scale * w * xrd.phase_profile(two_theta, xrd.sticks(name), column_length_nm=sizes_nm[name],
                                               caglioti_uvw=uvw, zero_shift_deg=zero_shift_deg, shape="voigt")
    flat = ledger.value("xrd.background_counts", "")
    hump = ledger.value("xrd.polyimide_hump_counts", "")
    y += flat * (1.0 + 1.5 * np.exp(-(two_theta - 10.0) / 6.0))            # low-angle air scatter
    y += xrd.gaussian_humps(two_theta, [hump, 1.4 * hump], [12.0, 20.0], [4.0, 6.0])   # polyimide window
    if amorphous_fraction > 0:                                              # glassy residue (Fig. S6)
        y += xrd.gaussian_humps(two_theta, [600.0 * amorphous_fraction], [30.0], [10.0])
    return y


def _sample(route: str, time_min: float, x: float, rng) -> tuple[np.ndarray, dict]:
    two_theta = two_theta_grid_deg()
    moles = phase_moles(route, x)
    wf = kinetics.weight_fractions(moles, molar_masses())
    crystalline = {k: v for k, v in wf.items() if k != "amorphous P2S5"}
    sizes = _crystallite_sizes_nm(route)
    zero = float(rng.normal(0.0, 0.015))
    packing = float(rng.normal(1.0, 0.08))
    expected = expected_pattern(two_theta, crystalline, sizes, zero_shift_deg=zero, packing=packing,
                                amorphous_fraction=wf.get("amorphous P2S5", 0.0))
    counts = rng.poisson(expected).astype(float)
    truth = {"route": route, "reaction_time_min": time_min, "li2s_conversion": round(float(x), 6),
             "weight_fractions": {k: round(float(v), 6) for k, v in wf.items()},
             "crystallite_sizes_nm": {k: round(float(v), 3) for k, v in sizes.items()},
             "zero_shift_deg": round(zero, 5), "packing_factor": round(packing, 5)}
    return counts, truth


def _xy_header(truth: dict, seed: int, description: str) -> dict[str, str]:
    attrs = provenance_attrs(model="lpsrepro.simulate.reaction_kinetics.expected_pattern", parameters=truth, seed=seed,
                             description=description)
    return {"provenance": attrs["provenance"], "wavelength_angstrom": f"{xrd.CU_KA1_ANGSTROM}",
            "radiation": "Cu Kalpha1 + Kalpha2 (ratio 0.5)", "description": attrs["description"],
            "model": attrs["model"], "seed": attrs["seed"], "generator": attrs["generator"],
            "paper": attrs["paper"], "note": attrs["note"], "model_parameters": attrs["model_parameters"]}


SERIES = {
    "dual": ("xrd_dual", "Dual-precursor route (nano-Li2S sol + Li2S·P2S5 solution), dried and heat-treated at "
             "250 °C after each reaction time (paper Fig. 2a, Fig. 1g)"),
    "conventional": ("xrd_conventional", "Conventional suspension of commercial Li2S and P2S5 (3:1) in ACN, "
                     "dried and heat-treated at 250 °C after each reaction time (paper Fig. 2c, Fig. 1g)"),
}
SINGLES = {
    "nanoLi2S_P2S5": ("xrd_nanoLi2S_P2S5_065min", "Nano-Li2S + P2S5 powder in THF:ACN 2:1 for 65 min, "
                      "heat-treated at 250 °C (paper Fig. S6)"),
    "naph": ("xrd_naph_route_050min", "Dual-precursor route with Li-naphthalene nano-Li2S, 50 min, "
             "heat-treated at 250 °C (paper Fig. S8)"),
}


def generate_xrd(out_dir: Path, seed: int = 31) -> list[Path]:
    """Write the XRD stand-ins: two NetCDF series, their ``.xy`` exports, S6, S8 and nano-Li2S (S1)."""
    rng = np.random.default_rng(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    conversions = route_conversions()
    written: list[Path] = []
    two_theta = two_theta_grid_deg()
    for route, (stem, description) in SERIES.items():
        times = sorted(conversions[route])
        rows, truths = [], []
        for t in times:
            counts, truth = _sample(route, t, conversions[route][t], rng)
            rows.append(counts)
            truths.append(truth)
            written.append(write_xy(out_dir / f"{stem}_{int(round(t)):04d}min.xy", pattern_array(two_theta, counts),
                                    header=_xy_header(truth, seed, f"{description}; reaction time {t:g} min")))
        attrs = provenance_attrs(model="lpsrepro.simulate.reaction_kinetics.expected_pattern",
                                 parameters={"samples": truths, "instrument": instrument()}, seed=seed,
                                 description=description)
        da = xr.DataArray(np.array(rows), dims=("reaction_time", "two_theta"), name="counts",
                          coords={"reaction_time": ("reaction_time", np.array(times), {"units": "min"}),
                                  "two_theta": ("two_theta", two_theta, {"units": "degree", "long_name": "2θ"})},
                          attrs={"units": "counts", "long_name": "diffracted intensity"})
        ds = da.to_dataset()
        ds.attrs.update(attrs, wavelength_angstrom=xrd.CU_KA1_ANGSTROM, route=route)
        written.append(write_netcdf(ds, out_dir / f"{stem}_series.nc"))
    for route, (stem, description) in SINGLES.items():
        (t, x), = conversions[route].items()
        counts, truth = _sample(route, t, x, rng)
        written.append(write_xy(out_dir / f"{stem}.xy", pattern_array(two_theta, counts),
                                header=_xy_header(truth, seed, description)))
    written.append(_nano_li2s_pattern(out_dir, rng, seed))
    return written


def _nano_li2s_pattern(out_dir: Path, rng, seed: int) -> Path:
    """Fig. S1: the dried nano-Li2S sol alone (18-nm crystallites), under polyimide film."""
    two_theta = two_theta_grid_deg()
    d, w = _nano_sizes("dual")
    size = xrd.sphere_volume_weighted_size_nm(d, w)
    zero = float(rng.normal(0.0, 0.015))
    # Pure Li2S scatters more per mass at its few reflections; a 3x longer count brings it to
    # the same statistics as the mixtures (assumption, stated in the header).
    expected = 3.0 * (expected_pattern(two_theta, {"Li2S": 1.0}, {"Li2S": size}, zero_shift_deg=zero, packing=1.0))
    counts = rng.poisson(expected).astype(float)
    truth = {"route": "nano-Li2S sol, dried", "weight_fractions": {"Li2S": 1.0},
             "volume_weighted_column_length_nm": round(size, 3),
             "diameters": "normal, kinetics.nano_li2s_mean +- kinetics.nano_li2s_sd", "zero_shift_deg": round(zero, 5),
             "counting_time_factor": 3.0}
    return write_xy(out_dir / "xrd_nano_li2s.xy", pattern_array(two_theta, counts),
                    header=_xy_header(truth, seed, "Nano-Li2S from LiEt3BH + S, dried sol (paper Fig. S1)"))


# --------------------------------------------------------------------------- Raman
def raman_bands() -> dict[str, list[raman.Band]]:
    """Bands per structural unit; centres of the thiophosphate bands calibrated to the paper (see docstring)."""
    published = claims.registry()
    ps4 = float(published["raman_ps4_band"].value)
    p2s6 = float(published["raman_p2s6_band"].value)
    b310 = float(published["raman_310_band"].value)
    b470 = 0.5 * (float(published["raman_460_480_band"].low) + float(published["raman_460_480_band"].high))
    xs = ledger.value("raman.p2s6_cross_section", "")
    li2s_xs = ledger.value("raman.li2s_cross_section", "")
    li2s = ledger.value("raman.li2s_band", "1/cm")
    nano_shift = ledger.value("raman.nano_li2s_shift", "1/cm")
    nano_width = ledger.value("raman.nano_li2s_extra_width", "1/cm")
    return {
        "PS4": [raman.Band("PS4 sym. stretch", ps4, 9.0, 1.0)],
        "P2S6": [raman.Band("P2S6 PS3 stretch", p2s6, 10.0, xs), raman.Band("P-P / S-P-S", b310, 14.0, 0.15 * xs),
                 raman.Band("P-S stretch 460-480", b470, 18.0, 0.22 * xs)],
        "Li2S": [raman.Band("Li2S T2g", li2s, 6.0, li2s_xs)],
        "nano-Li2S": [raman.Band("Li2S T2g (nano)", li2s + nano_shift, 6.0 + nano_width, li2s_xs)],
    }


def _raman_units(route: str, moles: dict[str, float]) -> dict[str, float]:
    li2s_key = "Li2S" if route in ("conventional", "commercial Li2S") else "nano-Li2S"
    return {"PS4": moles.get("beta-Li3PS4", 0.0), "P2S6": moles.get("Li4P2S6", 0.0), li2s_key: moles.get("Li2S", 0.0)}


def _raman_sample(route: str, units: dict[str, float], rng, *, band_counts: float = 4.0e4):
    shift = raman_grid_per_cm()
    bands = raman_bands()
    total = sum(units.values())
    contributions = [(band, band_counts * n / total) for unit, n in units.items() for band in bands[unit]]
    level = ledger.value("raman.fluorescence_counts", "") * float(rng.uniform(0.6, 1.4))
    background = raman.fluorescence_background(shift, level=level, slope_per_100_cm=float(rng.uniform(-0.35, -0.1)),
                                                curvature=float(rng.uniform(0.0, 0.06)))
    expected = raman.spectrum(shift, contributions, instrument_fwhm_per_cm=ledger.value("raman.instrument_fwhm", "1/cm"),
                              background=background)
    truth = {"units_mol_fraction": {k: round(v / total, 6) for k, v in units.items()},
             "fluorescence_level_counts": round(level, 2)}
    return rng.poisson(expected).astype(float), truth


def generate_raman(out_dir: Path, seed: int = 311) -> list[Path]:
    """Write the Raman stand-ins: series of both routes (NetCDF + WiRE-like .txt) and S1 (nano vs commercial Li2S)."""
    rng = np.random.default_rng(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    conversions = route_conversions()
    shift = raman_grid_per_cm()
    written: list[Path] = []
    band_params = {unit: [vars(b) for b in bands] for unit, bands in raman_bands().items()}
    for route, stem in (("dual", "raman_dual"), ("conventional", "raman_conventional")):
        times = sorted(conversions[route])
        rows, truths = [], []
        for t in times:
            units = _raman_units(route, phase_moles(route, conversions[route][t]))
            counts, truth = _raman_sample(route, units, rng)
            truth.update(route=route, reaction_time_min=t, li2s_conversion=round(float(conversions[route][t]), 6))
            rows.append(counts)
            truths.append(truth)
            attrs = provenance_attrs(model="lpsrepro.models.raman.spectrum", parameters={**truth, "bands": band_params},
                                     seed=seed, description=f"Raman spectrum, {route} route, {t:g} min, 532 nm")
            written.append(write_raman_txt(out_dir / f"{stem}_{int(round(t)):04d}min.txt", spectrum_array(shift, counts),
                                           header=attrs))
        da = xr.DataArray(np.array(rows), dims=("reaction_time", "raman_shift"), name="intensity",
                          coords={"reaction_time": ("reaction_time", np.array(times), {"units": "min"}),
                                  "raman_shift": ("raman_shift", shift, {"units": "1/cm"})},
                          attrs={"units": "counts"})
        ds = da.to_dataset()
        ds.attrs.update(provenance_attrs(model="lpsrepro.models.raman.spectrum",
                                         parameters={"samples": truths, "bands": band_params}, seed=seed,
                                         description=f"Raman spectra of the {route} route after each reaction time "
                                                     "(paper Fig. 2b/2d), 532 nm"), route=route)
        written.append(write_netcdf(ds, out_dir / f"{stem}_series.nc"))
    for name, units in (("nano_li2s", {"nano-Li2S": 1.0}), ("commercial_li2s", {"Li2S": 1.0})):
        counts, truth = _raman_sample(name, units, rng, band_counts=1.2e5)
        attrs = provenance_attrs(model="lpsrepro.models.raman.spectrum", parameters={**truth, "bands": band_params},
                                 seed=seed, description=f"Raman spectrum of {name.replace('_', ' ')} (paper Fig. S1)")
        written.append(write_raman_txt(out_dir / f"raman_{name}.txt", spectrum_array(shift, counts), header=attrs))
    return written
