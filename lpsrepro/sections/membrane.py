"""§3.2 of the paper: the self-densified 550-nm membrane (Fig. 3c, 3d; notebook 32_membrane).

What the section measures, from two data files:

* the film thickness *L* from a cross-sectional SEM image
  (:func:`lpsrepro.analysis.cross_section.film_thickness_nm`), or as given;
* the intercept *R1* of the blocking-electrode spectrum with the Z′ axis, by an
  equivalent-circuit fit (:func:`lpsrepro.analysis.impedance.blocking_film_intercept`,
  circuit chosen by parameter) judged by the EIS quality gate, with a straight-line
  extrapolation and the naive circuit without film capacitance as cross-checks;
* ASR = R1·A (:func:`lpsrepro.models.impedance.area_specific_resistance_ohm_cm2`) with the
  uncertainty of the fit and of the electrode area (shadow-mask diameter), and σ = L / ASR.

R1 contains everything in series with the film, in particular the 85-nm Au bottom electrode
between its contact and the disk (R_lead = ρ/t × squares,
:func:`lpsrepro.models.impedance.film_lead_resistance_ohm`). The recorded ASR is therefore an
**upper bound** of the film's own ASR and σ a **lower bound** of its conductivity; the
lead-corrected values are given beside them.

A number is recorded for comparison with the paper only when the fit passes its gate;
otherwise it is recorded as ``failed_quality`` with the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import xarray as xr

from lpsrepro import ledger, params as checks, paths
from lpsrepro.analysis import impedance as eis
from lpsrepro.analysis.cross_section import FilmThickness, film_thickness_nm
from lpsrepro.errors import InputFileError, ParameterError
from lpsrepro.io.images import read_sem_image
from lpsrepro.io.impedance import read_impedance
from lpsrepro.io import SIMULATED
from lpsrepro.models import impedance as relations
from lpsrepro.sections import Number, SectionParams
from lpsrepro.units import field_unit, format_number


@dataclass(frozen=True)
class Params(SectionParams):
    """Inputs of §3.2. Lengths in the unit their name says; paths relative to the working directory.

    eis_file : str
        Impedance spectrum of the membrane (ZPlot ``.z``, BioLogic ``.mpt``, Gamry ``.DTA``, CSV, ``.nc``).
    eis_instrument : str or None
        impedance.py format name of that file (``zplot``, ``gamry``, ``autolab``…); None: from the extension.
    eis_spectrum : int or None
        0-based index of the sweep to analyse in a file that holds several (a BioLogic PEIS loop);
        None for a file with one sweep (a file with several is then refused with the list of sweeps).
    eis_allow_incomplete : bool
        Accept a ZPlot sweep that holds fewer points than its header announces (a sweep stopped
        early on purpose); False refuses it as a file cut short. The spectrum's attribute
        ``incomplete_sweep`` records what was accepted.
    cross_section_file : str
        Cross-sectional SEM TIFF with its pixel size in the metadata (unused when ``thickness_nm`` is given).
    thickness_nm, thickness_uncertainty_nm : float or None
        Film thickness and its standard uncertainty, nm; None: measured from the image
        (uncertainty: ``sem_scale_uncertainty`` × thickness when only the thickness is given).
    sem_scale_uncertainty : float
        Relative uncertainty of the SEM magnification (ledger ``sem.scale_uncertainty``).
    electrode_diameter_mm, electrode_diameter_uncertainty_mm : float
        Diameter of the top Au disk and its standard uncertainty, mm (ledger
        ``membrane.electrode_diameter``, ``membrane.electrode_diameter_uncertainty``).
    circuit : str
        Film circuit, a key of :data:`lpsrepro.analysis.impedance.BLOCKING_FILM_CIRCUITS`
        (``"C"``: ideal geometric capacitance; ``"CPE"``: depressed arc; ``"none"``).
    line_fit_min_hz, line_fit_max_hz : float
        Band of the straight-line cross-check, Hz.
    nyquist_window_ohm_cm2 : float or None
        Side of the Nyquist window of Fig. 3d, Ω cm²; None: chosen from the data.
    gold_resistivity_ohm_m, gold_thickness_nm, lead_squares : float
        Resistivity (Ω m) and thickness (nm) of the Au bottom electrode and the squares of it in
        series (ledger ``membrane.gold_resistivity``, ``membrane.gold_thickness``, ``membrane.lead_squares``).
    lead_resistance_rel_uncertainty : float
        Relative standard uncertainty of that lead-resistance estimate (1: known to its order only).
    analyser_magnitude_accuracy, analyser_phase_accuracy_deg : float
        Stated accuracy of the analyser that measured ``eis_file`` (ledger
        ``eis.analyser_magnitude_accuracy``, ``eis.analyser_phase_accuracy``); sets the quality gate.
    """

    eis_file: str = str(paths.RAW / "membrane_550nm_eis.z")
    eis_instrument: str | None = None
    eis_spectrum: int | None = None
    eis_allow_incomplete: bool = False
    cross_section_file: str = str(paths.RAW / "membrane_550nm_cross_section.tif")
    thickness_nm: float | None = None
    thickness_uncertainty_nm: float | None = None
    sem_scale_uncertainty: float = 0.02
    electrode_diameter_mm: float = 2.0
    electrode_diameter_uncertainty_mm: float = 0.05
    circuit: str = "C"
    line_fit_min_hz: float = 5000.0
    line_fit_max_hz: float = 200000.0
    nyquist_window_ohm_cm2: float | None = None
    gold_resistivity_ohm_m: float = 3.0e-8
    gold_thickness_nm: float = 85.0
    lead_squares: float = 1.0
    lead_resistance_rel_uncertainty: float = 1.0
    analyser_magnitude_accuracy: float = 1e-3
    analyser_phase_accuracy_deg: float = 0.1

    LEDGER = {"sem_scale_uncertainty": "sem.scale_uncertainty",
              "electrode_diameter_mm": "membrane.electrode_diameter",
              "electrode_diameter_uncertainty_mm": "membrane.electrode_diameter_uncertainty",
              "gold_resistivity_ohm_m": "membrane.gold_resistivity",
              "gold_thickness_nm": "membrane.gold_thickness",
              "lead_squares": "membrane.lead_squares",
              "analyser_magnitude_accuracy": "eis.analyser_magnitude_accuracy",
              "analyser_phase_accuracy_deg": "eis.analyser_phase_accuracy"}
    #: claim id → the file parameters its number is computed from (see :mod:`lpsrepro.sections`)
    FILES_OF = {"membrane_thickness": ("cross_section_file",),
                "membrane_asr": ("eis_file",),
                "membrane_conductivity": ("eis_file", ("thickness_nm", "cross_section_file"))}

    @classmethod
    def from_ledger(cls) -> "Params":
        """Defaults: the bundled stand-ins and the assumptions ledger's values."""
        return cls(**{name: ledger.value(key, field_unit(name)) for name, key in cls.LEDGER.items()})

    def __post_init__(self):
        if self.eis_spectrum is not None and not (isinstance(self.eis_spectrum, int) and not isinstance(self.eis_spectrum, bool)
                                                  and self.eis_spectrum >= 0):
            raise ParameterError("eis_spectrum", self.eis_spectrum,
                                 "the 0-based number of a sweep in the file (0, 1, ...), or None for a single sweep")
        if not isinstance(self.eis_allow_incomplete, bool):
            raise ParameterError("eis_allow_incomplete", self.eis_allow_incomplete,
                                 "True (accept a sweep stopped before its last announced point) or False")
        checks.optional_positive("thickness_nm", self.thickness_nm, example=550)
        checks.optional_positive("thickness_uncertainty_nm", self.thickness_uncertainty_nm, example=10)
        checks.in_range("sem_scale_uncertainty", self.sem_scale_uncertainty, 0.0, 0.5)
        checks.positive("electrode_diameter_mm", self.electrode_diameter_mm, example=2.0)
        checks.in_range("electrode_diameter_uncertainty_mm", self.electrode_diameter_uncertainty_mm, 0.0,
                        self.electrode_diameter_mm / 2)
        if self.circuit not in eis.BLOCKING_FILM_CIRCUITS:
            raise ParameterError("circuit", self.circuit, "one of " + ", ".join(
                f"'{k}' ({v})" for k, v in eis.BLOCKING_FILM_CIRCUITS.items()))
        low = checks.positive("line_fit_min_hz", self.line_fit_min_hz, example=5000.0)
        if not checks.positive("line_fit_max_hz", self.line_fit_max_hz, example=200000.0) > low:
            raise ParameterError("line_fit_max_hz", self.line_fit_max_hz, f"a frequency above line_fit_min_hz = {low:g} Hz")
        checks.optional_positive("nyquist_window_ohm_cm2", self.nyquist_window_ohm_cm2, example=3.0)
        checks.positive("gold_resistivity_ohm_m", self.gold_resistivity_ohm_m, example=3e-8)
        checks.positive("gold_thickness_nm", self.gold_thickness_nm, example=85)
        checks.in_range("lead_squares", self.lead_squares, 0.0, 100.0)
        checks.in_range("lead_resistance_rel_uncertainty", self.lead_resistance_rel_uncertainty, 0.0, 10.0)
        checks.in_range("analyser_magnitude_accuracy", self.analyser_magnitude_accuracy, 1e-5, 0.2)
        checks.in_range("analyser_phase_accuracy_deg", self.analyser_phase_accuracy_deg, 1e-3, 10.0)


