"""Stand-ins for §3.1: particle images (Fig. 1e, 1f, S7) and pellet spectra (Fig. S4, S5, S9).

Particle images
---------------
Diameters are drawn from the population-balance model
(:mod:`lpsrepro.models.nucleation`) until their discs cover the area fraction of
the ledger (``sem_particles.area_fraction``), packed into a close-packed
monolayer by overlap relaxation (:func:`lpsrepro.models.sem.pack_particles`:
touching and slightly overlapping neighbours, particles cut by the frame, about
80 % of the field covered as in the paper's Fig. 1e/1f) and imaged with an SE
contrast model (:func:`lpsrepro.models.sem.particle_image`). Each TIFF holds
its scale (nm per pixel) and its provenance in its own description.

Calibration (the only place where published §3.1 sizes are used)
----------------------------------------------------------------
The model's physical constants come from the assumptions ledger. Two inputs
are not known at all — the rate at which each route releases monomer (the
supply rate *k*) and the kinetic prefactor ``J0`` of nucleation — and are
chosen by least squares (in log space) so that the model's final
number-weighted mean and standard deviation of the diameter equal the
paper's (18 ± 3 nm for nano-Li2S, 44 ± 6 nm for the LPS precursor).
:func:`fit_calibration` does this with
:func:`lpsrepro.models.nucleation.fit_supply_and_prefactor` (the notebook
applies the same fit to the sizes it measures, never to this metadata).

The fitted values are *frozen*: rounded to the digits the fit determines (the
solver's step tolerance in log10 space, see :func:`determined_digits`) and
stored in ``data/paper/calibration.yaml`` with the fit that made them.
:func:`calibrated_parameters` reads the frozen values, so that the last bits of
a least-squares solution — which depend on the CPU's SIMD code path — never
reach data/raw. ``tests/test_determinism.py`` refits and checks that the refit
agrees with the frozen values within the fit's tolerance; ``python -m
lpsrepro.simulate.nanoparticles --freeze`` rewrites the file after a model
change. The frozen values are written into each file's metadata as provenance. The Li-naphthalene route (Fig. S7) uses the LPS calibration
with a slower supply (``naph_route.supply_rate_factor``); the paper gives no
size for it.

Pellet spectra
--------------
:func:`lpsrepro.models.impedance.pellet_cell_impedance_ohm` for a 200-mg,
15-mm pellet whose thickness follows from density and an assumed porosity.
Calibration: the total ionic resistance is set so that L / (R A) is the
paper's conductivity (3.87e-5, 1.69e-4, 2.8e-5 S/cm), split between grains
and grain boundaries by an assumed fraction.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import yaml

from lpsrepro import claims, ledger, paths
from lpsrepro.errors import InputFileError, ParameterError
from lpsrepro.io import provenance_attrs
from lpsrepro.io.images import write_sem_tiff
from lpsrepro.registry import loader as registry_loader
from lpsrepro.io.impedance import write_zplot
from lpsrepro.models.impedance import (angular_frequency, conductivity_from_resistance_s_per_cm, disc_area_cm2,
                                      pellet_cell_impedance_ohm, pellet_thickness_cm,
                                      resistance_from_conductivity_ohm)
from lpsrepro.models.nucleation import (PrecipitationParameters, fit_supply_and_prefactor, sample_diameters_nm,
                                       simulate_precipitation)
from lpsrepro.models.sem import diameters_for_area_fraction, pack_particles, particle_image, projected_coverage
from lpsrepro.simulate.instruments import (analyser_noise, eis_settings_from_ledger, log_frequency_sweep_hz,
                                           sweep_elapsed_time_s)

#: Claims whose published value this module uses to make data (see "Calibration" above).
#: Reproducing them shows the analysis recovers what was put in, not that the paper is right.
CALIBRATION_TARGETS = {
    "li2s_nano_size_mean": "supply rate and nucleation prefactor fitted so the model's mean is the published 18 nm",
    "li2s_nano_size_sd": "fitted together with the mean to the published 3 nm",
    "lps_precursor_size_mean": "supply rate and nucleation prefactor fitted to the published 44 nm",
    "lps_precursor_size_sd": "fitted together with the mean to the published 6 nm",
    "pellet_conductivity_250C": "the pellet's total resistance is set from the published σ",
    "pellet_conductivity_300C": "the pellet's total resistance is set from the published σ",
    "pellet_conductivity_naph": "the pellet's total resistance is set from the published σ",
    "membrane_over_pellet_conductivity": "a ratio of two calibrated conductivities (membrane and 250 °C pellet)",
}


#: system → (ledger prefix, claim id of the mean, claim id of the sd)
SYSTEMS = {"li2s": ("li2s_nano", "li2s_nano_size_mean", "li2s_nano_size_sd"),
           "lps": ("lps_nano", "lps_precursor_size_mean", "lps_precursor_size_sd")}
#: Start values (log10 of supply rate in 1/s, log10 of J0 in 1/(m³ s)) of the calibration: any point
#: from which the model nucleates; found by a coarse scan, they only save solver time.
_START = {"li2s": (-1.6, 31.1), "lps": (-2.3, 29.0)}


def base_parameters(system: str, *, supply_rate_per_s: float = 1e-2,
                    nucleation_prefactor_per_m3_s: float = 1e30) -> PrecipitationParameters:
    """Model inputs of ``system`` ("li2s" or "lps") from the ledger, with the two unknowns given.

    The ledger's entries become model inputs in one place, the section's
    :func:`lpsrepro.sections.nanoparticles.precipitation_parameters` (the notebook's fits use the same).
    """
    from lpsrepro.sections import nanoparticles as section   # here: the section imports nothing of simulate

    if system not in SYSTEMS:
        raise ParameterError("system", system, "one of " + ", ".join(SYSTEMS))
    return section.precipitation_parameters(section.Params.from_ledger(), system).with_(
        supply_rate_per_s=supply_rate_per_s, nucleation_prefactor_per_m3_s=nucleation_prefactor_per_m3_s)


#: The committed file of frozen calibration values (see "Calibration" above).
CALIBRATION_FILE = paths.PAPER / "calibration.yaml"
#: Step tolerance of the calibration fit in log10 space (scipy ``xtol``); it sets the frozen digits.
CALIBRATION_XTOL = 1e-6


def fit_calibration(system: str):
    """Run the calibration fit of ``system`` from scratch (slow: about 30 model solutions).

    The least squares is :func:`lpsrepro.models.nucleation.fit_supply_and_prefactor`, the same inverse
    fit that notebook 31a applies to the sizes it measures; here it is given the published values.
    Returns the :class:`~lpsrepro.models.nucleation.PrecipitationFit`.
    """
    _, mean_id, sd_id = SYSTEMS[system]
    published = claims.registry()
    return fit_supply_and_prefactor(float(published[mean_id].value), float(published[sd_id].value),
                                    base_parameters(system), start=_START[system], xtol=CALIBRATION_XTOL)


def determined_digits(value: float, xtol: float = CALIBRATION_XTOL) -> int:
    """Significant digits of a positive value fitted in log10 space to step tolerance ``xtol``.

    scipy's ``least_squares`` stops when a step changes x = log10(value) by
    less than ``xtol * (xtol + |x|)``; the value is then known to a relative
    ``ln(10) * xtol * (xtol + |x|)``, i.e. to ``-log10`` of that in significant
    digits (rounded down: a digit is kept only when the fit fixes it).
    """
    x = math.log10(value)
    relative = math.log(10.0) * xtol * (xtol + abs(x))
    return max(1, int(math.floor(-math.log10(relative))))


def round_significant(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits (decimal, via the shortest repr)."""
    return float(f"{value:.{digits - 1}e}")


def freeze_calibration(path: Path = CALIBRATION_FILE) -> dict:
    """Refit every system and write the rounded results to ``path`` (run after a model change)."""
    doc: dict = {}
    for system in SYSTEMS:
        fit = fit_calibration(system)
        entry = {}
        for name in ("supply_rate_per_s", "nucleation_prefactor_per_m3_s"):
            value = float(getattr(fit.parameters, name))
            digits = determined_digits(value)
            entry[name] = {"value": round_significant(value, digits), "significant_digits": digits}
        mean_misfit, sd_misfit = fit.misfit()
        doc[system] = {"targets": {"mean_nm": fit.target_mean_nm, "sd_nm": fit.target_sd_nm},
                       **entry, "relative_misfit": {"mean": float(f"{mean_misfit:.1e}"),
                                                     "sd": float(f"{sd_misfit:.1e}")}}
    header = ("# Frozen calibration of the particle-image stand-ins (lpsrepro.simulate.nanoparticles).\n"
              "# Made by: python -m lpsrepro.simulate.nanoparticles --freeze\n"
              "# Fit: lpsrepro.models.nucleation.fit_supply_and_prefactor (scipy least_squares, trf, log10 space,\n"
              f"#   xtol = {CALIBRATION_XTOL:g}, start values nanoparticles._START) to the published mean and sd of\n"
              "#   the diameter (claims li2s_nano_size_mean/_sd, lps_precursor_size_mean/_sd; Wu et al. 2022, Sec. 3.1).\n"
              "# Values are rounded to the significant digits the fit determines (nanoparticles.determined_digits);\n"
              "# the last bits of a least-squares solution depend on the CPU, these digits do not.\n"
              "# tests/test_determinism.py refits and checks agreement within the fit's tolerance.\n")
    text = header + yaml.safe_dump({"precipitation": doc}, sort_keys=True, allow_unicode=True)
    Path(path).write_text(text, encoding="utf-8")
    return doc


@registry_loader("the frozen calibration of the particle-image stand-ins", "precipitation", dict)
def _load_calibration(path: Path, section: dict) -> dict:
    out = {}
    for system in SYSTEMS:
        for name in ("supply_rate_per_s", "nucleation_prefactor_per_m3_s"):
            try:
                value = float(section[system][name]["value"])
            except (KeyError, TypeError, ValueError):
                raise InputFileError(path, "entry is missing or not a number", field=f"precipitation.{system}.{name}.value",
                                     expected="a number (rewrite the file with python -m lpsrepro.simulate.nanoparticles "
                                     "--freeze)") from None
            out.setdefault(system, {})[name] = value
    return out


def frozen_calibration(path: Path = CALIBRATION_FILE) -> dict:
    """The frozen calibration values, ``{system: {"supply_rate_per_s": ..., ...}}`` (floats), read
    through the registries' one loader (:func:`lpsrepro.registry.loader`, cached per path)."""
    return _load_calibration(Path(path))


def calibrated_parameters(system: str) -> PrecipitationParameters:
    """Model inputs of ``system`` with the frozen supply rate and nucleation prefactor.

    The two values come from ``data/paper/calibration.yaml`` (made by :func:`freeze_calibration`),
    never from a fit at generation time: see "Calibration" in the module docstring.
    """
    frozen = frozen_calibration()[system]
    return base_parameters(system, **frozen)


def _image_settings(pixel_key: str) -> dict:
    size = int(ledger.value("sem_particles.image_size", "dimensionless"))
    return {
        "shape": (size, size),
        "pixel_size_nm": ledger.value(pixel_key, "nm"),
        "substrate_grey": ledger.value("sem_particles.substrate_grey", "dimensionless"),
        "particle_grey": ledger.value("sem_particles.particle_grey", "dimensionless"),
        "edge_contrast": ledger.value("sem_particles.edge_contrast", "dimensionless"),
        "probe_sigma_nm": ledger.value("sem_particles.probe_sigma", "nm"),
        "electrons_per_pixel": ledger.value("sem_particles.electrons_per_pixel", "dimensionless"),
    }


def _write_particle_image(out_dir: Path, stem: str, params: PrecipitationParameters, pixel_key: str,
                          description: str, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    result = simulate_precipitation(params)
    settings = _image_settings(pixel_key)
    ny, nx = settings["shape"]
    height_nm, width_nm = ny * settings["pixel_size_nm"], nx * settings["pixel_size_nm"]
    placement = {"area_fraction": ledger.value("sem_particles.area_fraction", "dimensionless"),
                 "min_gap_fraction": ledger.value("sem_particles.min_gap_fraction", "dimensionless")}
    # a close-packed layer: as many particles as cover the area fraction of the field enlarged by
    # the largest radius (particles cut by the frame), then relaxed to contact (models.sem.pack_particles)
    mean_model, sd_model = result.moments_nm()
    # to 0.1 nm, so that the last bits of the ODE solution do not move the count
    margin = round(0.5 * (mean_model + 4.0 * sd_model), 1)
    diameters = diameters_for_area_fraction(lambda n: sample_diameters_nm(result, n, rng),
                                            area_fraction=placement["area_fraction"],
                                            area_nm2=(height_nm + 2 * margin) * (width_nm + 2 * margin))
    field = pack_particles(diameters, field_nm=(height_nm, width_nm), rng=rng,
                           min_gap_fraction=placement["min_gap_fraction"])
    pixels = particle_image(field, rng=rng, **settings)
    mean, sd = result.moments_nm()
    # moments to 0.01 nm: far below a pixel, and stable in the last bits of the ODE solution
    model_params = {"precipitation": {k: float(v) for k, v in vars(params).items()},
                    "model_diameter_mean_nm": round(mean, 2), "model_diameter_sd_nm": round(sd, 2),
                    "particles_placed": int(field.diameter_nm.size), **placement,
                    # generator truth, for tests and benchmarks only (analysis code never reads it)
                    "projected_coverage": round(projected_coverage(field, shape=(ny, nx),
                                                                   pixel_size_nm=settings["pixel_size_nm"]), 3),
                    **{k: v for k, v in settings.items() if k != "shape"}, "shape": [ny, nx]}
    attrs = provenance_attrs(model="lpsrepro.models.nucleation.simulate_precipitation + "
                                   "lpsrepro.models.sem.pack_particles + lpsrepro.models.sem.particle_image",
                             parameters={}, seed=seed, description=description)
    attrs["model_parameters"] = model_params
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_sem_tiff(out_dir / f"{stem}.tif", pixels, pixel_size_nm=settings["pixel_size_nm"], metadata=attrs)


def generate_particle_images(out_dir: Path) -> list[Path]:
    """Write the SEM stand-ins of Fig. 1e (nano-Li2S), 1f (LPS precursor) and S7 (Li-naphthalene route)."""
    li2s = calibrated_parameters("li2s")
    lps = calibrated_parameters("lps")
    naph = lps.with_(supply_rate_per_s=lps.supply_rate_per_s
                     * ledger.value("naph_route.supply_rate_factor", "dimensionless"))
    return [
        _write_particle_image(out_dir, "nano_li2s_sem", li2s, "sem_particles.li2s_pixel_size",
                              "Top-view SEM image of nano-Li2S from LiEt3BH + S (paper Fig. 1e)", seed=311),
        _write_particle_image(out_dir, "lps_precursor_sem", lps, "sem_particles.lps_pixel_size",
                              "Top-view SEM image of the LPS precursor particles, dual-precursor route "
                              "(paper Fig. 1f)", seed=312),
        _write_particle_image(out_dir, "lps_naph_sem", naph, "sem_particles.lps_pixel_size",
                              "Top-view SEM image of LPS particles from Li-naphthalene nano-Li2S "
                              "(paper Fig. S7)", seed=313),
    ]


#: stem → (claim id of the published conductivity, paper panel, description)
PELLETS = {
    "pellet_lps_250C_eis": ("pellet_conductivity_250C", "Fig. S4",
                            "LPS (dual-precursor route) heat-treated at 250 °C"),
    "pellet_lps_300C_eis": ("pellet_conductivity_300C", "Fig. S5", "LPS heat-treated at 300 °C"),
    "pellet_lps_naph_eis": ("pellet_conductivity_naph", "Fig. S9",
                            "LPS from Li-naphthalene nano-Li2S, heat-treated at 250 °C"),
}


def pellet_geometry() -> dict[str, float]:
    """Thickness (cm) and electrode area (cm²) of the pressed pellets, from the ledger."""
    diameter_mm = ledger.value("pellet.diameter", "mm")
    return {"thickness_cm": float(pellet_thickness_cm(ledger.value("pellet.mass", "mg"), diameter_mm,
                                                      ledger.value("pellet.density", "g/cm**3"),
                                                      ledger.value("pellet.porosity", "dimensionless"))),
            "area_cm2": float(disc_area_cm2(diameter_mm))}


def pellet_model_parameters(target_conductivity_s_per_cm: float) -> dict[str, float]:
    """Inputs of the pellet model such that L / ((R_lead + R_b + R_gb) A) is the target σ."""
    geometry = pellet_geometry()
    total_ohm = float(resistance_from_conductivity_ohm(geometry["thickness_cm"], geometry["area_cm2"],
                                                       target_conductivity_s_per_cm))
    lead = ledger.value("pellet.lead_resistance", "ohm")
    r_gb = ledger.value("pellet.grain_boundary_fraction", "dimensionless") * total_ohm
    r_bulk = total_ohm - r_gb - lead
    alpha_gb = ledger.value("pellet.grain_boundary_alpha", "dimensionless")
    apex_hz = ledger.value("pellet.grain_boundary_apex", "Hz")
    return {
        **geometry,
        "bulk_conductivity_s_per_cm": float(conductivity_from_resistance_s_per_cm(geometry["thickness_cm"], r_bulk,
                                                                                  geometry["area_cm2"])),
        "relative_permittivity": ledger.value("pellet.relative_permittivity", "dimensionless"),
        "grain_boundary_resistance_ohm": r_gb,
        # a CPE arc R ∥ Q peaks where R Q ω^α = 1
        "grain_boundary_q_f": float(1.0 / (r_gb * angular_frequency(apex_hz) ** alpha_gb)),
        "grain_boundary_alpha": alpha_gb,
        # two blocking contacts in series: half the per-contact coefficient times the area
        "electrode_q_f": 0.5 * ledger.value("pellet.electrode_cpe_q", "F/cm**2") * geometry["area_cm2"],
        "electrode_alpha": ledger.value("pellet.electrode_cpe_alpha", "dimensionless"),
        "lead_resistance_ohm": lead,
        "lead_inductance_h": ledger.value("pellet.lead_inductance", "H"),
    }


def generate_pellets(out_dir: Path, seed: int = 314) -> list[Path]:
    """Write the three pellet spectra (Fig. S4, S5, S9) as ZPlot ``.z`` files."""
    published = claims.registry()
    sweep, noise, amplitude_v = eis_settings_from_ledger()
    frequency = log_frequency_sweep_hz(**sweep)
    written = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for offset, (stem, (claim_id, panel, what)) in enumerate(PELLETS.items()):
        params = pellet_model_parameters(float(published[claim_id].value))
        z = analyser_noise(pellet_cell_impedance_ohm(frequency, **params), np.random.default_rng(seed + offset),
                           **noise)
        attrs = provenance_attrs(model="lpsrepro.models.impedance.pellet_cell_impedance_ohm",
                                 parameters={**params, **sweep, **noise, "ac_amplitude_v": amplitude_v},
                                 seed=seed + offset,
                                 description=f"Impedance of a cold-pressed pellet (200 mg, 15 mm, Au electrodes) of "
                                             f"{what} (paper {panel}), Solartron 1260A-like sweep 1 MHz-0.1 Hz")
        comments = [f"{key} = {value}" for key, value in attrs.items() if key != "model_parameters"]
        comments.append(f"model_parameters = {attrs['model_parameters']}")
        written.append(write_zplot(out_dir / f"{stem}.z", frequency, z, elapsed_s=sweep_elapsed_time_s(frequency),
                                   amplitude_v=amplitude_v, area_cm2=params["area_cm2"], comments=comments))
    return written


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    if sys.argv[1:] != ["--freeze"]:
        sys.exit("usage: python -m lpsrepro.simulate.nanoparticles --freeze")
    for system, entry in freeze_calibration().items():
        print(system, entry)
