"""§3.1 reaction kinetics (notebook ``31b_reaction_kinetics``): Fig. 1g, 2a–d, S1, S2b, S6, S8 and the completion time.

Composition of the technique code for one paper section (contract in
:mod:`lpsrepro.sections`):

1. **Nano-Li2S size (Fig. S1).** The nano-Li2S pattern is fitted with Li2S
   alone and must pass the XRD quality gate
   (:func:`lpsrepro.analysis.xrd.pattern_gate`); each strong Li2S reflection
   is then fitted on its own (:func:`~lpsrepro.analysis.xrd.scherrer_line_sizes`)
   and only reflections that are *found* give a Scherrer size.
2. **Phase quantification (Fig. 1g, 2a, 2c, S2b, S6, S8).** Every pattern is
   fitted with the reference phases and gated. A pattern that cannot be read
   or fails its gate is reported (file and reason) and left out of what
   depends on it; the other samples run on.
3. **Conversion and kinetics.** Gated conventional patterns give the Li2S
   conversion by mass balance; each rate-controlling mechanism of
   :data:`lpsrepro.models.kinetics.MECHANISMS` is fitted to that series and
   the mechanisms are ranked by AICc. The completion time of the dual route
   (measured nano-Li2S size) is given for the preferred mechanism, with its
   spread over the ledger range of the commercial Li2S size and over the
   mechanisms.
4. **Raman (Fig. 2b, 2d).** Band fits; the band positions are pooled over the
   spectra in which each band is present.

:func:`prepare` does steps 1, 2 and 4 and the reading and gating of step 3 (everything that depends
only on the files and the analysis settings, ``Params.PREPARED_FROM``: seconds); :func:`run` does the
rest — the nano-Li2S diameter from its column length, the rate-law fits with the commercial Li2S
size distribution, the completion times — in a fraction of a second when given ``prepared=`` (the
fast path of a parameter sweep over the kinetic assumptions). :func:`explore` is the Explore widget's fast path
(a forward model of conversion, pattern and spectrum built from
:mod:`lpsrepro.models`, with the pieces that do not change precomputed by
:func:`explore_basis`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from lpsrepro import ledger, params as checks, paths
from lpsrepro.analysis import kinetics as kin, raman as ram, xrd as ax
from lpsrepro.errors import InputFileError, ParameterError
from lpsrepro.io.raman import read_raman_spectrum
from lpsrepro.io.xrd import read_xrd_pattern
from lpsrepro.models import kinetics, raman as raman_model, xrd
from lpsrepro.sections import Number, SectionParams
from lpsrepro.units import convert, field_unit, format_duration, format_number

RAW = paths.DATA / "raw"
#: Starting Scherrer sizes (nm) of the phases other than Li2S in the whole-pattern fits; the fit
#: frees the size of every phase that is clearly present.
START_SIZES_NM = {"beta-Li3PS4": 40.0, "Li4P2S6": 60.0}
#: Raman bands fitted: name → (expected centre, half-window) in 1/cm. Centres from the literature
#: ranges of the thiophosphate units (PS4(3-) 418–425, P2S6(4-) 380–390, Li2S 372–375; Dietrich et al.,
#: J. Mater. Chem. A 5 (2017) 18111, doi:10.1039/C7TA06067J) and the paper's weak bands near 310 and
#: 460–480 1/cm.
RAMAN_BANDS = (("PS4", 422.0, 8.0), ("P2S6", 385.0, 10.0), ("b310", 305.0, 12.0), ("b470", 475.0, 20.0),
               ("Li2S", 374.0, 8.0))


def _tuple(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _names(key: str, path: str) -> bool:
    """Whether a key of ``xrd_scan``/``raman_spectrum`` names ``path``: the path as given, or its file name."""
    return key == str(path) or (Path(key).name == key and Path(str(path)).name == key)


@dataclass(frozen=True)
class Params(SectionParams):
    """Inputs of §3.1 reaction kinetics.

    Files (paths relative to the working directory, i.e. the notebook's folder): ``dual_xrd_files``,
    ``conventional_xrd_files`` (one two-column pattern per reaction time), ``nano_p2s5_xrd_file``
    (Fig. S6), ``naph_xrd_file`` (Fig. S8), ``nano_li2s_xrd_file`` (Fig. S1), ``dual_raman_files``,
    ``conventional_raman_files`` (one spectrum per reaction time), ``nano_li2s_raman_file``,
    ``commercial_li2s_raman_file``. ``dual_times_min``, ``conventional_times_min``: reaction times
    (min) of those files. Patterns may be two-column ``.xy``/``.txt``, PANalytical ``.xrdml``, Bruker
    ``.brml``, Rigaku ``.rasx`` or an lpsrepro NetCDF series; spectra two-column text, Renishaw
    ``.wdf``, a LabSpec export or a NetCDF series (:func:`lpsrepro.io.xrd.read_xrd_pattern`,
    :func:`lpsrepro.io.raman.read_raman_spectrum`).

    Files holding several scans or spectra: ``xrd_scan`` picks the scan of the XRD files and
    ``raman_spectrum`` the spectrum of the Raman files (maps, line scans, tables), each either None
    (the file's only scan: a file with several is reported, with what it holds, and skipped), a
    0-based index for every file, or a mapping ``{file: index}`` for the files named (by the path as
    given or by the file name alone; the other files take None), e.g. ``{"run7.brml": 2}``. A file
    holding one scan accepts only None or 0, so name the multi-scan files when a series mixes both.

    ``wavelength_angstrom`` (Å) of the patterns and reference sticks; ``caglioti_u_deg2``,
    ``caglioti_v_deg2``, ``caglioti_w_deg2`` (deg², ledger ``xrd.caglioti_*``): instrument
    function; ``phases``: reference phases of the whole-pattern fits; ``nano_li2s_start_nm`` and
    ``commercial_li2s_start_nm`` (nm): starting Scherrer sizes of Li2S (the detection limit of an
    absent phase is evaluated there); ``raman_instrument_fwhm_per_cm`` (1/cm, ledger
    ``raman.instrument_fwhm``); ``raman_bands``: (name, centre, half-window) in 1/cm.

    Kinetics: ``commercial_li2s_median_nm`` (nm, ledger ``kinetics.commercial_li2s_median``),
    ``commercial_li2s_median_low_nm`` and ``commercial_li2s_median_high_nm`` (nm, the ends of its
    ledger range), ``commercial_li2s_gsd`` (ledger ``kinetics.commercial_li2s_gsd``),
    ``nano_li2s_relative_sd`` (ledger ``kinetics.nano_li2s_relative_sd``), ``target_conversion`` (the
    Li2S conversion that counts as complete, ledger ``kinetics.completion_conversion``).
    """

    dual_xrd_files: tuple[str, ...]
    dual_times_min: tuple[float, ...]
    conventional_xrd_files: tuple[str, ...]
    conventional_times_min: tuple[float, ...]
    nano_p2s5_xrd_file: str
    naph_xrd_file: str
    nano_li2s_xrd_file: str
    dual_raman_files: tuple[str, ...]
    conventional_raman_files: tuple[str, ...]
    nano_li2s_raman_file: str
    commercial_li2s_raman_file: str
    wavelength_angstrom: float = xrd.CU_KA1_ANGSTROM
    caglioti_u_deg2: float = 0.004
    caglioti_v_deg2: float = -0.002
    caglioti_w_deg2: float = 0.0025
    phases: tuple[str, ...] = ("beta-Li3PS4", "Li2S", "Li4P2S6")
    nano_li2s_start_nm: float = 20.0
    commercial_li2s_start_nm: float = 100.0
    raman_instrument_fwhm_per_cm: float = 2.5
    raman_bands: tuple[tuple[str, float, float], ...] = RAMAN_BANDS
    xrd_scan: int | None | tuple[tuple[str, int], ...] = None
    raman_spectrum: int | None | tuple[tuple[str, int], ...] = None
    commercial_li2s_median_nm: float = 15000.0
    commercial_li2s_median_low_nm: float = 1000.0
    commercial_li2s_median_high_nm: float = 30000.0
    commercial_li2s_gsd: float = 1.8
    nano_li2s_relative_sd: float = 0.17
    target_conversion: float = 0.99

    LEDGER = {"caglioti_u_deg2": "xrd.caglioti_u", "caglioti_v_deg2": "xrd.caglioti_v",
              "caglioti_w_deg2": "xrd.caglioti_w", "raman_instrument_fwhm_per_cm": "raman.instrument_fwhm",
              "commercial_li2s_median_nm": "kinetics.commercial_li2s_median",
              "commercial_li2s_gsd": "kinetics.commercial_li2s_gsd",
              "nano_li2s_relative_sd": "kinetics.nano_li2s_relative_sd",
              "target_conversion": "kinetics.completion_conversion"}
    #: claim id → the file parameters its number is computed from (see :mod:`lpsrepro.sections`)
    FILES_OF = {"dual_route_completion_time": ("conventional_xrd_files", "nano_li2s_xrd_file"),
                "li2s_nano_size_from_xrd": ("nano_li2s_xrd_file",),
                "li2s_observed_dual_50min": ("dual_xrd_files[0]",),
                "li2s_observed_conventional_72h": ("conventional_xrd_files[-1]",),
                "li4p2s6_observed_conventional": ("conventional_xrd_files[-1]",),
                "li4p2s6_observed_dual": ("dual_xrd_files[0]",),
                "li2s_observed_nanoLi2S_P2S5_65min": ("nano_p2s5_xrd_file",),
                "raman_ps4_band": ("dual_raman_files[0]",),
                "raman_p2s6_band": ("conventional_raman_files",),
                "raman_310_band": ("conventional_raman_files",),
                "raman_460_480_band": ("conventional_raman_files",)}
    #: The fields :func:`prepare` depends on (files, scan choices, analysis settings, the instrument
    #: functions the fits use); the kinetic assumptions are not among them, so a sweep over those runs
    #: :func:`run` with ``prepared=`` (see :mod:`lpsrepro.sections`).
    PREPARED_FROM = frozenset({
        "dual_xrd_files", "dual_times_min", "conventional_xrd_files", "conventional_times_min",
        "nano_p2s5_xrd_file", "naph_xrd_file", "nano_li2s_xrd_file", "dual_raman_files", "conventional_raman_files",
        "nano_li2s_raman_file", "commercial_li2s_raman_file", "wavelength_angstrom", "caglioti_u_deg2",
        "caglioti_v_deg2", "caglioti_w_deg2", "phases", "nano_li2s_start_nm", "commercial_li2s_start_nm",
        "raman_instrument_fwhm_per_cm", "raman_bands", "xrd_scan", "raman_spectrum"})

    def __post_init__(self):
        for f in dataclasses.fields(self):   # lists from papermill or YAML become tuples (hashable, frozen)
            value = getattr(self, f.name)
            if f.name == "raman_bands" and isinstance(value, dict):
                value = tuple((k, *v) for k, v in value.items())
            if f.name in ("xrd_scan", "raman_spectrum") and isinstance(value, dict):
                value = tuple((str(k), v) for k, v in value.items())
            object.__setattr__(self, f.name, _tuple(value))
        self.check()

    @classmethod
    def from_ledger(cls) -> Params:
        """Bundled stand-in files and the ledger's values."""
        conv_times = tuple(float(t) for t in str(ledger.get("kinetics.conventional_times").value).split(","))
        low, high = ledger.get("kinetics.commercial_li2s_median").range
        unit = ledger.get("kinetics.commercial_li2s_median").unit
        return cls(
            dual_xrd_files=tuple(str(RAW / f"xrd_dual_{t:04.0f}min.xy") for t in (50, 140)),
            dual_times_min=(50.0, 140.0),
            conventional_xrd_files=tuple(str(RAW / f"xrd_conventional_{t:04.0f}min.xy") for t in conv_times),
            conventional_times_min=conv_times,
            nano_p2s5_xrd_file=str(RAW / "xrd_nanoLi2S_P2S5_065min.xy"),
            naph_xrd_file=str(RAW / "xrd_naph_route_050min.xy"),
            nano_li2s_xrd_file=str(RAW / "xrd_nano_li2s.xy"),
            dual_raman_files=tuple(str(RAW / f"raman_dual_{t:04.0f}min.txt") for t in (50, 140)),
            conventional_raman_files=tuple(str(RAW / f"raman_conventional_{t:04.0f}min.txt") for t in conv_times),
            nano_li2s_raman_file=str(RAW / "raman_nano_li2s.txt"),
            commercial_li2s_raman_file=str(RAW / "raman_commercial_li2s.txt"),
            commercial_li2s_median_low_nm=convert(float(low), unit, field_unit("commercial_li2s_median_low_nm")),
            commercial_li2s_median_high_nm=convert(float(high), unit, field_unit("commercial_li2s_median_high_nm")),
            **{name: ledger.value(key, field_unit(name)) for name, key in cls.LEDGER.items()},
        )

    def check(self) -> None:
        """Refuse a mistyped value with one clear message (files are checked when read, per sample)."""
        for name, n_name in (("dual_xrd_files", "dual_times_min"), ("conventional_xrd_files", "conventional_times_min")):
            files, times = getattr(self, name), getattr(self, n_name)
            if not isinstance(files, tuple) or not files or not all(isinstance(f, str) for f in files):
                raise ParameterError(name, files, "a list of file paths")
            if not isinstance(times, tuple) or len(times) != len(files):
                raise ParameterError(n_name, times, f"a list of {len(files)} reaction times in minutes, one per file")
            for t in times:
                checks.positive(n_name, t, example=50)
        for name, n in (("dual_raman_files", len(self.dual_times_min)),
                        ("conventional_raman_files", len(self.conventional_times_min))):
            files = getattr(self, name)
            if not isinstance(files, tuple) or len(files) != n:
                raise ParameterError(name, files, f"a list of {n} spectra, one per reaction time")
        xrd_files = (*self.dual_xrd_files, *self.conventional_xrd_files, self.nano_p2s5_xrd_file, self.naph_xrd_file,
                     self.nano_li2s_xrd_file)
        raman_files = (*self.dual_raman_files, *self.conventional_raman_files, self.nano_li2s_raman_file,
                       self.commercial_li2s_raman_file)
        for name, files in (("xrd_scan", xrd_files), ("raman_spectrum", raman_files)):
            value = getattr(self, name)
            expected = ("None (files with one scan), the 0-based index of the scan to take from every file that "
                        'holds several (0, 1, ...), or a mapping {"file name": index} for the files named')
            pairs = value if isinstance(value, tuple) else (("", value),)
            if not all(isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str) for pair in pairs):
                raise ParameterError(name, value, expected)
            for key, index in pairs:
                if index is not None and (isinstance(index, bool) or not isinstance(index, int) or index < 0):
                    raise ParameterError(name, value, expected)
                if key and not any(_names(key, f) for f in files):
                    raise ParameterError(name, value, f"{expected}; {key!r} is none of the section's files "
                                         f"({', '.join(Path(str(f)).name for f in files)})")
        checks.in_range("wavelength_angstrom", self.wavelength_angstrom, 0.5, 2.5)
        checks.in_range("caglioti_u_deg2", self.caglioti_u_deg2, -1, 1)
        checks.in_range("caglioti_v_deg2", self.caglioti_v_deg2, -1, 1)
        checks.in_range("caglioti_w_deg2", self.caglioti_w_deg2, 1e-6, 1)
        names = xrd.check_phase_names(list(self.phases), parameter="phases")
        if "beta-Li3PS4" not in names or "Li2S" not in names:
            raise ParameterError("phases", self.phases, "a list that includes beta-Li3PS4 and Li2S (the conversion needs both)")
        checks.positive("nano_li2s_start_nm", self.nano_li2s_start_nm, example=20)
        checks.positive("commercial_li2s_start_nm", self.commercial_li2s_start_nm, example=100)
        checks.positive("raman_instrument_fwhm_per_cm", self.raman_instrument_fwhm_per_cm, example=2.5)
        known = {b[0] for b in self.raman_bands} if isinstance(self.raman_bands, tuple) else set()
        if not {"PS4", "P2S6", "b310", "b470", "Li2S"} <= known or not all(len(b) == 3 for b in self.raman_bands):
            raise ParameterError("raman_bands", self.raman_bands,
                                 "PS4, P2S6, b310, b470 and Li2S, each with [centre, half-window] in 1/cm")
        for name in ("commercial_li2s_median_nm", "commercial_li2s_median_low_nm", "commercial_li2s_median_high_nm"):
            checks.positive(name, getattr(self, name), example=15000)
        checks.in_range("commercial_li2s_gsd", self.commercial_li2s_gsd, 1.0, 5.0)
        checks.in_range("nano_li2s_relative_sd", self.nano_li2s_relative_sd, 0.0, 0.5)
        checks.in_range("target_conversion", self.target_conversion, 0.5, 0.9999)

    @property
    def caglioti_uvw(self) -> tuple[float, float, float]:
        return (self.caglioti_u_deg2, self.caglioti_v_deg2, self.caglioti_w_deg2)

    def scan_for(self, path: str, which: str = "xrd_scan") -> int | None:
        """The scan (``which="xrd_scan"``) or spectrum (``"raman_spectrum"``) to read from ``path``."""
        value = getattr(self, which)
        if not isinstance(value, tuple):
            return value
        exact = [i for key, i in value if key == str(path)]
        by_name = [i for key, i in value if _names(key, path)]
        return (exact or by_name or [None])[0]

    def bands(self) -> dict[str, tuple[float, float]]:
        return {name: (float(c), float(w)) for name, c, w in self.raman_bands}


# --------------------------------------------------------------------------- one sample
@dataclass(frozen=True)
class XRDSample:
    """One pattern: read, fitted and gated — or the reason it could not be."""

    file: str
    time_min: float
    pattern: xr.DataArray | None
    fit: ax.PatternFit | None
    gate: ax.PatternGate | None
    error: str = ""          # the pattern could not be read or fitted (in words)

    @property
    def usable(self) -> bool:
        """Read, fitted and through its gate: its numbers may be used."""
        return not self.error and self.gate is not None and self.gate.passed

    @property
    def problem(self) -> str:
        """Why this sample's numbers must not be used ("" when they may)."""
        if self.error:
            return self.error
        return "" if self.gate.passed else f"{Path(self.file).name}: {self.gate.reason}"


def in_words(exc: Exception, path: str) -> str:
    """An error about one file as a short sentence starting with the file's name (no folders, no internals)."""
    if isinstance(exc, InputFileError):
        where = exc.path.name + (f", line {exc.line}" if exc.line is not None else "") + (
            f", field '{exc.field}'" if exc.field is not None else "")
        return f"{where}: {exc.problem}" + (f" (expected {exc.expected})" if exc.expected else "")
    return f"{Path(path).name}: {exc}"


def _scan_hint(exc: InputFileError, parameter: str, choice: str) -> str:
    """Where a wrong or missing scan choice is set, for the reader's message about it."""
    if exc.field not in ("scan", "spectrum", "pattern"):
        return ""
    return (f" [a file of {parameter}; choose with the parameter {choice}: an index for every file, "
            f'or {{"{exc.path.name}": index}} for this one]')


def quantify(path: str, time_min: float, phases: tuple[str, ...], *, li2s_start_nm: float, caglioti_uvw,
             wavelength_angstrom: float, parameter: str = "pattern file", scan: int | None = None) -> XRDSample:
    """Read, fit and gate one pattern; a file that cannot be read or fitted becomes a reported failure.

    ``scan``: the scan to read from a file that holds several (:func:`lpsrepro.io.xrd.read_xrd_pattern`).
    """
    try:
        pattern = read_xrd_pattern(checks.existing_file(parameter, path), wavelength_angstrom=wavelength_angstrom,
                                   scan=scan)
        start = {**START_SIZES_NM, "Li2S": li2s_start_nm}
        fit = ax.fit_pattern(pattern, list(phases), caglioti_uvw=caglioti_uvw, initial_sizes_nm=start,
                             wavelength_angstrom=wavelength_angstrom)
    except (InputFileError, ParameterError) as exc:   # one bad file must not stop the others
        hint = _scan_hint(exc, parameter, "xrd_scan") if isinstance(exc, InputFileError) else ""
        return XRDSample(str(path), float(time_min), None, None, None, in_words(exc, path) + hint)
    return XRDSample(str(path), float(time_min), pattern, fit, ax.pattern_gate(fit))


def observed(sample: XRDSample, phase: str, what: str) -> Number:
    """1 when ``phase`` is above its Currie detection limit in the sample, 0 when not; gated."""
    if sample.fit is None or phase not in sample.fit.phases:
        return Number(float("nan"), "dimensionless", failed_quality=sample.problem or f"{phase} was not fitted")
    p = sample.fit.phases[phase]
    note = (f"{phase} {100 * p.weight_fraction:.2f} wt% vs its Currie detection limit "
            f"{100 * p.detection_limit:.2f} wt% in the {what} pattern")
    return Number(float(p.observed), "dimensionless", note=note, failed_quality=sample.problem,
                  quality=tuple(sample.gate.quality().items()))


def pooled_band(fits: list[ram.RamanFit], name: str) -> tuple[float, float, int]:
    """Inverse-variance mean centre (1/cm), its standard error and the number of spectra where the band is present."""
    vals = [(f.bands[name].center_per_cm, f.bands[name].center_std_per_cm) for f in fits
            if f.bands[name].present and np.isfinite(f.bands[name].center_std_per_cm)
            and f.bands[name].center_std_per_cm > 0]
    if not vals:
        return float("nan"), float("nan"), 0
    c, s = np.array(vals).T
    w = 1.0 / s**2
    return float(np.sum(w * c) / np.sum(w)), float(1.0 / np.sqrt(np.sum(w))), len(vals)


@dataclass(frozen=True)
class RamanSample:
    """One spectrum with its band fit, or the reason it has none."""

    file: str
    time_min: float
    spectrum: xr.DataArray | None
    fit: ram.RamanFit | None
    error: str = ""


def fit_spectrum(path: str, time_min: float, bands: dict, fwhm_per_cm: float,
                 parameter: str = "spectrum file", spectrum: int | None = None) -> RamanSample:
    """Read and fit one Raman spectrum; a file that cannot be read or fitted becomes a reported failure.

    ``spectrum``: the spectrum to read from a map, line scan or table
    (:func:`lpsrepro.io.raman.read_raman_spectrum`).
    """
    try:
        data = read_raman_spectrum(checks.existing_file(parameter, path), spectrum=spectrum)
        fit = ram.fit_bands(data, bands, instrument_fwhm_per_cm=fwhm_per_cm)
    except (InputFileError, ParameterError) as exc:
        hint = _scan_hint(exc, parameter, "raman_spectrum") if isinstance(exc, InputFileError) else ""
        return RamanSample(str(path), float(time_min), None, None, in_words(exc, path) + hint)
    return RamanSample(str(path), float(time_min), data, fit)


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class NanoLi2S:
    """Fig. S1: the nano-Li2S pattern, its gate, its reflections and the size they give."""

    sample: XRDSample
    lines: tuple[ax.LineWidth, ...]
    column_nm: float
    column_std_nm: float
    diameter_nm: float
    diameter_std_nm: float
    problem: str                       # "" when the size may be used
    raman_nano: RamanSample
    raman_commercial: RamanSample


@dataclass(frozen=True)
class Kinetics:
    """Conversions of the conventional series, the mechanisms fitted to them, and the completion time."""

    times_min: tuple[float, ...]
    conversions: tuple[kin.Conversion, ...]
    check_conversions: tuple[kin.Conversion, ...]      # from Li4P2S6, an independent estimate
    dual_times_min: tuple[float, ...]
    dual_conversions: tuple[kin.Conversion, ...]
    fits: tuple[kin.MechanismFit, ...]
    ranking: dict                                      # mechanism → (ΔAICc, Akaike weight)
    best: str
    completion_min: float
    completion_std_min: float
    size_range_min: tuple[float, float]                # best mechanism, commercial size at its ledger range
    mechanism_times_min: dict                          # mechanism → completion time (min), ledger size
    dual_model_conversion: float                       # best mechanism at the first dual time
    problem: str = ""
    curves: dict = field(default_factory=dict)         # route → (times_min, conversion), best mechanism

    def measured(self) -> dict:
        """route → (times, conversions, standard errors) of the gated patterns, for the conversion panel."""
        return {"conventional": (self.times_min, [c.value for c in self.conversions], [c.std for c in self.conversions]),
                "dual": (self.dual_times_min, [c.value for c in self.dual_conversions],
                         [c.std for c in self.dual_conversions])}


@dataclass(frozen=True)
class Result:
    """Everything §3.1's panels draw and its notebook records."""

    params: Params
    nano: NanoLi2S
    dual: tuple[XRDSample, ...]
    conventional: tuple[XRDSample, ...]
    s6: XRDSample
    s8: XRDSample
    kinetics: Kinetics
    dual_raman: tuple[RamanSample, ...]
    conventional_raman: tuple[RamanSample, ...]
    pooled: dict = field(default_factory=dict)          # band → (centre, std, n spectra)

    # ..................................................................... what failed, in words
    def problems(self) -> list[str]:
        """Every sample or step that failed, with the file and the reason, in the order of the notebook."""
        out = [s.problem for s in (self.nano.sample, *self.dual, *self.conventional, self.s6, self.s8) if s.problem]
        if self.nano.problem and self.nano.problem not in out:
            out.append(self.nano.problem)
        out += [r.error for r in (self.nano.raman_nano, self.nano.raman_commercial, *self.dual_raman,
                                  *self.conventional_raman) if r.error]
        if self.kinetics.problem:
            out.append(self.kinetics.problem)
        return out

    # ..................................................................... numbers
    def numbers(self) -> dict[str, Number]:
        """Every number §3.1 records: {claim id: Number}."""
        out: dict[str, Number] = {}
        first_dual, last_conv = self.dual[0], self.conventional[-1]
        dual_what = f"{format_duration(60 * first_dual.time_min)} dual-route"
        conv_what = f"{format_duration(60 * last_conv.time_min)} conventional"
        out["li2s_observed_dual_50min"] = observed(first_dual, "Li2S", dual_what)
        out["li2s_observed_conventional_72h"] = observed(last_conv, "Li2S", conv_what)
        if "Li4P2S6" in self.params.phases:
            out["li4p2s6_observed_dual"] = observed(first_dual, "Li4P2S6", dual_what)
            out["li4p2s6_observed_conventional"] = observed(last_conv, "Li4P2S6", conv_what)
        out["li2s_observed_nanoLi2S_P2S5_65min"] = observed(self.s6, "Li2S", "Fig. S6")
        n = self.nano
        out["li2s_nano_size_from_xrd"] = Number(
            n.diameter_nm, "nm", n.diameter_std_nm if np.isfinite(n.diameter_std_nm) else None,
            note=f"mean sphere diameter from the Scherrer column length of {sum(l.found for l in n.lines)} Li2S "
                 f"reflections, relative spread {self.params.nano_li2s_relative_sd:.2f}",
            failed_quality=n.problem, quality=tuple(n.sample.gate.quality().items()) if n.sample.gate else ())
        k = self.kinetics
        lo, hi = k.size_range_min
        others = ", ".join(f"{m} {format_number(t, trim=True)} min"
                           for m, t in k.mechanism_times_min.items() if m != k.best)
        note = (f"time to {100 * self.params.target_conversion:.0f} % conversion of the measured nano-Li2S, "
                f"{k.best} mechanism (preferred by AICc) fitted to the conventional series; "
                f"{format_number(lo, trim=True)}–{format_number(hi, trim=True)} min over the ledger range of the "
                f"commercial Li2S size; other mechanisms: {others}")
        quality = (("size_range_low_min", float(format_number(lo, trim=True))),
                   ("size_range_high_min", float(format_number(hi, trim=True))),
                   *((f"delta_aicc_{m}", round(d, 1)) for m, (d, _) in k.ranking.items()))
        out["dual_route_completion_time"] = Number(k.completion_min, "min", k.completion_std_min, note=note,
                                                   failed_quality=k.problem or self.nano.problem,
                                                   quality=quality if k.ranking else ())
        out.update(self._raman_numbers())
        return out

    def _raman_numbers(self) -> dict[str, Number]:
        out = {}
        first = self.dual_raman[0]
        if first.fit is None:
            out["raman_ps4_band"] = Number(float("nan"), "1/cm", failed_quality=first.error)
        else:
            b = first.fit.bands["PS4"]
            out["raman_ps4_band"] = Number(
                b.center_per_cm, "1/cm", b.center_std_per_cm,
                note=f"Voigt band fit, {format_duration(60 * first.time_min)} dual-route spectrum",
                failed_quality="" if b.present else
                f"{Path(first.file).name}: no PS4 band near 420 1/cm above the noise (area "
                f"{b.area / b.area_std if b.area_std > 0 else 0:.1f} standard errors)")
        for claim_id, name in (("raman_p2s6_band", "P2S6"), ("raman_310_band", "b310"), ("raman_460_480_band", "b470")):
            c, s, n = self.pooled[name]
            out[claim_id] = (Number(c, "1/cm", s, note=f"inverse-variance mean of Voigt band fits over {n} "
                                    "conventional spectra") if n else
                             Number(float("nan"), "1/cm", failed_quality=f"the {name} band is present in none of the "
                                    "conventional spectra"))
        return out

    # ..................................................................... what the panels draw
    def xrd_stack(self, which: str) -> dict:
        """Keyword arguments of :func:`lpsrepro.plots.reaction_kinetics.fig_xrd_stack` for a panel.

        ``which``: ``"dual"`` (Fig. 2a), ``"conventional"`` (Fig. 2c), ``"dual vs conventional"``
        (Fig. 1g: first dual, last conventional), ``"S2b"`` (last dual), ``"S6"``, ``"S8"``. Samples
        that could not be read are left out (they are listed by :meth:`problems`).
        """
        labelled = {"dual": [(format_duration(60 * s.time_min), s) for s in self.dual],
                    "conventional": [(format_duration(60 * s.time_min), s) for s in self.conventional],
                    "dual vs conventional": [(f"dual, {format_duration(60 * self.dual[0].time_min)}", self.dual[0]),
                                             (f"conventional, {format_duration(60 * self.conventional[-1].time_min)}",
                                              self.conventional[-1])],
                    "S2b": [(f"dual, {format_duration(60 * self.dual[-1].time_min)}, 250 °C", self.dual[-1])],
                    "S6": [("nano-Li$_2$S + P$_2$S$_5$, 65 min", self.s6)],
                    "S8": [("Li-naphthalene nano-Li$_2$S", self.s8)]}[which]
        kept = [(label, s) for label, s in labelled if s.pattern is not None]
        return {"patterns": [(label, s.pattern) for label, s in kept], "fits": [s.fit for _, s in kept],
                "gates": [s.gate for _, s in kept], "reference": self.reference_lines()}

    def reference_lines(self) -> dict:
        """Computed reference lines of the fitted phases: name → (2θ in degrees, relative intensity, label)."""
        out = {}
        for name in self.params.phases:
            st = xrd.sticks(name, self.params.wavelength_angstrom)
            out[name] = (np.asarray(st.two_theta_deg), np.asarray(st.intensity) / float(np.max(st.intensity)),
                         xrd.phase_label(name))
        return out

    def s1_panel(self) -> dict:
        """Keyword arguments of :func:`lpsrepro.plots.reaction_kinetics.fig_s1_nano_li2s`."""
        n = self.nano
        two_theta, intensity, _ = self.reference_lines()["Li2S"]
        return {"pattern": n.sample.pattern, "lines": n.lines, "raman_nano": n.raman_nano.spectrum,
                "raman_bulk": n.raman_commercial.spectrum, "fit_nano": n.raman_nano.fit,
                "fit_bulk": n.raman_commercial.fit, "li2s_lines": (two_theta, intensity), "problem": n.problem}

    def raman_stack(self, which: str) -> dict:
        """Keyword arguments of :func:`lpsrepro.plots.reaction_kinetics.fig_raman_stack` (``"dual"`` or ``"conventional"``)."""
        samples = {"dual": self.dual_raman, "conventional": self.conventional_raman}[which]
        kept = [r for r in samples if r.fit is not None]
        return {"spectra": [(format_duration(60 * r.time_min), r.spectrum) for r in kept], "fits": [r.fit for r in kept]}

    def explore_start(self) -> dict:
        """Starting values of the Explore sliders: measured size and fitted rate, or plain defaults when missing."""
        k = self.kinetics
        best = next((f for f in k.fits if f.mechanism == k.best), None)
        diameter = self.nano.diameter_nm if np.isfinite(self.nano.diameter_nm) else 18.0
        rate = best.rate if best else 24.0
        return {"diameter_nm": round(float(diameter), 1), "rate": rate, "rate_range": (rate / 100, rate * 100),
                "rate_unit": best.rate_unit if best else "nm/min", "mechanism": best.mechanism if best else "reaction",
                "time_min": float(self.params.dual_times_min[0])}

    # ..................................................................... text for the notebook
    def s1_report(self) -> str:
        n = self.nano
        rows = []
        for line in n.lines:
            state = "" if line.found else f"  (not used: {line.reason})"
            rows.append(f"  Li2S ({line.hkl}) at {line.two_theta_deg:6.2f} deg: Lorentzian FWHM "
                        f"{line.lorentz_fwhm_deg:.3f} deg -> <L>v = {line.column_length_nm:.1f} nm{state}")
        if n.problem:
            rows.append(f"no nano-Li2S size: {n.problem}")
        else:
            rows.append(f"<L>v = {format_number(n.column_nm, n.column_std_nm, digits=1)} nm over {sum(l.found for l in n.lines)} "
                        f"lines -> mean sphere diameter {format_number(n.diameter_nm, n.diameter_std_nm, digits=1)} nm "
                        f"(relative spread {self.params.nano_li2s_relative_sd:.2f})")
        for label, r in (("nano", n.raman_nano), ("commercial", n.raman_commercial)):
            if r.fit is None:
                rows.append(f"Raman Li2S band, {label}: {r.error}")
            else:
                b = r.fit.bands["Li2S"]
                rows.append(f"Raman Li2S band, {label:10s}: {b.center_per_cm:.1f} ± {max(b.center_std_per_cm, 0.05):.1f} "
                            f"1/cm, FWHM {b.fwhm_per_cm:.0f} 1/cm")
        return "\n".join(rows)

    def xrd_report(self) -> str:
        rows = []
        for route, samples in (("dual", self.dual), ("conventional", self.conventional)):
            for s in samples:
                rows.append(f"{route}, t = {format_duration(60 * s.time_min)}: " + _sample_text(s))
        return "\n".join(rows)

    def kinetics_report(self) -> str:
        k = self.kinetics
        rows = [f"  conventional {format_duration(60 * t):>10s}: X = {100 * c.value:5.1f} ± {100 * c.std:.1f} % (from Li2S); "
                f"{100 * d.value:5.1f} ± {100 * d.std:.1f} % (from Li4P2S6)"
                for t, c, d in zip(k.times_min, k.conversions, k.check_conversions)]
        for f in k.fits:
            d, w = k.ranking[f.mechanism]
            rows.append(f"  {f.mechanism:22s} k = {f.rate:.3g} {f.rate_unit}, reduced chi2 {f.reduced_chi2:.3g}, "
                        f"dAICc {d:.1f}, Akaike weight {w:.2f}")
        if k.problem:
            rows.append(f"no completion time: {k.problem}")
            return "\n".join(rows)
        lo, hi = k.size_range_min
        rows.append(f"preferred mechanism: {k.best}; time to {100 * self.params.target_conversion:.0f} % conversion "
                    f"of the dual route {format_number(k.completion_min, k.completion_std_min, digits=1)} min "
                    f"({format_number(lo, trim=True)}–{format_number(hi, trim=True)} min for commercial Li2S of "
                    f"{format_number(self.params.commercial_li2s_median_low_nm / 1000, trim=True)}–"
                    f"{format_number(self.params.commercial_li2s_median_high_nm / 1000, trim=True)} um)")
        rows.append("other mechanisms, same data: " + ", ".join(
            f"{m} {format_number(t, trim=True)} min" for m, t in k.mechanism_times_min.items() if m != k.best))
        rows.append(f"model conversion of the dual route at {format_duration(60 * self.dual[0].time_min)}: "
                    f"{100 * k.dual_model_conversion:.2f} %")
        return "\n".join(rows)

    def s6_s8_report(self) -> str:
        return "\n".join(f"{label}: " + _sample_text(s) for label, s in (("Fig. S6", self.s6), ("Fig. S8", self.s8)))

    def raman_report(self) -> str:
        rows = []
        for route, samples in (("dual", self.dual_raman), ("conventional", self.conventional_raman)):
            for r in samples:
                if r.fit is None:
                    rows.append(f"  {route:12s} {format_duration(60 * r.time_min):>10s}: skipped, {r.error}")
                    continue
                found = ", ".join(f"{n} {b.center_per_cm:.0f}" for n, b in r.fit.bands.items() if b.present)
                rows.append(f"  {route:12s} {format_duration(60 * r.time_min):>10s}: present {found}")
        for name, (c, s, n) in self.pooled.items():
            rows.append(f"{name:5s}: {c:.1f} ± {s:.1f} 1/cm from {n} conventional spectra" if n else
                        f"{name:5s}: present in none of the conventional spectra")
        return "\n".join(rows)


def reference_lines_report(p: Params) -> str:
    """The reference phases: molar mass and strongest computed lines (one line per phase)."""
    rows = []
    for name in p.phases:
        st = xrd.sticks(name, p.wavelength_angstrom)
        top = ", ".join(f"{t:.2f} ({h}) {i:.0f}%" for t, h, i in st.strongest(4))
        rows.append(f"{name:12s} M = {xrd.molar_mass_g_per_mol(name):7.2f} g/mol; strongest lines 2theta: {top}")
    return "\n".join(rows)


def _sample_text(s: XRDSample) -> str:
    if s.error:
        return f"skipped, {s.error}"
    text = s.gate.summary() + "\n" + "\n".join(s.fit.summary().splitlines()[1:])
    return text if s.gate.passed else text + "\n  -> not used: the numbers of this pattern are recorded as failed_quality"


# --------------------------------------------------------------------------- the section
def nano_li2s_size(p: Params) -> NanoLi2S:
    """Fig. S1: gate the nano-Li2S pattern with Li2S alone, then the Scherrer size of its found reflections."""
    return nano_li2s_diameter(measure_nano_li2s(p), p.nano_li2s_relative_sd)


def measure_nano_li2s(p: Params) -> NanoLi2S:
    """Fig. S1, the measurement: the gated nano-Li2S pattern, its reflections' column lengths, the Raman bands.

    The diameter is left unset (NaN): it needs the assumed relative spread of the sizes
    (:func:`nano_li2s_diameter`), which is not a property of the files.
    """
    sample = quantify(p.nano_li2s_xrd_file, 0.0, ("Li2S",), li2s_start_nm=p.nano_li2s_start_nm,
                      caglioti_uvw=p.caglioti_uvw, wavelength_angstrom=p.wavelength_angstrom,
                      parameter="nano_li2s_xrd_file", scan=p.scan_for(p.nano_li2s_xrd_file))
    lines: tuple[ax.LineWidth, ...] = ()
    problem = sample.problem
    column = column_std = float("nan")
    if sample.pattern is not None:
        lines = tuple(ax.scherrer_line_sizes(sample.pattern, "Li2S", caglioti_uvw=p.caglioti_uvw))
        found = [l for l in lines if l.found]
        if not problem and len(found) < 2:
            why = "; ".join(l.reason for l in lines if not l.found) or "no Li2S reflection inside the measured range"
            problem = f"{Path(sample.file).name}: fewer than two Li2S reflections found ({why})"
        if found:
            lengths = np.array([l.column_length_nm for l in found])
            column = float(lengths.mean())
            column_std = float(lengths.std(ddof=1) / np.sqrt(lengths.size)) if lengths.size > 1 else float("nan")
    bands = {"Li2S": p.bands()["Li2S"]}
    return NanoLi2S(sample, lines, column, column_std, float("nan"), float("nan"), problem,
                    fit_spectrum(p.nano_li2s_raman_file, 0.0, bands, p.raman_instrument_fwhm_per_cm,
                                 "nano_li2s_raman_file", spectrum=p.scan_for(p.nano_li2s_raman_file, "raman_spectrum")),
                    fit_spectrum(p.commercial_li2s_raman_file, 0.0, bands, p.raman_instrument_fwhm_per_cm,
                                 "commercial_li2s_raman_file",
                                 spectrum=p.scan_for(p.commercial_li2s_raman_file, "raman_spectrum")))


def nano_li2s_diameter(nano: NanoLi2S, relative_sd: float) -> NanoLi2S:
    """The measured column length as a mean sphere diameter, for sizes of relative spread ``relative_sd``.

    :func:`lpsrepro.analysis.xrd.sphere_diameter_from_column_length_nm` (⟨L⟩v = ¾⟨D⁴⟩/⟨D³⟩);
    the diameter's standard error is the column length's, relative.
    """
    if not np.isfinite(nano.column_nm):
        return nano
    diameter = ax.sphere_diameter_from_column_length_nm(nano.column_nm, relative_sd)
    return dataclasses.replace(nano, diameter_nm=diameter, diameter_std_nm=diameter * nano.column_std_nm / nano.column_nm)


def _conversion(sample: XRDSample, minor: str, route: str = "solution") -> kin.Conversion:
    return kin.conversion_from_fit(sample.fit, minor=minor, route=route)


def reaction_kinetics(p: Params, nano: NanoLi2S, dual: tuple[XRDSample, ...],
                      conventional: tuple[XRDSample, ...]) -> Kinetics:
    """Conversion series, mechanism fits and comparison, completion time with its spreads."""
    used = [s for s in conventional if s.usable]
    conv = [_conversion(s, "Li2S") for s in used]
    check = [_conversion(s, "Li4P2S6") if "Li4P2S6" in p.phases else c for s, c in zip(used, conv)]
    keep = [i for i, c in enumerate(conv) if np.isfinite(c.value) and c.std > 0]
    times = tuple(used[i].time_min for i in keep)
    conv, check = tuple(conv[i] for i in keep), tuple(check[i] for i in keep)
    dual_used = [s for s in dual if s.usable]
    dual_x = tuple(_conversion(s, "Li2S") for s in dual_used)
    empty = Kinetics(times, conv, check, tuple(s.time_min for s in dual_used), dual_x, (), {}, "",
                     float("nan"), float("nan"), (float("nan"), float("nan")), {}, float("nan"))
    if len(conv) < 2:
        return dataclasses.replace(empty, problem=f"only {len(conv)} conventional pattern(s) passed the quality gate "
                                   "with a measurable conversion; the kinetic fit needs at least two")
    x, s = [c.value for c in conv], [c.std for c in conv]

    def fits_for(median_nm, mechanisms=kinetics.MECHANISMS):
        sizes = kinetics.lognormal_sizes(median_nm, p.commercial_li2s_gsd)
        return [kin.fit_mechanism(times, x, s, sizes, m) for m in mechanisms]

    fits = fits_for(p.commercial_li2s_median_nm)
    ranking = kin.compare_mechanisms(fits)
    best = min(fits, key=lambda f: f.aicc)
    grid = np.logspace(0, np.log10(5000.0), 200)
    commercial = kinetics.lognormal_sizes(p.commercial_li2s_median_nm, p.commercial_li2s_gsd)
    result = dataclasses.replace(empty, fits=tuple(fits), ranking=ranking, best=best.mechanism,
                                 curves={"conventional": (grid, best.predict(grid, commercial))})
    if nano.problem:
        return dataclasses.replace(result, problem=f"no nano-Li2S size ({nano.problem})")
    nano_sizes = kinetics.normal_sizes(nano.diameter_nm, p.nano_li2s_relative_sd * nano.diameter_nm)
    rel = nano.diameter_std_nm / nano.diameter_nm if np.isfinite(nano.diameter_std_nm) else 0.0
    t, t_std = kin.completion_time_mechanism_min(nano_sizes, best, size_relative_std=rel, target=p.target_conversion)
    per_mech = {f.mechanism: kin.completion_time_mechanism_min(nano_sizes, f, target=p.target_conversion)[0]
                for f in fits}
    ends = []
    for median in (p.commercial_li2s_median_low_nm, p.commercial_li2s_median_high_nm):
        refit, = fits_for(median, (best.mechanism,))     # only the preferred mechanism is refitted
        ends.append(kin.completion_time_mechanism_min(nano_sizes, refit, target=p.target_conversion)[0])
    x_dual = float(best.predict(dual[0].time_min, nano_sizes))
    curves = {"dual": (grid, best.predict(grid, nano_sizes)), **result.curves}
    return dataclasses.replace(result, completion_min=t, completion_std_min=t_std,
                               size_range_min=(min(ends), max(ends)), mechanism_times_min=per_mech,
                               dual_model_conversion=x_dual, curves=curves)


@dataclass(frozen=True)
class Prepared:
    """What :func:`prepare` measured from the files: everything of a :class:`Result` but the kinetics.

    ``key`` holds the values of ``Params.PREPARED_FROM`` it was made with; :func:`run` refuses a
    ``Prepared`` made from other files or settings rather than give numbers of the wrong data.
    """

    key: tuple
    nano: NanoLi2S                       # diameter unset: it needs the assumed relative spread
    dual: tuple[XRDSample, ...]
    conventional: tuple[XRDSample, ...]
    s6: XRDSample
    s8: XRDSample
    dual_raman: tuple[RamanSample, ...]
    conventional_raman: tuple[RamanSample, ...]
    pooled: dict


def prepared_key(p: Params) -> tuple:
    """The values of ``p``'s ``PREPARED_FROM`` fields, in a fixed order (what a :class:`Prepared` depends on)."""
    return tuple((name, getattr(p, name)) for name in sorted(Params.PREPARED_FROM))


def prepare(p: Params) -> Prepared:
    """Read, fit and gate every pattern and spectrum named in ``p`` (the slow part of :func:`run`, seconds).

    Depends only on ``Params.PREPARED_FROM``; pure (reads files, writes nothing) and picklable.
    """
    common = dict(caglioti_uvw=p.caglioti_uvw, wavelength_angstrom=p.wavelength_angstrom)
    nano = measure_nano_li2s(p)
    dual = tuple(quantify(f, t, p.phases, li2s_start_nm=p.nano_li2s_start_nm, parameter="dual_xrd_files",
                          scan=p.scan_for(f), **common)
                 for f, t in zip(p.dual_xrd_files, p.dual_times_min))
    conv = tuple(quantify(f, t, p.phases, li2s_start_nm=p.commercial_li2s_start_nm,
                          parameter="conventional_xrd_files", scan=p.scan_for(f), **common)
                 for f, t in zip(p.conventional_xrd_files, p.conventional_times_min))
    s6 = quantify(p.nano_p2s5_xrd_file, 65.0, p.phases, li2s_start_nm=p.nano_li2s_start_nm,
                  parameter="nano_p2s5_xrd_file", scan=p.scan_for(p.nano_p2s5_xrd_file), **common)
    s8 = quantify(p.naph_xrd_file, 50.0, p.phases, li2s_start_nm=p.nano_li2s_start_nm, parameter="naph_xrd_file",
                  scan=p.scan_for(p.naph_xrd_file), **common)
    bands = p.bands()
    dual_raman = tuple(fit_spectrum(f, t, bands, p.raman_instrument_fwhm_per_cm, "dual_raman_files",
                                    spectrum=p.scan_for(f, "raman_spectrum"))
                       for f, t in zip(p.dual_raman_files, p.dual_times_min))
    conv_raman = tuple(fit_spectrum(f, t, bands, p.raman_instrument_fwhm_per_cm, "conventional_raman_files",
                                    spectrum=p.scan_for(f, "raman_spectrum"))
                       for f, t in zip(p.conventional_raman_files, p.conventional_times_min))
    conv_fits = [r.fit for r in conv_raman if r.fit is not None]
    pooled = {name: pooled_band(conv_fits, name) for name in ("P2S6", "b310", "b470")}
    return Prepared(prepared_key(p), nano, dual, conv, s6, s8, dual_raman, conv_raman, pooled)


def run(p: Params, prepared: Prepared | None = None) -> Result:
    """All of §3.1's measurements from the files named in ``p`` (pure: reads files, writes nothing).

    ``prepared``: the result of :func:`prepare` for parameters that agree with ``p`` on every field of
    ``Params.PREPARED_FROM`` (then no file is read and only the kinetics are computed); ``None`` does
    it all. A ``Prepared`` of other files or settings is refused (:class:`~lpsrepro.errors.ParameterError`).
    """
    if prepared is None:
        prepared = prepare(p)
    elif not isinstance(prepared, Prepared) or prepared.key != prepared_key(p):
        theirs = dict(prepared.key) if isinstance(prepared, Prepared) else {}
        differ = sorted(name for name, value in prepared_key(p) if theirs.get(name, object()) != value)
        raise ParameterError("prepared", type(prepared).__name__,
                             "the result of prepare() for the same files and analysis settings "
                             f"(these differ: {', '.join(differ) or 'not a Prepared'})")
    nano = nano_li2s_diameter(prepared.nano, p.nano_li2s_relative_sd)
    return Result(p, nano, prepared.dual, prepared.conventional, prepared.s6, prepared.s8,
                  reaction_kinetics(p, nano, prepared.dual, prepared.conventional), prepared.dual_raman,
                  prepared.conventional_raman, prepared.pooled)


# --------------------------------------------------------------------------- Explore (fast path)
@dataclass(frozen=True)
class ExploreBasis:
    """Pieces of the Explore forward model that do not depend on the sliders (precomputed once)."""

    two_theta_deg: np.ndarray
    fixed_profiles: dict            # phase → per-mass profile at its fitted size
    caglioti_uvw: tuple
    molar_masses: dict
    shift_per_cm: np.ndarray
    unit_spectra: dict              # structural unit → spectrum per mole
    mechanism: str
    relative_sd: float
    li2s_sticks: xrd.Sticks | None = None   # computed once (pymatgen); None: computed on first use


def explore_basis(result: Result) -> ExploreBasis:
    """The Explore model's fixed parts, from a section result (band positions and widths as fitted)."""
    p = result.params
    x = np.arange(10.0, 60.0001, 0.02)
    fixed = {name: xrd.phase_profile(x, xrd.sticks(name, p.wavelength_angstrom), column_length_nm=size,
                                     caglioti_uvw=p.caglioti_uvw)
             for name, size in (("beta-Li3PS4", START_SIZES_NM["beta-Li3PS4"]),
                                ("Li4P2S6", START_SIZES_NM["Li4P2S6"]))}
    mm = {name: xrd.molar_mass_g_per_mol(name) for name in ("beta-Li3PS4", "Li2S", "Li4P2S6")}
    shift = np.arange(250.0, 550.0, 1.0)
    ref = next((r.fit for r in (*result.conventional_raman, *result.dual_raman) if r.fit is not None), None)

    def band(name, default_centre, default_fwhm):
        b = ref.bands.get(name) if ref is not None else None
        ok = b is not None and b.present
        return raman_model.Band(name, b.center_per_cm if ok else default_centre,
                                b.fwhm_per_cm if ok else default_fwhm, 1.0)

    units = {"PS4": band("PS4", 420.0, 9.0), "P2S6": band("P2S6", 389.0, 10.0), "Li2S": band("Li2S", 375.0, 6.0)}
    spectra = {u: raman_model.band_profile(shift, b, moles=1.0, instrument_fwhm_per_cm=p.raman_instrument_fwhm_per_cm)
               for u, b in units.items()}
    return ExploreBasis(x, fixed, p.caglioti_uvw, mm, shift, spectra, result.kinetics.best or "reaction",
                        p.nano_li2s_relative_sd, xrd.sticks("Li2S", p.wavelength_angstrom))


@dataclass(frozen=True)
class ExploreState:
    """What the Explore panel draws for one setting of the sliders."""

    times_min: np.ndarray
    conversion_curve: np.ndarray
    time_min: float
    conversion: float
    weight_fractions: dict
    two_theta_deg: np.ndarray
    pattern: np.ndarray
    shift_per_cm: np.ndarray
    spectrum: np.ndarray
    mechanism: str

    def status(self) -> str:
        wf = self.weight_fractions
        return (f"{self.mechanism}: X = {100 * self.conversion:.2f} % at {self.time_min:.3g} min; after 250 °C "
                f"Li2S {100 * wf['Li2S']:.2f} wt%, Li4P2S6 {100 * wf['Li4P2S6']:.2f} wt%")


def explore(basis: ExploreBasis, *, diameter_nm: float, rate: float, time_min: float) -> ExploreState:
    """Conversion curve, heat-treated XRD pattern and Raman spectrum for one slider setting.

    ``rate`` is the mechanism's k (nm/min or nm²/min, see :mod:`lpsrepro.models.kinetics`).
    """
    sizes = kinetics.normal_sizes(diameter_nm, basis.relative_sd * diameter_nm, n=24)
    t = np.logspace(-2, 4, 160)
    curve = kinetics.conversion_mechanism(t, sizes, rate, basis.mechanism)
    x_now = float(kinetics.conversion_mechanism(time_min, sizes, rate, basis.mechanism))
    moles = kinetics.heat_treated_moles(x_now)
    wf = kinetics.weight_fractions(moles, basis.molar_masses)
    li2s = xrd.phase_profile(basis.two_theta_deg, basis.li2s_sticks or xrd.sticks("Li2S"), caglioti_uvw=basis.caglioti_uvw,
                             column_length_nm=xrd.sphere_volume_weighted_size_nm(sizes.diameters_nm, sizes.weights))
    pattern = (wf["beta-Li3PS4"] * basis.fixed_profiles["beta-Li3PS4"]
               + wf["Li4P2S6"] * basis.fixed_profiles["Li4P2S6"] + wf["Li2S"] * li2s)
    total = sum(moles.values())
    spectrum = (moles["beta-Li3PS4"] * basis.unit_spectra["PS4"] + moles["Li4P2S6"] * basis.unit_spectra["P2S6"]
                + moles["Li2S"] * basis.unit_spectra["Li2S"]) / total
    return ExploreState(t, curve, float(time_min), x_now, wf, basis.two_theta_deg, pattern, basis.shift_per_cm,
                        spectrum, basis.mechanism)