def _name(path) -> str:
    """The file name of a path (printed outputs must not depend on where the project lives)."""
    return str(path).replace("\\", "/").rsplit("/", 1)[-1]


def _percent(value: float, reference: float) -> str:
    """Signed relative difference in per cent to one decimal, never "-0.0" (a sign that noise could flip)."""
    return f"{round(100 * (value / reference - 1), 1) + 0.0:+.1f} %"


def provenance_label(attrs: dict) -> str:
    """Legend label of a data file: "data (simulated stand-in)" only when its own metadata say so."""
    if attrs.get("provenance") == SIMULATED:
        return "data (simulated stand-in)"
    name = _name(attrs.get("source_file", ""))
    return f"data: {name}" if name else "data"


@dataclass(frozen=True)
class Result:
    """What §3.2 measures; drawn by ``lpsrepro.plots`` and recorded through :meth:`numbers`.

    Lengths in nm, resistances in ohm, ASR in Ω cm², σ in S/cm, areas in cm², capacitances in F.
    """

    params: Params
    spectrum: xr.Dataset
    image: xr.DataArray | None
    film: FilmThickness | None
    thickness_nm: float
    thickness_std_nm: float
    area_cm2: float
    area_std_cm2: float
    intercept: eis.FilmIntercept
    naive: eis.FilmIntercept
    alternative: eis.FilmIntercept          # the other of the "C" / "CPE" film circuits
    line: eis.LineIntercept | None
    line_problem: str
    lead_resistance_ohm: float
    lead_resistance_std_ohm: float
    asr: eis.MembraneASR
    conductivity_s_per_cm: float
    conductivity_std_s_per_cm: float
    film_conductivity_s_per_cm: float          # lead-corrected (the upper end)
    film_conductivity_std_s_per_cm: float
    relative_permittivity: float
    data_label: str

    @property
    def passed(self) -> bool:
        """True when the intercept fit passed the EIS quality gate."""
        return self.intercept.quality.passed

    def numbers(self) -> dict[str, Number]:
        """Every number §3.2 records (the thickness only when measured from the image).

        Where each is made (all in :func:`run`): ``membrane_thickness`` by
        :func:`lpsrepro.analysis.cross_section.film_thickness_nm` on :func:`lpsrepro.io.images.read_sem_image`;
        ``membrane_asr`` by :func:`lpsrepro.analysis.impedance.membrane_asr` (R1 of
        :func:`~lpsrepro.analysis.impedance.blocking_film_intercept` × the disc of
        :func:`lpsrepro.models.impedance.disc_area_cm2`); ``membrane_conductivity`` by
        :func:`lpsrepro.analysis.impedance.conductivity_s_per_cm` (σ = L / ASR). The files each is computed
        from: :attr:`Params.FILES_OF`; the ledger inputs: :attr:`Params.LEDGER`; rounding, unit and the
        comparison with the paper: :func:`lpsrepro.claims.record` and :func:`lpsrepro.claims.claims_document`.
        """
        gate = self.intercept.quality
        failed = "" if gate.passed else gate.reason()
        quality = tuple(sorted(gate.figures().items()))
        bound = (f"upper bound of the film's ASR (R1 includes the Au lead, about "
                 f"{self.asr.lead_asr_ohm_cm2:.2g} Ω cm²)")
        out = {}
        if self.film is not None:
            out["membrane_thickness"] = Number(self.film.mean_nm, "nm", self.film.uncertainty_nm,
                                               note="half-level edges in every column of the cross-section image")
        out["membrane_asr"] = Number(
            self.asr.asr_ohm_cm2, "ohm*cm**2", self.asr.asr_std_ohm_cm2, failed_quality=failed, quality=quality,
            note=f"R1 of an {self.intercept.fit.circuit} fit times the electrode area (fit and area "
                 f"uncertainty); {bound}")
        out["membrane_conductivity"] = Number(
            self.conductivity_s_per_cm, "S/cm", self.conductivity_std_s_per_cm, failed_quality=failed,
            quality=quality, note="thickness / ASR: a lower bound of the film's conductivity, since the "
                                  "intercept includes the Au lead resistance")
        return out

    # ----------------------------------------------------------------------- printed summaries
    def thickness_text(self) -> str:
        if self.film is None:
            return f"film thickness given as a parameter: {format_number(self.thickness_nm, self.thickness_std_nm)} nm"
        f, image = self.film, self.image
        return (f"{_name(image.attrs.get('source_file', 'image'))}: {image.sizes['x']} x {image.sizes['y']} px, "
                f"{image.attrs['pixel_size_nm']:g} nm/px (scale from {image.attrs['scale_from']}); "
                f"provenance: {image.attrs.get('provenance', 'not stated')}\n"
                f"film thickness: {format_number(f.mean_nm, f.uncertainty_nm)} nm (variation along the film "
                f"{f.std_nm:.0f} nm; edges found in {f.columns_used}/{f.columns_total} columns)")

    def fit_text(self) -> str:
        fit, gate = self.intercept.fit, self.intercept.quality
        lines = [f"{_name(self.spectrum.attrs.get('source_file', 'spectrum'))}: {self.spectrum.sizes['frequency']} points, "
                 f"{fit.frequency_hz.max():.3g} Hz to {fit.frequency_hz.min():.3g} Hz; "
                 f"provenance: {self.spectrum.attrs.get('provenance', 'not stated')}",
                 f"circuit {fit.circuit} (choice '{self.intercept.circuit_choice}'):"]
        lines += [f"  {n:7s} = {format_number(v, s)} {u}" for n, u, v, s in zip(fit.names, fit.units, fit.values, fit.std)]
        lines.append(f"residuals: rms {100 * gate.residual_rms:.2f} %, largest {100 * gate.residual_max:.2f} % of |Z| "
                     f"(gate: rms ≤ {100 * gate.rms_limit:.1f} %, from the analyser's accuracy)")
        lines.append("quality gate: passed" if gate.passed else f"quality gate FAILED: {gate.reason()}")
        return "\n".join(lines)

    def cross_check_text(self) -> str:
        r = self.intercept
        lines = [f"intercept from the circuit fit: {format_number(r.resistance_ohm, r.resistance_std_ohm)} ohm"]
        if self.line is not None:
            ln = self.line
            lines.append(f"intercept from the line ({ln.n_points} points, {ln.frequency_band_hz[0]:.3g}-"
                         f"{ln.frequency_band_hz[1]:.3g} Hz): {format_number(ln.resistance_ohm, ln.resistance_std_ohm)}"
                         f" ohm, line at {ln.angle_deg:.1f} deg")
        else:
            lines.append(f"line cross-check not made: {self.line_problem}")
        lines.append(f"naive {self.naive.fit.circuit} fit: {self.naive.resistance_ohm:.3g} ohm "
                     f"({_percent(self.naive.resistance_ohm, r.resistance_ohm)}), rms residual "
                     f"{100 * self.naive.quality.residual_rms:.1f} %")
        alt = self.alternative
        lines.append(f"other film circuit {alt.fit.circuit}: {format_number(alt.resistance_ohm, alt.resistance_std_ohm)}"
                     f" ohm ({_percent(alt.resistance_ohm, r.resistance_ohm)}), rms residual "
                     f"{100 * alt.quality.residual_rms:.2f} %, gate {'passed' if alt.quality.passed else 'failed'}")
        if math.isfinite(r.capacitance_f):
            lines.append(f"film capacitance {r.capacitance_f * 1e9:.3g} nF -> apparent eps_r = "
                         f"{self.relative_permittivity:.0f}, bulk-arc apex at {r.apex_frequency_hz / 1e6:.2g} MHz")
        return "\n".join(lines)

    def asr_text(self) -> str:
        a = self.asr
        lines = [f"electrode area: {format_number(a.area_cm2, a.area_std_cm2)} cm2 (disk of "
                 f"{self.params.electrode_diameter_mm:g} ± {self.params.electrode_diameter_uncertainty_mm:g} mm)",
                 f"ASR (intercept x area) = {format_number(a.asr_ohm_cm2, a.asr_std_ohm_cm2)} ohm cm2 "
                 f"(fit {a.asr_fit_std_ohm_cm2:.1g}, area {a.asr_area_std_ohm_cm2:.1g})",
                 f"Au lead: {self.lead_resistance_ohm:.2g} ± {self.lead_resistance_std_ohm:.2g} ohm = "
                 f"{a.lead_asr_ohm_cm2:.2g} ohm cm2 of the intercept",
                 f"film ASR without the lead = {format_number(a.film_asr_ohm_cm2, a.film_asr_std_ohm_cm2)} ohm cm2",
                 f"sigma >= {format_number(self.conductivity_s_per_cm, self.conductivity_std_s_per_cm)} S/cm "
                 f"(L = {self.thickness_nm:.0f} nm; lead-corrected "
                 f"{format_number(self.film_conductivity_s_per_cm, self.film_conductivity_std_s_per_cm)} S/cm)"]
        if not self.passed:
            lines.append("NOT compared with the paper: the fit failed its quality gate")
        return "\n".join(lines)


