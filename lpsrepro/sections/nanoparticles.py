"""Paper §3.1, nanoparticles and pellets (notebook ``31a_nanoparticles``): Fig. 1e, 1f, S7, S4, S5, S9.

What the section measures, composed from the technique code:

* particle sizes from top-view SEM images (:mod:`lpsrepro.analysis.particles`: data bar left out,
  segmentation, normal fit, quality gate), one sample at a time — a sample whose image cannot be
  read or sized is reported and the others go on;
* the population-balance model of precipitation (:mod:`lpsrepro.models.nucleation`) fitted to each
  measured distribution, the two synthesis routes fed with the conversion of their Li₂S
  (:mod:`lpsrepro.models.kinetics`), the ripening sensitivity and the growth-regime scan (reaction- vs
  diffusion-limited growth) — :func:`model_study`, called beside :func:`run` because no recorded
  number depends on it — and the templating mass balance;
* pellet conductivities from impedance spectra and the membrane's, for §3.2's comparison.

:meth:`Params.from_ledger` is the one place where the assumptions ledger's precipitation entries
(``nucleation.*``, ``li2s_nano.*``, ``lps_nano.*``) become model inputs; :func:`run` and
:func:`model_study` are pure.
:func:`precipitation_parameters` turns a ``Params`` into the model's inputs for either product.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field, fields

import numpy as np
import xarray as xr

from lpsrepro import params as checks
from lpsrepro.analysis import impedance as eis
from lpsrepro.analysis import particles
from lpsrepro.errors import LpsreproError, ParameterError
from lpsrepro.io.images import read_sem_image
from lpsrepro.io.impedance import INSTRUMENTS
from lpsrepro.models import effective_medium, kinetics, nucleation
from lpsrepro.paths import RAW
from lpsrepro.sections import Number, SectionParams
from lpsrepro.sections import membrane as membrane_section
from lpsrepro.units import field_units, format_duration

#: The SEM samples: key → (label, paper panel, which minimum diameter and bin width apply).
SAMPLES = {"li2s": ("nano-Li2S (LiEt3BH + S)", "Fig. 1e", "li2s"),
           "lps": ("LPS precursor, dual-precursor route", "Fig. 1f", "lps"),
           "naph": ("LPS from Li-naphthalene nano-Li2S", "Fig. S7", "lps")}
#: The pellets: key → (claim id, paper panel, label).
PELLETS = {"250c": ("pellet_conductivity_250C", "Fig. S4", "LPS, 250 °C"),
           "300c": ("pellet_conductivity_300C", "Fig. S5", "LPS, 300 °C"),
           "naph": ("pellet_conductivity_naph", "Fig. S9", "Li-naphthalene route, 250 °C")}


@dataclass(frozen=True)
class Params(SectionParams):
    """Inputs of §3.1 (units in the field names; ledger keys in :attr:`LEDGER`).

    Files: ``li2s_image_file``, ``lps_image_file``, ``naph_image_file`` (top-view SEM TIFFs of Fig.
    1e, 1f, S7), ``pellet_250c_file``, ``pellet_300c_file``, ``pellet_naph_file`` (impedance of the
    pellets, Fig. S4, S5, S9), ``membrane_eis_file`` and ``membrane_cross_section_file`` (§3.2).
    ``pixel_size_nm`` (optional) gives the SEM scale for images whose metadata lack it;
    ``data_bar_rows`` the rows of the instruments' data bar (``None``: found in each image).
    ``li2s_min_diameter_nm``, ``lps_min_diameter_nm``: smallest particle counted;
    ``min_coverage`` and ``min_foreground_measured`` (fractions): the sizing's quality gate.

    Precipitation model (ledger): ``solubility_mol_per_m3``, ``diffusion_m2_per_s``,
    ``surface_rate_m_per_s``, ``temperature_k`` (``nucleation.*``); per product the precursor
    concentration, molar volume, surface energy and aging time (``li2s_nano.*``, ``lps_nano.*``;
    the LPS aging time is the dual route's ``dual_aging_min``); ``conventional_aging_h``,
    ``li2s_recession_rate_nm_per_min``, ``commercial_li2s_median_nm``, ``commercial_li2s_gsd`` (the
    routes' supplies); ``ripening_solubility_mol_per_m3`` (sensitivity case, the upper end of the
    solubility's range); ``fit_start`` (start of the inverse fit: log10 of the supply rate in 1/s
    and log10 of J0 in 1/(m³ s)); ``regime_surface_rates_m_per_s`` and
    ``regime_supply_factors`` (growth-regime scan: k_r values, and supply rates as multiples of
    the one fitted to the LPS image).

    Pellets: ``pellet_mass_mg``, ``pellet_diameter_mm``, ``pellet_density_g_per_cm3``,
    ``pellet_porosity`` and ``pellet_porosity_uncertainty`` (fractions) give the thickness and face
    area; a measured ``pellet_thickness_mm`` (with ``pellet_thickness_uncertainty_mm``) and
    ``pellet_area_cm2`` replace them when given. ``pellet_250c_instrument``,
    ``pellet_300c_instrument``, ``pellet_naph_instrument``: file format of each pellet spectrum (one
    of :data:`lpsrepro.io.impedance.INSTRUMENTS`; spectra from different analysers may be mixed);
    ``eis_instrument`` is the format of every pellet spectrum whose own one is None (kept for
    notebooks written before the per-spectrum fields); both None: from the file's content or
    extension. ``pellet_250c_spectrum``, ``pellet_300c_spectrum``, ``pellet_naph_spectrum``: 0-based
    index of the sweep to analyse in a pellet file that holds several (a BioLogic PEIS loop; None
    for a file with one sweep, as ``eis_spectrum`` of notebook 32). ``eis_allow_incomplete``: accept
    a ZPlot sweep with fewer points than its header announces (stopped early on purpose), for every
    pellet spectrum and the membrane's. Membrane: ``membrane_eis_instrument``
    (its own file format), ``membrane_electrode_diameter_mm`` and its uncertainty
    ``membrane_electrode_diameter_uncertainty_mm``, ``membrane_gold_resistivity_ohm_m``,
    ``membrane_gold_thickness_nm``, ``membrane_lead_squares`` (the Au lead's resistance, as notebook 32),
    ``sem_scale_uncertainty`` (fraction). Dense-solid comparison: ``membrane_porosity`` (fraction,
    ``membrane.porosity``) and ``bruggeman_exponent`` (``pellet.bruggeman_exponent``).
    """

    li2s_image_file: str
    lps_image_file: str
    naph_image_file: str
    pellet_250c_file: str
    pellet_300c_file: str
    pellet_naph_file: str
    membrane_eis_file: str
    membrane_cross_section_file: str
    solubility_mol_per_m3: float
    diffusion_m2_per_s: float
    surface_rate_m_per_s: float
    temperature_k: float
    li2s_precursor_mol_per_m3: float
    li2s_molar_volume_m3_per_mol: float
    li2s_surface_energy_j_per_m2: float
    li2s_aging_time_s: float
    lps_precursor_mol_per_m3: float
    lps_molar_volume_m3_per_mol: float
    lps_surface_energy_j_per_m2: float
    dual_aging_min: float
    conventional_aging_h: float
    li2s_recession_rate_nm_per_min: float
    commercial_li2s_median_nm: float
    commercial_li2s_gsd: float
    ripening_solubility_mol_per_m3: float
    pellet_mass_mg: float
    pellet_diameter_mm: float
    pellet_density_g_per_cm3: float
    pellet_porosity: float
    membrane_electrode_diameter_mm: float
    sem_scale_uncertainty: float
    pellet_porosity_uncertainty: float = 0.05
    membrane_porosity: float = 0.0
    bruggeman_exponent: float = 1.5
    membrane_electrode_diameter_uncertainty_mm: float = 0.05
    membrane_gold_resistivity_ohm_m: float = 3.0e-8
    membrane_gold_thickness_nm: float = 85.0
    membrane_lead_squares: float = 1.0
    eis_instrument: str | None = None
    pellet_250c_instrument: str | None = None
    pellet_300c_instrument: str | None = None
    pellet_naph_instrument: str | None = None
    pellet_250c_spectrum: int | None = None
    pellet_300c_spectrum: int | None = None
    pellet_naph_spectrum: int | None = None
    eis_allow_incomplete: bool = False
    membrane_eis_instrument: str | None = None
    pellet_thickness_mm: float | None = None
    pellet_thickness_uncertainty_mm: float = 0.0
    pellet_area_cm2: float | None = None
    pixel_size_nm: float | None = None
    data_bar_rows: int | None = None
    li2s_min_diameter_nm: float = 6.0
    lps_min_diameter_nm: float = 15.0
    min_coverage: float = particles.MIN_COVERAGE
    min_foreground_measured: float = particles.MIN_FOREGROUND_MEASURED
    fit_start: tuple = (-2.0, 30.0)
    regime_surface_rates_m_per_s: tuple = (1e-6, 1e-2, 1.0)
    regime_supply_factors: tuple = (0.1, 1.0, 10.0)

    #: field → ledger key (the one place these entries become inputs)
    LEDGER = {"solubility_mol_per_m3": "nucleation.solubility", "diffusion_m2_per_s": "nucleation.diffusion",
              "surface_rate_m_per_s": "nucleation.surface_rate", "temperature_k": "nucleation.temperature",
              "li2s_precursor_mol_per_m3": "li2s_nano.precursor_concentration",
              "li2s_molar_volume_m3_per_mol": "li2s_nano.molar_volume",
              "li2s_surface_energy_j_per_m2": "li2s_nano.surface_energy", "li2s_aging_time_s": "li2s_nano.aging_time",
              "lps_precursor_mol_per_m3": "lps_nano.precursor_concentration",
              "lps_molar_volume_m3_per_mol": "lps_nano.molar_volume",
              "lps_surface_energy_j_per_m2": "lps_nano.surface_energy", "dual_aging_min": "lps_nano.aging_time",
              "conventional_aging_h": "mechanism.conventional_aging_time",
              "li2s_recession_rate_nm_per_min": "kinetics.recession_rate",
              "commercial_li2s_median_nm": "kinetics.commercial_li2s_median",
              "commercial_li2s_gsd": "kinetics.commercial_li2s_gsd",
              "pellet_mass_mg": "pellet.mass", "pellet_diameter_mm": "pellet.diameter",
              "pellet_density_g_per_cm3": "pellet.density", "pellet_porosity": "pellet.porosity",
              "membrane_electrode_diameter_mm": "membrane.electrode_diameter",
              "sem_scale_uncertainty": "sem.scale_uncertainty",
              "pellet_porosity_uncertainty": "pellet.porosity_uncertainty", "membrane_porosity": "membrane.porosity",
              "bruggeman_exponent": "pellet.bruggeman_exponent",
              "membrane_electrode_diameter_uncertainty_mm": "membrane.electrode_diameter_uncertainty",
              "membrane_gold_resistivity_ohm_m": "membrane.gold_resistivity",
              "membrane_gold_thickness_nm": "membrane.gold_thickness", "membrane_lead_squares": "membrane.lead_squares"}
    #: claim id → the file parameters its number is computed from (see :mod:`lpsrepro.sections`)
    FILES_OF = {"li2s_nano_size_mean": ("li2s_image_file",), "li2s_nano_size_sd": ("li2s_image_file",),
                "lps_precursor_size_mean": ("lps_image_file",), "lps_precursor_size_sd": ("lps_image_file",),
                "pellet_conductivity_250C": ("pellet_250c_file",), "pellet_conductivity_300C": ("pellet_300c_file",),
                "pellet_conductivity_naph": ("pellet_naph_file",),
                "membrane_over_pellet_conductivity": ("membrane_eis_file", "membrane_cross_section_file",
                                                      "pellet_250c_file"),
                "membrane_over_pellet_conductivity_dense": ("membrane_eis_file", "membrane_cross_section_file",
                                                            "pellet_250c_file")}
    #: fields the slow, ledger-independent part (:func:`prepare`: SEM segmentation and size fits, the
    #: pellets' circuit fits) depends on; every other field (the precipitation model's inputs, the
    #: sizing gate, the pellet geometry, the membrane) is applied by :func:`run` on a prepared result
    PREPARED_FROM = frozenset({"li2s_image_file", "lps_image_file", "naph_image_file", "pixel_size_nm",
                               "data_bar_rows", "li2s_min_diameter_nm", "lps_min_diameter_nm",
                               "pellet_250c_file", "pellet_300c_file", "pellet_naph_file", "eis_instrument",
                               "pellet_250c_instrument", "pellet_300c_instrument", "pellet_naph_instrument",
                               "pellet_250c_spectrum", "pellet_300c_spectrum", "pellet_naph_spectrum",
                               "eis_allow_incomplete"})
    #: the unit each ledger-fed field is converted to: its name's suffix (:func:`lpsrepro.units.field_unit`)
    _UNITS = field_units(LEDGER)
    #: ledger-fed fields that may be 0 (checked by their own ranges in ``__post_init__``)
    _MAY_BE_ZERO = frozenset({"pellet_porosity", "sem_scale_uncertainty", "pellet_porosity_uncertainty",
                              "membrane_porosity", "membrane_electrode_diameter_uncertainty_mm"})

    @classmethod
    def from_ledger(cls) -> "Params":
        """Defaults: the bundled stand-in files and the assumptions ledger's values."""
        from lpsrepro import ledger
        from lpsrepro.units import convert

        values = {name: ledger.value(key, cls._UNITS[name]) for name, key in cls.LEDGER.items()}
        solubility = ledger.get("nucleation.solubility")
        values["ripening_solubility_mol_per_m3"] = convert(float(solubility.range[1]), solubility.unit, "mol/m**3")
        files = {"li2s_image_file": "nano_li2s_sem.tif", "lps_image_file": "lps_precursor_sem.tif",
                 "naph_image_file": "lps_naph_sem.tif", "pellet_250c_file": "pellet_lps_250C_eis.z",
                 "pellet_300c_file": "pellet_lps_300C_eis.z", "pellet_naph_file": "pellet_lps_naph_eis.z",
                 "membrane_eis_file": "membrane_550nm_eis.z",
                 "membrane_cross_section_file": "membrane_550nm_cross_section.tif"}
        return cls(**values, **{name: str(RAW / file) for name, file in files.items()})

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.endswith("_file"):
                if not isinstance(value, str) or not value:
                    raise ParameterError(f.name, value, "a file path")
            elif f.name in self._UNITS and f.name not in self._MAY_BE_ZERO:
                checks.positive(f.name, value)
        checks.positive("ripening_solubility_mol_per_m3", self.ripening_solubility_mol_per_m3, example=0.01)
        checks.positive("li2s_min_diameter_nm", self.li2s_min_diameter_nm, example=6.0)
        checks.positive("lps_min_diameter_nm", self.lps_min_diameter_nm, example=15.0)
        checks.optional_positive("pixel_size_nm", self.pixel_size_nm, example=2.0)
        checks.optional_positive("pellet_thickness_mm", self.pellet_thickness_mm, example=0.8)
        checks.in_range("pellet_thickness_uncertainty_mm", self.pellet_thickness_uncertainty_mm, 0.0, 10.0)
        checks.optional_positive("pellet_area_cm2", self.pellet_area_cm2, example=1.77)
        if self.data_bar_rows is not None and not (isinstance(self.data_bar_rows, int) and self.data_bar_rows >= 0):
            raise ParameterError("data_bar_rows", self.data_bar_rows,
                                 "a number of image rows (0: no data bar), or None to find it in each image")
        for name in ("eis_instrument", "membrane_eis_instrument", *(f"pellet_{p}_instrument" for p in PELLETS)):
            value = getattr(self, name)
            if value is not None and value not in INSTRUMENTS:
                raise ParameterError(name, value, "the file format of the spectrum, one of " + ", ".join(INSTRUMENTS)
                                     + "; or None to tell it from the file")
        for name in (f"pellet_{p}_spectrum" for p in PELLETS):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
                raise ParameterError(name, value, "the 0-based number of a sweep in the file (0, 1, ...), "
                                                  "or None for a single sweep")
        if not isinstance(self.eis_allow_incomplete, bool):
            raise ParameterError("eis_allow_incomplete", self.eis_allow_incomplete,
                                 "True (accept a sweep stopped before its last announced point) or False")
        checks.in_range("min_coverage", self.min_coverage, 0.0, 1.0)
        checks.in_range("min_foreground_measured", self.min_foreground_measured, 0.0, 1.0, "(fraction)")
        checks.in_range("pellet_porosity", self.pellet_porosity, 0.0, 0.9)
        checks.in_range("pellet_porosity_uncertainty", self.pellet_porosity_uncertainty, 0.0, 0.5)
        checks.in_range("sem_scale_uncertainty", self.sem_scale_uncertainty, 0.0, 0.5)
        checks.in_range("membrane_porosity", self.membrane_porosity, 0.0, 0.9)
        # (its bound against the diameter is the membrane section's check: a sweep point outside it
        # is reported as a membrane failure, the rest of the section goes on)
        checks.in_range("membrane_electrode_diameter_uncertainty_mm", self.membrane_electrode_diameter_uncertainty_mm,
                        0.0, 10.0)
        if not (isinstance(self.fit_start, (tuple, list)) and len(self.fit_start) == 2):
            raise ParameterError("fit_start", self.fit_start,
                                 "[log10 of the supply rate in 1/s, log10 of J0 in 1/(m3 s)], e.g. [-2.0, 30.0]")
        checks.in_range("fit_start[0]", self.fit_start[0], -8.0, 4.0, "(log10 of 1/s)")
        checks.in_range("fit_start[1]", self.fit_start[1], 10.0, 50.0, "(log10 of 1/(m3 s))")
        object.__setattr__(self, "fit_start", tuple(float(v) for v in self.fit_start))
        for name in ("regime_surface_rates_m_per_s", "regime_supply_factors"):
            value = getattr(self, name)
            if not (isinstance(value, (tuple, list)) and value and all(isinstance(v, (int, float)) and v > 0
                                                                       for v in value)):
                raise ParameterError(name, value, "a list of positive numbers, e.g. [1e-6, 1e-2, 1.0]")
            object.__setattr__(self, name, tuple(float(v) for v in value))

    def pellet_file(self, name: str) -> str:
        """Impedance file of pellet ``name`` (a key of :data:`PELLETS`)."""
        return getattr(self, f"pellet_{name}_file")

    def pellet_instrument(self, name: str) -> str | None:
        """File format of pellet ``name``'s spectrum: its own field, else ``eis_instrument`` (None: detected)."""
        return getattr(self, f"pellet_{name}_instrument") or self.eis_instrument


def precipitation_parameters(p: Params, product: str) -> nucleation.PrecipitationParameters:
    """Model inputs of ``product`` ("li2s" for nano-Li₂S, "lps" for the LPS precursor) from ``p``.

    The supply rate and the nucleation prefactor are placeholders (1): the inverse fits find them.
    """
    if product not in ("li2s", "lps"):
        raise ParameterError("product", product, "'li2s' or 'lps'")
    aging_s = p.li2s_aging_time_s if product == "li2s" else 60.0 * p.dual_aging_min
    return nucleation.PrecipitationParameters(
        supply_rate_per_s=1.0, nucleation_prefactor_per_m3_s=1.0,
        solubility_mol_per_m3=p.solubility_mol_per_m3, diffusion_m2_per_s=p.diffusion_m2_per_s,
        surface_rate_m_per_s=p.surface_rate_m_per_s, temperature_k=p.temperature_k,
        precursor_mol_per_m3=getattr(p, f"{product}_precursor_mol_per_m3"),
        molar_volume_m3_per_mol=getattr(p, f"{product}_molar_volume_m3_per_mol"),
        surface_energy_j_per_m2=getattr(p, f"{product}_surface_energy_j_per_m2"), aging_time_s=aging_s)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Sizing:
    """One SEM sample: the image, its segmentation and fit, the gate's verdict — or why it failed.

    ``error`` is set when the sample could not be analysed at all (unreadable file, no particles);
    ``failed_quality`` when it was sized but the sizing failed its quality gate.
    """

    name: str
    label: str
    panel: str
    file: str
    image: xr.DataArray | None = None
    segmentation: particles.Segmentation | None = None
    fit: particles.NormalFit | None = None
    quality: dict = field(default_factory=dict)
    failed_quality: str = ""
    error: str = ""

    @property
    def usable(self) -> bool:
        """Sized and passed the gate: its numbers can be compared and fed to the model."""
        return self.fit is not None and not self.failed_quality


@dataclass(frozen=True)
class RouteStudy:
    """The two synthesis routes fed with their Li₂S conversion (one shared J0 fitted to the dual route)."""

    supplies: dict
    half_time_s: dict
    aging_s: dict
    aging_label: dict
    prefactor_fit: nucleation.PrecipitationFit
    routes: dict                        # (route, aged as route) → PrecipitationResult
    scans: dict                         # label → (half-times s, widths, means nm)
    ripening_fit: nucleation.PrecipitationFit | None
    ripening_routes: dict               # (route, aged as route) → PrecipitationResult at high solubility
    #: first-order supply at the rate fitted to the LPS image (drawn beside the routes' supplies)
    reference_supply: nucleation.SupplyHistory | None = None


@dataclass(frozen=True)
class DistributionCurve:
    """A model size distribution ready to draw: number fraction per nm (``density_per_nm``) at the
    diameters ``diameter_nm`` (nm), kernel-smoothed over the model's size classes
    (:func:`lpsrepro.models.nucleation.smoothed_diameter_density_per_nm`), and its number-weighted
    mean and sd (nm)."""

    diameter_nm: np.ndarray
    density_per_nm: np.ndarray
    mean_nm: float
    sd_nm: float

    def relative_width(self) -> float:
        """sd / mean of the model distribution (dimensionless)."""
        return self.sd_nm / self.mean_nm


def distribution_curve(result: nucleation.PrecipitationResult, *, span: str = "figure",
                       points: int = 400) -> DistributionCurve:
    """The smoothed size distribution of a model solution on ``points`` diameters.

    ``span="figure"``: from 0 to 2 mean + 4 sd (the model figure, several distributions on one
    axis); ``"explore"``: mean ± 5 sd, cut at 0 (one distribution filling the Explore panel).
    """
    mean, sd = result.moments_nm()
    if span == "figure":
        d = np.linspace(0, 2.0 * mean + 4 * sd, points)
    elif span == "explore":
        d = np.linspace(max(0.0, mean - 5 * sd), mean + 5 * sd, points)
    else:
        raise ParameterError("span", span, "'figure' or 'explore'")
    return DistributionCurve(d, nucleation.smoothed_diameter_density_per_nm(result, d), float(mean), float(sd))


@dataclass(frozen=True)
class Result:
    """What §3.1's panels draw and its notebook records (see :func:`run`).

    The precipitation model is not part of it: no recorded number depends on it, so a parameter
    sweep never solves it; :func:`model_study` solves it for the notebook (:class:`ModelStudy`).
    """

    params: Params
    sizings: dict                       # name → Sizing
    templating: nucleation.TemplatingBalance | None
    pellet_thickness_cm: float
    pellet_thickness_std_cm: float
    pellet_area_cm2: float
    pellets: dict                       # name → PelletConductivity
    spectra: dict                       # name → impedance spectrum (xarray.Dataset) of each pellet read
    pellet_failures: dict               # name → message
    membrane: object | None
    membrane_failure: str
    #: membrane over the 250 °C pellet referred to the dense solid (effective_medium.PorosityCorrectedRatio)
    dense: object | None = None

    def numbers(self) -> dict[str, Number]:
        """Every number §3.1 records: sizes (with their gate), pellet conductivities, the σ ratio."""
        out: dict[str, Number] = {}
        for name, prefix in (("li2s", "li2s_nano_size"), ("lps", "lps_precursor_size")):
            s = self.sizings[name]
            if s.fit is None:
                continue
            quality = tuple(sorted((k, float(v)) for k, v in s.quality.items()))
            note = "equivalent diameters of the particles segmented in the SEM image (normal fit)"
            out[f"{prefix}_mean"] = Number(s.fit.mean_nm, "nm", s.fit.mean_se_nm, note=note,
                                           failed_quality=s.failed_quality, quality=quality)
            out[f"{prefix}_sd"] = Number(s.fit.sd_nm, "nm", s.fit.sd_se_nm, note="standard deviation of the normal fit",
                                         failed_quality=s.failed_quality, quality=quality)
        for name, (claim_id, _, _) in PELLETS.items():
            if name in self.pellets:
                r = self.pellets[name]
                # the circuit fit's quality gate (residuals, R0/R1 determined): a fit that misses the
                # spectrum gives a σ that is shown but never compared with the paper
                gate = r.quality
                how = ("L from mass, density and porosity" if self.params.pellet_thickness_mm is None
                       else "L measured")
                out[claim_id] = Number(r.conductivity_s_per_cm, "S/cm", r.conductivity_std_s_per_cm,
                                       note=f"L / ((R0 + R1) A) from an equivalent-circuit fit; {how}",
                                       failed_quality=gate.reason() if gate is not None else "",
                                       quality=tuple(sorted(gate.figures().items())) if gate is not None else ())
        if self.membrane is not None and "250c" in self.pellets:
            ratio, ratio_std = self.membrane_over_pellet()
            out["membrane_over_pellet_conductivity"] = Number(
                ratio, "dimensionless", ratio_std,
                note="membrane sigma (thickness / ASR, as notebook 32) over the 250 C pellet's sigma, as measured")
        if self.dense is not None:
            out["membrane_over_pellet_conductivity_dense"] = Number(
                self.dense.corrected, "dimensionless", self.dense.corrected_std,
                note="membrane over 250 C pellet, both referred to the dense solid (Bruggeman, pellet porosity "
                     "from the ledger)")
        return out

    def comparison_inputs(self, membrane_porosity: float | None = None) -> dict | None:
        """Keyword arguments of ``effective_medium.porosity_corrected_ratio`` for membrane vs 250 °C
        pellet (measured σ, their uncertainties, the porosities, the exponent); ``None`` when either
        was not measured. ``membrane_porosity`` (fraction) defaults to the parameter's."""
        if self.membrane is None or "250c" not in self.pellets:
            return None
        p = self.params
        return comparison_inputs(p if membrane_porosity is None else p.replace(membrane_porosity=membrane_porosity),
                                 self.membrane, self.pellets["250c"])

    def membrane_over_pellet(self) -> tuple[float, float]:
        """σ(membrane) / σ(pellet, 250 °C) as measured, and its standard uncertainty."""
        m, p = self.membrane, self.pellets["250c"]
        ratio = m.conductivity_s_per_cm / p.conductivity_s_per_cm
        return ratio, ratio * math.hypot(m.conductivity_std_s_per_cm / m.conductivity_s_per_cm,
                                         p.conductivity_std_s_per_cm / p.conductivity_s_per_cm)

    def failures(self, model: "ModelStudy | None" = None) -> list[str]:
        """Every per-sample failure, one sentence each, in the user's words; with ``model`` (from
        :func:`model_study`) also the model's, after the sizings'."""
        lines = [f"{s.label} ({s.file}): {s.error}" for s in self.sizings.values() if s.error]
        lines += [f"{self.sizings[n].label}: sizing failed its quality gate: {s}"
                  for n, s in ((n, z.failed_quality) for n, z in self.sizings.items()) if s]
        if model is not None:
            lines += [f"{self.sizings[n].label}: {why}" for n, why in model.model_failures.items()]
            if model.routes_failure:
                lines.append(f"route comparison: {model.routes_failure}")
        lines += [f"pellet {PELLETS[n][2]}: {why}" for n, why in self.pellet_failures.items()]
        if self.membrane_failure:
            lines.append(f"membrane: {self.membrane_failure}")
        return lines


@dataclass(frozen=True)
class ModelStudy:
    """The precipitation model on §3.1's measured sizes (see :func:`model_study`).

    ``params`` and ``sizings`` (gated) are those of the :class:`Result` it was made from; the model's
    panels and lines read them beside the model's own fields.
    """

    params: Params
    sizings: dict                       # name → Sizing (as in the Result)
    model_fits: dict                    # name → PrecipitationFit (only samples that passed)
    model_failures: dict                # name → the model's explanation in words
    routes: RouteStudy | None
    routes_failure: str
    regimes: xr.Dataset | None

    def model_results(self) -> dict:
        """Sample label → the model solution fitted to it (for the model figure)."""
        return {self.sizings[name].label: fit.result for name, fit in self.model_fits.items()}

    def model_curves(self) -> dict[str, DistributionCurve]:
        """Sample label → the size distribution of the model fitted to it (for the model figure)."""
        return {label: distribution_curve(res) for label, res in self.model_results().items()}

    def explore_base(self) -> nucleation.PrecipitationParameters:
        """Model inputs for the Explore grid: the fit to the nano-Li₂S image, else to the LPS image,
        else the ledger's nano-Li₂S inputs at the inverse fit's start values (no fit succeeded)."""
        for name in ("li2s", "lps"):
            if name in self.model_fits:
                return self.model_fits[name].parameters
        p = self.params
        return precipitation_parameters(p, "li2s").with_(supply_rate_per_s=10.0 ** p.fit_start[0],
                                                         nucleation_prefactor_per_m3_s=10.0 ** p.fit_start[1])


# --------------------------------------------------------------------------- run
def comparison_inputs(p: Params, membrane, pellet: eis.PelletConductivity) -> dict:
    """Keyword arguments of :func:`lpsrepro.models.effective_medium.porosity_corrected_ratio` for the
    membrane (its §3.2 result) against a pellet: measured σ (S/cm) and their uncertainties, the
    porosities of ``p`` and the Bruggeman exponent."""
    return {"film_conductivity_s_per_cm": membrane.conductivity_s_per_cm,
            "pellet_conductivity_s_per_cm": pellet.conductivity_s_per_cm,
            "pellet_porosity": p.pellet_porosity, "film_porosity": p.membrane_porosity,
            "film_conductivity_std_s_per_cm": membrane.conductivity_std_s_per_cm,
            "pellet_conductivity_std_s_per_cm": pellet.conductivity_std_s_per_cm,
            "pellet_porosity_std": p.pellet_porosity_uncertainty, "exponent": p.bruggeman_exponent}


def measure_sample(name: str, path: str, *, min_diameter_nm: float, pixel_size_nm: float | None = None,
                   data_bar_rows: int | None = None) -> Sizing:
    """Read, segment and fit one SEM image, with its quality figures but no verdict of the gate yet
    (:func:`gate_sample` gives it); a failure is returned, never raised."""
    label, panel, _ = SAMPLES[name]
    try:
        # pixel_size_nm overrides the file's scale (read_sem_image's keyword; None: from the metadata)
        image = (read_sem_image(path) if pixel_size_nm is None
                 else read_sem_image(path, pixel_size_nm=pixel_size_nm))
        seg = particles.segment_particles(image, min_diameter_nm=min_diameter_nm, data_bar_rows=data_bar_rows)
    except LpsreproError as exc:
        return Sizing(name, label, panel, str(path), error=str(exc))
    try:
        fit = particles.fit_normal(seg.diameters_nm, source=str(path))
    except LpsreproError as exc:         # too few particles for a mean and a spread
        return Sizing(name, label, panel, str(path), image=image, segmentation=seg,
                      quality=particles.sizing_quality(seg, None), error=str(exc))
    return Sizing(name, label, panel, str(path), image=image, segmentation=seg, fit=fit,
                  quality=particles.sizing_quality(seg, fit))


def gate_sample(sizing: Sizing, *, min_coverage: float = particles.MIN_COVERAGE,
                min_foreground_measured: float = particles.MIN_FOREGROUND_MEASURED) -> Sizing:
    """``sizing`` with the verdict of the quality gate (:func:`lpsrepro.analysis.particles.sizing_gate`)."""
    if sizing.fit is None:
        return sizing
    reason = particles.sizing_gate(sizing.quality, min_coverage=min_coverage,
                                   min_foreground_measured=min_foreground_measured)
    return dataclasses.replace(sizing, failed_quality=reason)


def size_sample(name: str, path: str, *, min_diameter_nm: float, pixel_size_nm: float | None = None,
                data_bar_rows: int | None = None, min_coverage: float = particles.MIN_COVERAGE,
                min_foreground_measured: float = particles.MIN_FOREGROUND_MEASURED) -> Sizing:
    """Read, segment, fit and gate one SEM image; a failure is returned, never raised."""
    return gate_sample(measure_sample(name, path, min_diameter_nm=min_diameter_nm, pixel_size_nm=pixel_size_nm,
                                      data_bar_rows=data_bar_rows),
                       min_coverage=min_coverage, min_foreground_measured=min_foreground_measured)


#: Placeholder geometry of the prepared pellet fits (1 cm thick, 1 cm² face, no uncertainty): the
#: circuit fit does not depend on it, and :meth:`~lpsrepro.analysis.impedance.PelletConductivity.with_geometry` puts in the real one.
_UNIT_GEOMETRY = {"thickness_cm": 1.0, "area_cm2": 1.0, "thickness_std_cm": 0.0}


@dataclass(frozen=True)
class Prepared:
    """The slow, ledger-independent part of :func:`run` (see :func:`prepare`).

    ``inputs`` holds the values of :attr:`Params.PREPARED_FROM` it was made from; ``sizings`` the
    measured samples before the quality gate; ``pellet_fits`` each pellet's circuit fit at unit
    geometry; ``spectra`` and ``pellet_failures`` as in :class:`Result`.
    """

    inputs: tuple
    sizings: dict
    spectra: dict
    pellet_fits: dict
    pellet_failures: dict


def _prepared_inputs(p: Params) -> tuple:
    return tuple((name, getattr(p, name)) for name in sorted(Params.PREPARED_FROM))


def prepare(p: Params) -> Prepared:
    """Segment and size the SEM images and fit the pellets' circuits: the part of :func:`run` that
    depends only on the fields of :attr:`Params.PREPARED_FROM` (seconds per image and per spectrum).

    A spectrum that cannot be read or fitted is reported in ``pellet_failures`` and the other
    pellets go on, as an image that cannot be sized is reported in its :class:`Sizing`.
    """
    min_d = {"li2s": p.li2s_min_diameter_nm, "lps": p.lps_min_diameter_nm}
    files = {"li2s": p.li2s_image_file, "lps": p.lps_image_file, "naph": p.naph_image_file}
    sizings = {name: measure_sample(name, files[name], min_diameter_nm=min_d[SAMPLES[name][2]],
                                    pixel_size_nm=p.pixel_size_nm, data_bar_rows=p.data_bar_rows)
               for name in SAMPLES}
    spectra, fits, failures = {}, {}, {}
    for name in PELLETS:
        path, instrument = p.pellet_file(name), p.pellet_instrument(name)
        try:
            spectra[name] = membrane_section.read_spectrum(
                path, instrument=instrument, spectrum=getattr(p, f"pellet_{name}_spectrum"),
                allow_incomplete=p.eis_allow_incomplete, spectrum_parameter=f"pellet_{name}_spectrum")
            fits[name] = eis.pellet_conductivity(spectra[name], **_UNIT_GEOMETRY)
        except LpsreproError as exc:
            failures[name] = str(exc)
        except (ValueError, RuntimeError, np.linalg.LinAlgError) as exc:   # a fit that breaks down on odd data
            spectra.pop(name, None)
            failures[name] = (f"{path}: the pellet circuit could not be fitted to this spectrum ({exc}); "
                              f"expected a pellet spectrum (offset, grain-boundary arc, electrode spike), read as "
                              f"{instrument or 'the format told from the file'}")
    return Prepared(_prepared_inputs(p), sizings, spectra, fits, failures)


#: Most model solutions an inverse fit may use: bounds the time a distribution the model cannot reach
#: costs (about 15 s on one core) instead of letting the fit wander (the 496-s run of issue 9).
MAX_MODEL_EVALUATIONS = 60


def fit_model(sizing: Sizing, base: nucleation.PrecipitationParameters, start: tuple[float, float]):
    """The supply rate and J0 that explain a measured distribution, or the reason the model cannot."""
    try:
        return nucleation.fit_supply_and_prefactor(sizing.fit.mean_nm, sizing.fit.sd_nm, base, start=start,
                                                   xtol=1e-3, ftol=1e-4, max_evaluations=MAX_MODEL_EVALUATIONS), ""
    except nucleation.ModelMismatch as exc:
        return None, (f"the measured {sizing.fit.mean_nm:.3g} ± {sizing.fit.sd_nm:.2g} nm is not explained by the "
                      f"nucleation-and-growth model with the ledger's inputs ({exc.reason}); the measured sizes are kept")


def route_study(p: Params, li2s: particles.NormalFit, lps: particles.NormalFit,
                lps_model: nucleation.PrecipitationFit) -> RouteStudy:
    """The routes' supplies from their Li₂S, one J0 fitted to the dual route's mean, and the scans."""
    sizes = {"dual": kinetics.normal_sizes(li2s.mean_nm, li2s.sd_nm),
             "conventional": kinetics.lognormal_sizes(p.commercial_li2s_median_nm, p.commercial_li2s_gsd)}
    supplies = {}
    for route, dist in sizes.items():
        t_min, x = kinetics.conversion_history(dist, p.li2s_recession_rate_nm_per_min)
        supplies[route] = nucleation.SupplyHistory(60.0 * t_min, x)
    half_time = {route: sup.time_to_fraction_s(0.5) for route, sup in supplies.items()}
    aging = {"dual": 60.0 * p.dual_aging_min, "conventional": 3600.0 * p.conventional_aging_h}
    aging_label = {route: format_duration(t) for route, t in aging.items()}
    prefactor_fit = nucleation.fit_prefactor(lps.mean_nm, lps_model.parameters.with_(aging_time_s=aging["dual"]),
                                             supply=supplies["dual"])
    p_route = prefactor_fit.parameters
    routes = {(route, age): nucleation.simulate_precipitation(p_route.with_(aging_time_s=aging[age]),
                                                              supply=supplies[route])
              for route in ("dual", "conventional") for age in ("dual", "conventional")}
    half_times_s = np.logspace(0, 6, 13)
    scans = {}
    for age in ("dual", "conventional"):
        means, widths = [], []
        for t_half in half_times_s:
            try:
                res = nucleation.simulate_precipitation(
                    p_route.with_(supply_rate_per_s=math.log(2) / t_half, aging_time_s=aging[age]))
                mean, sd = res.moments_nm()
            except ParameterError:          # nothing nucleates before the end: a gap in the curve
                mean, sd = float("nan"), float("nan")
            means.append(mean)
            widths.append(sd / mean)
        scans[f"one k, aged {aging_label[age]}"] = (half_times_s, np.array(widths), np.array(means))
    strong = p_route.with_(solubility_mol_per_m3=p.ripening_solubility_mol_per_m3)
    try:
        ripening_fit = nucleation.fit_prefactor(lps.mean_nm, strong, supply=supplies["dual"])
        ripening_routes = {(route, age): nucleation.simulate_precipitation(
            ripening_fit.parameters.with_(aging_time_s=aging[age]), supply=supplies[route])
            for route in ("dual", "conventional") for age in ("dual", "conventional")}
    except nucleation.ModelMismatch:
        ripening_fit, ripening_routes = None, {}
    return RouteStudy(supplies, half_time, aging, aging_label, prefactor_fit, routes, scans, ripening_fit,
                      ripening_routes, nucleation.SupplyHistory.first_order(lps_model.parameters.supply_rate_per_s, 1e8))


def model_study(p: Params, result: Result) -> ModelStudy:
    """The precipitation model on the gated sizings of ``result``: inverse fits, route study,
    growth-regime scan.

    About 100 model solutions (~10 s of CPU) when both sizes pass their gate. Kept out of
    :func:`run` because no number §3.1 records (:meth:`Result.numbers`: sizes, pellet σ, the
    membrane ratios) depends on it: a parameter sweep of the section then never solves it. The
    notebook calls it beside ``run`` (its Explore cell centres the grid on
    :meth:`ModelStudy.explore_base`; the dashboard's ``explore.nanoparticles_base`` fits only what
    that needs). ``p`` holds the model's inputs (the
    ``nucleation.*``, ``li2s_nano.*``, ``lps_nano.*`` fields, ``fit_start``, the regime scan's).
    """
    return ModelStudy(p, dict(result.sizings), *_solve_model(p, result.sizings))


def _solve_model(p: Params, sizings: dict) -> tuple:
    """``(model_fits, model_failures, routes, routes_failure, regimes)`` of :func:`model_study`."""
    model_fits, model_failures = {}, {}
    start = p.fit_start
    for name in ("li2s", "lps"):
        if sizings[name].usable:
            fit, why = fit_model(sizings[name], precipitation_parameters(p, name), start)
            if fit is None:
                model_failures[name] = why
            else:
                model_fits[name] = fit
    routes, routes_failure, regimes = None, "", None
    if "lps" in model_fits and sizings["li2s"].usable:
        try:
            routes = route_study(p, sizings["li2s"].fit, sizings["lps"].fit, model_fits["lps"])
        except nucleation.ModelMismatch as exc:
            routes_failure = str(exc)
    else:
        routes_failure = "needs the nano-Li2S and the LPS sizes (both passing their gate) and a model fit of the LPS sizes"
    if "lps" in model_fits:
        k_fit = model_fits["lps"].parameters.supply_rate_per_s
        base = (routes.prefactor_fit.parameters if routes is not None else model_fits["lps"].parameters)
        regimes = nucleation.width_by_regime(base.with_(aging_time_s=60.0 * p.dual_aging_min),
                                             [k_fit * f for f in sorted(p.regime_supply_factors)],
                                             sorted(p.regime_surface_rates_m_per_s))
    return model_fits, model_failures, routes, routes_failure, regimes


def run(p: Params, prepared: Prepared | None = None) -> Result:
    """Measure §3.1 from the files named in ``p`` (pure: reads files, writes nothing).

    Every sample is analysed on its own: an image that cannot be read or sized, a sizing that
    fails its quality gate, a model that cannot explain a distribution, or a spectrum that cannot
    be fitted is reported in :meth:`Result.failures` and left out of what depends on it, and the
    rest goes on.

    ``prepared`` (from :func:`prepare` with the same :attr:`Params.PREPARED_FROM` values as ``p``)
    skips the image analysis and the pellets' circuit fits; the result is the same. What remains is
    the quality gate, the pellet geometry and the membrane (0.2 s). The precipitation model is
    :func:`model_study`'s: no number ``run`` records depends on it.
    """
    if prepared is None:
        prepared = prepare(p)
    elif prepared.inputs != _prepared_inputs(p):
        changed = [name for (name, v), (_, w) in zip(prepared.inputs, _prepared_inputs(p)) if v != w]
        raise ParameterError("prepared", ", ".join(changed),
                             "the result of prepare() for these parameters: it was made with other values of "
                             + ", ".join(changed))
    sizings = {name: gate_sample(s, min_coverage=p.min_coverage, min_foreground_measured=p.min_foreground_measured)
               for name, s in prepared.sizings.items()}
    templating = None
    if sizings["li2s"].usable and sizings["lps"].usable:
        templating = nucleation.templating_balance(
            sizings["lps"].fit.mean_nm, sizings["li2s"].fit.mean_nm, product_mean_se_nm=sizings["lps"].fit.mean_se_nm,
            template_mean_se_nm=sizings["li2s"].fit.mean_se_nm)

    geometry = eis.pellet_geometry(          # measured thickness when given, else from mass, density and porosity
        thickness_mm=p.pellet_thickness_mm, thickness_std_mm=p.pellet_thickness_uncertainty_mm,
        area_cm2=p.pellet_area_cm2, diameter_mm=p.pellet_diameter_mm, mass_mg=p.pellet_mass_mg,
        density_g_per_cm3=p.pellet_density_g_per_cm3, porosity=p.pellet_porosity,
        porosity_std=p.pellet_porosity_uncertainty)
    pellets = {name: fit.with_geometry(thickness_cm=geometry.thickness_cm, area_cm2=geometry.area_cm2,
                                       thickness_std_cm=geometry.thickness_std_cm)
               for name, fit in prepared.pellet_fits.items()}
    membrane, membrane_failure = None, ""
    try:
        # The membrane's σ exactly as §3.2 measures it (one computation, with its quality gate).
        membrane = membrane_section.run(membrane_section.Params(
            eis_file=p.membrane_eis_file, eis_instrument=p.membrane_eis_instrument,
            eis_allow_incomplete=p.eis_allow_incomplete, cross_section_file=p.membrane_cross_section_file,
            electrode_diameter_mm=p.membrane_electrode_diameter_mm,
            sem_scale_uncertainty=p.sem_scale_uncertainty,
            electrode_diameter_uncertainty_mm=p.membrane_electrode_diameter_uncertainty_mm,
            gold_resistivity_ohm_m=p.membrane_gold_resistivity_ohm_m, gold_thickness_nm=p.membrane_gold_thickness_nm,
            lead_squares=p.membrane_lead_squares))
        if not membrane.passed:
            membrane, membrane_failure = None, ("its impedance fit failed the quality gate: "
                                                + membrane.intercept.quality.reason())
    except LpsreproError as exc:
        membrane_failure = str(exc)
    dense = None
    if membrane is not None and "250c" in pellets:
        # both samples referred to their dense solid (Bruggeman) before the paper's conclusion is tested
        dense = effective_medium.porosity_corrected_ratio(**comparison_inputs(p, membrane, pellets["250c"]))
    return Result(params=p, sizings=sizings, templating=templating,
                  pellet_thickness_cm=geometry.thickness_cm, pellet_thickness_std_cm=geometry.thickness_std_cm,
                  pellet_area_cm2=geometry.area_cm2,
                  pellets=pellets, spectra=dict(prepared.spectra), pellet_failures=dict(prepared.pellet_failures),
                  membrane=membrane, membrane_failure=membrane_failure, dense=dense)


# --------------------------------------------------------------------------- Explore (precomputed grid)
@dataclass(frozen=True)
class ExploreGrid:
    """Model results on a grid of supply rate × solubility, for the Explore sliders.

    One solution takes 0.1–0.5 s, too slow for a live update, so the grid is solved once; the
    sliders step through exactly these values (quarter decades of k, half decades of C∞), so every
    step shows a different solution. Each point holds what the Explore panel draws.
    """

    supply_rates_per_s: tuple
    solubilities_mol_per_m3: tuple
    results: dict                       # (k, C∞) → DistributionCurve (span "explore"), or None (no nucleation)

    def nearest(self, supply_rate_per_s: float, solubility_mol_per_m3: float):
        """The result at the grid point nearest (in log) to the given inputs."""
        k = min(self.supply_rates_per_s, key=lambda v: abs(math.log(v / supply_rate_per_s)))
        c = min(self.solubilities_mol_per_m3, key=lambda v: abs(math.log(v / solubility_mol_per_m3)))
        return self.results[(k, c)]


def explore_grid(base: nucleation.PrecipitationParameters, *, supply_decades: float = 1.0, supply_steps: int = 3,
                 solubility_range_mol_per_m3: tuple = (1e-6, 1e-2), solubility_steps: int = 2,
                 rel_tol: float = 0.05) -> ExploreGrid:
    """Solve the model around ``base``: k within ``supply_decades`` of its value (``supply_steps`` per decade),
    C∞ over ``solubility_range_mol_per_m3`` (``solubility_steps`` per decade), with the solver's step
    tolerance ``rel_tol`` (coarser than the analysis's 0.02: the moments move by well under 1 %)."""
    n_k = int(round(2 * supply_decades * supply_steps)) + 1
    ks = tuple(float(base.supply_rate_per_s * 10.0 ** e) for e in np.linspace(-supply_decades, supply_decades, n_k))
    lo, hi = (math.log10(v) for v in solubility_range_mol_per_m3)
    cs = tuple(float(10.0 ** e) for e in np.linspace(lo, hi, int(round((hi - lo) * solubility_steps)) + 1))
    results = {}
    for k in ks:
        for c in cs:
            try:
                results[(k, c)] = distribution_curve(nucleation.simulate_precipitation(
                    base.with_(supply_rate_per_s=k, solubility_mol_per_m3=c), rel_tol=rel_tol), span="explore")
            except ParameterError:          # nothing nucleates at these inputs
                results[(k, c)] = None
    return ExploreGrid(ks, cs, results)


# --------------------------------------------------------------------------- text (deterministic, digits as supported)
def with_uncertainty(value: float, uncertainty: float, unit: str = "") -> str:
    """``value ± uncertainty`` rounded to the uncertainty's first significant digit (two if it is 1 or 2)."""
    if not (math.isfinite(value) and math.isfinite(uncertainty) and uncertainty > 0):
        return f"{value:.3g}{' ' + unit if unit else ''}"
    exponent = math.floor(math.log10(uncertainty))
    if uncertainty / 10**exponent < 3:
        exponent -= 1
    decimals = max(0, -exponent)
    unc = round(uncertainty, -exponent)
    val = round(value, -exponent)
    text = f"{val:.{decimals}f} ± {unc:.{decimals}f}"
    return f"{text} {unit}".rstrip()


def sizing_lines(result: Result) -> list[str]:
    """One block per SEM sample: image, what was left out, the fit, the gate."""
    lines = []
    for s in result.sizings.values():
        if s.image is None:
            lines.append(f"{s.label}: not analysed — {s.error}")
            continue
        seg = s.segmentation
        lines.append(f"{s.label} ({s.file.rsplit('/', 1)[-1]}): {s.image.sizes['x']} x {s.image.sizes['y']} px at "
                     f"{s.image.attrs['pixel_size_nm']:.3g} nm/px, provenance: {s.image.attrs.get('provenance', 'not stated')}")
        lines.append(f"  data bar: {seg.data_bar_rows} rows left out; rejected objects: {seg.excluded_edge} cut by the "
                     f"frame, {seg.excluded_small} below {seg.min_diameter_nm:g} nm, {seg.excluded_shape} not particle-shaped; "
                     f"coverage {100 * seg.coverage:.0f} %, {100 * seg.foreground_measured:.0f} % of the foreground measured")
        nonconvex = s.quality.get("nonconvex_percent")
        lines.append(f"  touching particles split by {'their bright rims' if seg.split_method == 'rim' else 'the distance map'}"
                     f" (rim contrast {seg.rim_contrast:.1f})"
                     + (f"; {nonconvex:.0f} % of the regions not convex" if nonconvex is not None else ""))
        if s.fit is None:
            lines.append(f"  no size: {s.error}")
            continue
        f = s.fit
        lines.append(f"  {f.n} particles: mean {with_uncertainty(f.mean_nm, f.mean_se_nm, 'nm')}, "
                     f"sd {with_uncertainty(f.sd_nm, f.sd_se_nm, 'nm')} (standard errors); "
                     f"KS distance from the normal fit {s.quality['ks_distance']:.3f} "
                     f"(limit {s.quality['ks_critical_1pct']:.3f})")
        lines.append(f"  quality gate: {'passed' if not s.failed_quality else 'FAILED — ' + s.failed_quality}")
    return lines


def model_lines(result: ModelStudy) -> list[str]:
    """The inverse fits of the precipitation model to each measured distribution (``result`` from
    :func:`model_study`)."""
    lines = []
    for name in ("li2s", "lps"):
        label = result.sizings[name].label
        if name in result.model_failures:
            lines.append(f"{label}: {result.model_failures[name]}")
        elif name in result.model_fits:
            fit = result.model_fits[name]
            p, (mean, sd) = fit.parameters, fit.result.moments_nm()
            lines.append(f"{label}: supply rate k {p.supply_rate_per_s:.2g} 1/s (half-time "
                         f"{math.log(2) / p.supply_rate_per_s:.2g} s), J0 {p.nucleation_prefactor_per_m3_s:.1e} /m3/s; "
                         f"model {mean:.1f} ± {sd:.1f} nm ({fit.evaluations} model solutions)")
            lines.append(f"  80 % of the nuclei born within {fit.result.nucleation_duration_s():.2g} s, "
                         f"peak supersaturation {fit.result.supersaturation_t.max():.2g}")
        else:
            lines.append(f"{label}: no model fit (the sizing did not pass its gate)")
    return lines


def route_lines(result: ModelStudy) -> list[str]:
    """The route comparison table and the mechanism's verdicts (``result`` from :func:`model_study`)."""
    r = result.routes
    if r is None:
        return [f"route comparison not made: {result.routes_failure}"]
    lps = result.sizings["lps"].fit
    li2s = result.sizings["li2s"].fit
    lines = [f"dual route supply: Li2S {li2s.mean_nm:.0f} ± {li2s.sd_nm:.0f} nm (measured), half supplied after "
             f"{r.half_time_s['dual']:.2g} s, X({r.aging_label['dual']}) = {r.supplies['dual'](r.aging_s['dual']):.3f}",
             f"conventional route supply: Li2S median {result.params.commercial_li2s_median_nm / 1000:g} µm (gsd "
             f"{result.params.commercial_li2s_gsd:g}), half supplied after {r.half_time_s['conventional'] / 3600:.2g} h, "
             f"X({r.aging_label['conventional']}) = {r.supplies['conventional'](r.aging_s['conventional']):.2f}",
             f"J0 fitted so that the dual route gives the measured {lps.mean_nm:.1f} nm: "
             f"{r.prefactor_fit.parameters.nucleation_prefactor_per_m3_s:.1e} /m3/s", "",
             f"{'route':14s} {'supply half-time':>17s} {'aged':>7s} {'mean (nm)':>10s} {'sd (nm)':>8s} {'sd/mean':>8s}"]
    for (route, age), res in r.routes.items():
        mean, sd = res.moments_nm()
        lines.append(f"{route:14s} {r.half_time_s[route]:15.2g} s {r.aging_label[age]:>7s} {mean:10.0f} {sd:8.1f} "
                     f"{sd / mean:8.2f}")
    lines.append(f"{'measured LPS':14s} {'':>17s} {'':>7s} {lps.mean_nm:10.0f} {lps.sd_nm:8.1f} {lps.sd_nm / lps.mean_nm:8.2f}")
    dual, conv = r.routes[("dual", "dual")], r.routes[("conventional", "conventional")]
    lines += ["", f"overgrowth of the conventional route (larger mean): {conv.moments_nm()[0] > dual.moments_nm()[0]} "
              f"({conv.moments_nm()[0] / dual.moments_nm()[0]:.0f} times the dual route's mean)",
              f"narrower dual route (smaller sd/mean), as the paper argues: "
              f"{dual.relative_width() < conv.relative_width()} "
              f"(sd/mean {dual.relative_width():.2f} against {conv.relative_width():.2f})",
              f"predicted sd of the dual route against the measured one: {dual.moments_nm()[1]:.0f} nm against "
              f"{lps.sd_nm:.0f} nm"]
    if r.ripening_fit is not None:
        lines.append(f"ripening sensitivity, C∞ = {result.params.ripening_solubility_mol_per_m3:g} mol/m3 (J0 refitted "
                     f"to {r.ripening_fit.parameters.nucleation_prefactor_per_m3_s:.1e} /m3/s):")
        for (route, age), res in r.ripening_routes.items():
            mean, sd = res.moments_nm()
            lines.append(f"  {route:13s} aged {r.aging_label[age]:>6s}: {mean:7.0f} ± {sd:5.0f} nm, sd/mean {sd / mean:.2f}")
    return lines


def regime_lines(result: ModelStudy) -> list[str]:
    """The growth-regime scan: relative width by k_r and supply rate, and the focusing verdict
    (``result`` from :func:`model_study`)."""
    ds = result.regimes
    if ds is None:
        return ["growth-regime scan not made (needs a model fit of the LPS sizes)"]
    lines = ["supply rate k (1/s): " + "  ".join(f"{k:9.2g}" for k in ds.supply_rate.values)]
    for kr in ds.surface_rate.values:
        row = ds.sel(surface_rate=kr)
        regime = float(np.nanmedian(row.regime_number.values))
        ok = row.converged.values
        # a point that did not converge has no number the solver can support: it is named, not printed
        verdict = (str(nucleation.faster_supply_narrows(row.relative_width.values)) if ok.all()
                   else f"not decided ({int((~ok).sum())} of {ok.size} points not converged)")
        lines.append(f"k_r = {kr:7.0e} m/s, D/(k_r r) ≈ {regime:8.1g}: sd/mean "
                     + "  ".join(f"{w:9.3f}" if c else f"{'no conv.':>9s}" for w, c in zip(row.relative_width.values, ok))
                     + "; mean (nm) " + "  ".join(f"{m:7.0f}" if c else f"{'—':>7s}" for m, c in zip(row.mean_diameter.values, ok))
                     + f"; faster supply → narrower: {verdict}")
    if not ds.converged.values.all():
        lines.append(f"no conv.: mean or sd/mean moves by more than {100 * ds.attrs['max_change']:g} % when the "
                     f"solver's step tolerance is cut from {ds.attrs['rel_tol']:g} to {ds.attrs['check_rel_tol']:g}")
    return lines


def templating_lines(result: Result) -> list[str]:
    """The templating mass balance in words."""
    t = result.templating
    if t is None:
        return ["templating balance not made (needs both measured mean sizes)"]
    return [f"(d_LPS / d_Li2S)³ = {with_uncertainty(t.volume_ratio, t.volume_ratio_std)} from the measured means",
            f"V_m(β-Li3PS4) / V_m(Li2S) = {t.product_molar_volume_cm3_per_mol:.1f} / "
            f"{t.template_molar_volume_cm3_per_mol:.1f} cm3/mol = {t.molar_volume_ratio:.2f} (one Li3PS4 per Li2S unit)",
            f"so one LPS particle holds the Li2S of {with_uncertainty(t.templates_per_particle, t.templates_per_particle_std)} "
            "nano-Li2S particles: one-to-one templating would give 1"]


def pellet_lines(result: Result) -> list[str]:
    """Pellet geometry and each pellet's fit and σ."""
    p = result.params
    lines = [f"pellet: area {result.pellet_area_cm2:.3f} cm2, thickness "
             f"{with_uncertainty(10 * result.pellet_thickness_cm, 10 * result.pellet_thickness_std_cm, 'mm')} "
             f"({p.pellet_mass_mg:g} mg, {p.pellet_density_g_per_cm3:g} g/cm3, porosity {p.pellet_porosity:g} ± "
             f"{p.pellet_porosity_uncertainty:g})"]
    for name, r in result.pellets.items():
        spectrum = result.spectra[name]
        worst = float(np.abs(r.fit.relative_residuals()).max())
        lines.append(f"{PELLETS[name][2]} ({spectrum.attrs.get('provenance', 'provenance not stated')}): {r.fit.circuit}, "
                     f"R0 + R1 = {r.resistance_ohm:.0f} ohm; sigma {r.conductivity_s_per_cm:.2e} ± "
                     f"{r.conductivity_std_s_per_cm:.1e} S/cm (largest residual {100 * worst:.0f} % of |Z|)")
    for name, why in result.pellet_failures.items():
        lines.append(f"{PELLETS[name][2]}: not analysed — {why}")
    return lines


def comparison_lines(result: Result) -> list[str]:
    """Membrane against the 250 °C pellet, as measured and referred to the dense solid."""
    dense = result.dense
    if dense is None:
        why = result.membrane_failure or result.pellet_failures.get("250c", "")
        return [f"membrane against pellet not compared: {why}"]
    m = result.membrane
    ratio, ratio_std = result.membrane_over_pellet()
    return [f"membrane: L {m.thickness_nm:.0f} nm, ASR {m.asr.asr_ohm_cm2:.2f} ohm cm2, sigma {m.conductivity_s_per_cm:.2e} S/cm",
            f"sigma(membrane) / sigma(pellet, 250 C) as measured: {with_uncertainty(ratio, ratio_std)}",
            f"  both referred to the dense solid (Bruggeman): {with_uncertainty(dense.corrected, dense.corrected_std)}; "
            f"with the Hashin-Shtrikman bound (smallest correction): {dense.corrected_hashin_shtrikman:.2f}"]