def read_spectrum(path, *, instrument: str | None, spectrum: int | None, allow_incomplete: bool,
                  spectrum_parameter: str = "eis_spectrum",
                  incomplete_parameter: str = "eis_allow_incomplete") -> xr.Dataset:
    """:func:`lpsrepro.io.impedance.read_impedance`, its refusals worded with the notebook's parameters.

    The reader names its own keywords (``spectrum=``, ``allow_incomplete=``); a notebook user sets
    ``spectrum_parameter`` and ``incomplete_parameter`` instead, so a refused sweep index or an
    incomplete ZPlot sweep is reported with the parameter that changes it (same file, line, field).
    """
    try:
        return read_impedance(path, instrument=instrument, spectrum=spectrum, allow_incomplete=allow_incomplete)
    except InputFileError as exc:
        if exc.field == "spectrum":
            raise InputFileError(exc.path, exc.problem.replace("spectrum=", f"{spectrum_parameter} = ", 1),
                                 line=exc.line, field=spectrum_parameter,
                                 expected=f"{spectrum_parameter} = an index from 0 to the count minus 1, "
                                          f"or None for a file with one sweep") from exc
        if exc.field == "Data Points" and exc.expected and "allow_incomplete" in exc.expected:
            raise InputFileError(exc.path, exc.problem, line=exc.line, field=exc.field,
                                 expected=f"the complete export; for a sweep stopped early on purpose, set "
                                          f"{incomplete_parameter} = True") from exc
        raise


def _thickness(p: Params):
    if p.thickness_nm is not None:
        std = p.thickness_uncertainty_nm if p.thickness_uncertainty_nm is not None else p.sem_scale_uncertainty * p.thickness_nm
        return None, None, float(p.thickness_nm), float(std)
    image = read_sem_image(checks.existing_file("cross_section_file", p.cross_section_file))
    film = film_thickness_nm(image, scale_uncertainty_rel=p.sem_scale_uncertainty)
    return image, film, film.mean_nm, film.uncertainty_nm


def run(p: Params) -> Result:
    """Measure §3.2 from the files named in ``p`` (pure: reads those files only)."""
    spectrum = read_spectrum(checks.existing_file("eis_file", p.eis_file), instrument=p.eis_instrument,
                             spectrum=p.eis_spectrum, allow_incomplete=p.eis_allow_incomplete)
    image, film, thickness, thickness_std = _thickness(p)
    accuracy = eis.AnalyserAccuracy(p.analyser_magnitude_accuracy, p.analyser_phase_accuracy_deg)
    intercept = eis.blocking_film_intercept(spectrum, p.circuit, accuracy=accuracy)
    naive = eis.blocking_film_intercept(spectrum, "none", accuracy=accuracy)
    alternative = eis.blocking_film_intercept(spectrum, "CPE" if p.circuit == "C" else "C", accuracy=accuracy)
    try:
        line, line_problem = eis.oblique_line_intercept(spectrum, p.line_fit_min_hz, p.line_fit_max_hz), ""
    except ParameterError as exc:     # a cross-check that cannot be made does not stop the section
        line, line_problem = None, str(exc)
    area = float(relations.disc_area_cm2(p.electrode_diameter_mm))
    area_std = float(relations.disc_area_uncertainty_cm2(p.electrode_diameter_mm, p.electrode_diameter_uncertainty_mm))
    lead = float(relations.film_lead_resistance_ohm(p.gold_resistivity_ohm_m, p.gold_thickness_nm, p.lead_squares))
    lead_std = lead * p.lead_resistance_rel_uncertainty
    asr = eis.membrane_asr(intercept, area_cm2=area, area_std_cm2=area_std, lead_resistance_ohm=lead,
                           lead_resistance_std_ohm=lead_std)
    sigma, sigma_std = eis.conductivity_s_per_cm(thickness, asr.asr_ohm_cm2, thickness_std_nm=thickness_std,
                                                 asr_std_ohm_cm2=asr.asr_std_ohm_cm2)
    film_asr = asr.film_asr_ohm_cm2 if asr.film_asr_ohm_cm2 > 0 else float("nan")
    film_sigma, film_sigma_std = eis.conductivity_s_per_cm(thickness, film_asr, thickness_std_nm=thickness_std,
                                                           asr_std_ohm_cm2=asr.film_asr_std_ohm_cm2)
    eps_r = (eis.relative_permittivity_from_capacitance(intercept.capacitance_f, thickness, area)
             if np.isfinite(intercept.capacitance_f) else float("nan"))
    return Result(params=p, spectrum=spectrum, image=image, film=film, thickness_nm=thickness,
                  thickness_std_nm=thickness_std, area_cm2=area, area_std_cm2=area_std, intercept=intercept,
                  naive=naive, alternative=alternative, line=line, line_problem=line_problem, lead_resistance_ohm=lead,
                  lead_resistance_std_ohm=lead_std, asr=asr, conductivity_s_per_cm=sigma,
                  conductivity_std_s_per_cm=sigma_std, film_conductivity_s_per_cm=film_sigma,
                  film_conductivity_std_s_per_cm=film_sigma_std, relative_permittivity=eps_r,
                  data_label=provenance_label(spectrum.attrs))


# --------------------------------------------------------------------------- Explore: the forward model
@dataclass(frozen=True)
class ModelView:
    """The model spectrum of Au | film | Au as a sweep to ``f_max_hz`` sees it (for the Explore widget).

    Impedances are area-normalised (Ω cm², complex); ``resistance_ohm`` is the film's raw
    resistance L/(σA), which scales with the electrode area while the ASR does not.
    """

    z_all_ohm_cm2: np.ndarray
    z_seen_ohm_cm2: np.ndarray
    z_apex_ohm_cm2: complex
    f_max_hz: float
    apex_frequency_hz: float
    asr_ohm_cm2: float
    resistance_ohm: float
    capacitance_f: float
    area_cm2: float = math.nan

    @property
    def arc_in_sweep(self) -> bool:
        return self.apex_frequency_hz <= self.f_max_hz

    def status(self) -> str:
        """One line for the widget, from the same numbers the figure draws."""
        where = "inside" if self.arc_in_sweep else "above"
        return (f"R = {self.resistance_ohm:.3g} Ω and C = {self.capacitance_f * 1e9:.3g} nF for "
                f"A = {self.area_cm2:.3g} cm²; "
                f"ASR {self.asr_ohm_cm2:.3g} Ω cm²; arc apex {self.apex_frequency_hz / 1e6:.3g} MHz: "
                f"{where} the sweep (top {self.f_max_hz / 1e6:.3g} MHz)")


def model_view(*, thickness_nm: float, conductivity_s_per_cm: float, relative_permittivity: float,
               f_max_hz: float, interface_q_f_per_cm2: float, interface_alpha: float,
               electrode_diameter_mm: float | None = None, area_cm2: float | None = None,
               f_min_hz: float = 0.1) -> ModelView:
    """Evaluate :func:`lpsrepro.models.impedance.blocking_film_cell_impedance_ohm` for the widget.

    The electrode is given as ``electrode_diameter_mm`` (the field of :class:`Params` and ledger
    entry ``membrane.electrode_diameter`` the Explore slider is bound to; its area is
    :func:`lpsrepro.models.impedance.disc_area_cm2`) or directly as ``area_cm2``, one of the two.
    """
    if (electrode_diameter_mm is None) == (area_cm2 is None):
        raise ParameterError("electrode_diameter_mm", electrode_diameter_mm,
                             "either the top electrode's diameter in mm or area_cm2, exactly one of the two")
    if electrode_diameter_mm is not None:
        area_cm2 = float(relations.disc_area_cm2(checks.positive("electrode_diameter_mm", electrode_diameter_mm,
                                                                 example=2.0)))
    f_all = np.logspace(9, np.log10(f_min_hz), 500)
    f_seen = np.logspace(np.log10(f_max_hz), np.log10(f_min_hz), int(10 * np.log10(f_max_hz / f_min_hz)) + 1)
    kwargs = dict(thickness_nm=thickness_nm, area_cm2=area_cm2, conductivity_s_per_cm=conductivity_s_per_cm,
                  relative_permittivity=relative_permittivity, interface_q_f_per_cm2=interface_q_f_per_cm2,
                  interface_alpha=interface_alpha)
    f_apex = float(relations.bulk_arc_apex_frequency_hz(conductivity_s_per_cm, relative_permittivity))
    z = relations.blocking_film_cell_impedance_ohm
    r = float(relations.bulk_resistance_ohm(thickness_nm, area_cm2, conductivity_s_per_cm))
    return ModelView(z_all_ohm_cm2=z(f_all, **kwargs) * area_cm2, z_seen_ohm_cm2=z(f_seen, **kwargs) * area_cm2,
                     z_apex_ohm_cm2=complex(z(np.array([f_apex]), **kwargs)[0] * area_cm2), f_max_hz=float(f_max_hz),
                     apex_frequency_hz=f_apex,
                     asr_ohm_cm2=float(relations.area_specific_resistance_ohm_cm2(r, area_cm2)), resistance_ohm=r,
                     capacitance_f=float(relations.geometric_capacitance_f(thickness_nm, area_cm2, relative_permittivity)),
                     area_cm2=float(area_cm2))


def explore_defaults(result: Result) -> dict[str, float]:
    """Start values of the Explore sliders, all from the measurement: the film's thickness, σ, the
    apparent εr of the fitted film capacitance (the ledger's ``membrane.relative_permittivity``
    when the circuit has none), the electrode diameter (mm, the field ``electrode_diameter_mm``), the sweep's top, and the fitted interface CPE
    (per electrode area, F s^(α−1) cm⁻², and its exponent)."""
    fit = result.intercept.fit
    eps = result.relative_permittivity
    return {"thickness_nm": float(result.thickness_nm), "conductivity_s_per_cm": float(result.conductivity_s_per_cm),
            "relative_permittivity": float(eps) if np.isfinite(eps) else ledger.value("membrane.relative_permittivity", ""),
            "electrode_diameter_mm": float(result.params.electrode_diameter_mm), "f_max_hz": float(fit.frequency_hz.max()),
            "interface_q_f_per_cm2": fit["CPE1_0"][0] / result.area_cm2, "interface_alpha": fit["CPE1_1"][0]}
