"""One shared pint unit registry, and conversions that fail with clear messages.

Every unit string in the compendium (claims registry, assumptions ledger,
xarray ``units`` attributes) is parsed by this registry.
"""

from __future__ import annotations

import functools
import math
import threading
from typing import TYPE_CHECKING

from lpsrepro.errors import ParameterError

if TYPE_CHECKING:
    import pint


def registry() -> "pint.UnitRegistry":
    """The compendium's one pint ``UnitRegistry``, built on first use.

    Importing pint and building its registry take 0.2–0.3 s, which the Explore dashboard's first
    view (stored images and the units written in field names) does not need; every conversion calls
    this function, so the registry is built once, when the first unit is parsed. ``ureg`` and ``Q_``
    remain importable from this module (as this registry and its ``Quantity``).
    """
    with _REGISTRY_LOCK:            # one registry even when two threads convert first at once
        return _build_registry()


_REGISTRY_LOCK = threading.Lock()


@functools.cache
def _build_registry() -> "pint.UnitRegistry":
    import pint

    return pint.UnitRegistry()


def __getattr__(name: str):
    """``lpsrepro.units.ureg`` and ``Q_``: the registry of :func:`registry` and its ``Quantity`` (built on use)."""
    if name == "ureg":
        return registry()
    if name == "Q_":
        return registry().Quantity
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def parse_unit(unit: str, *, what: str = "unit") -> "pint.Unit":
    """Parse a unit string such as ``"S/cm"`` or ``"ohm*cm**2"``.

    Raises
    ------
    ParameterError
        If pint does not know the unit.
    """
    import pint

    try:
        return registry().Unit(unit)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError,
            AttributeError, TypeError, ValueError) as exc:
        raise ParameterError(what, unit, "a unit that pint can parse, such as 'nm', 'S/cm' "
                             f"or 'ohm*cm**2' ({exc})") from None


def convert(value: float, from_unit: str, to_unit: str, *, what: str = "value") -> float:
    """Convert a number between units, refusing incompatible dimensions.

    Parameters
    ----------
    value : float
        The magnitude in ``from_unit``.
    from_unit, to_unit : str
        pint-parsable unit strings.
    what : str
        Name of the quantity, used in the error message.

    Raises
    ------
    ParameterError
        If the units have different dimensions (a unit slip such as giving a
        conductivity in ohm*cm**2).
    """
    src, dst = parse_unit(from_unit, what=f"{what} unit"), parse_unit(to_unit, what=f"{what} unit")
    if src.dimensionality != dst.dimensionality:
        raise ParameterError(f"{what} unit", from_unit,
                             f"a unit convertible to {to_unit} ({dst.dimensionality}), "
                             f"not one of dimension {src.dimensionality}")
    return float(registry().Quantity(value, src).to(dst).magnitude)


# --------------------------------------------------------------------------- units named by field names
#: The words a field name's suffix is made of, each with its pint spelling. A name states its unit in
#: its last words (``thickness_nm``, ``rate_nm_per_min``, ``asr_ohm_cm2``): :func:`field_unit` reads them.
UNIT_WORDS = {
    "angstrom": "angstrom", "nm": "nm", "um": "um", "mm": "mm", "cm": "cm", "m": "m",
    "cm2": "cm**2", "m2": "m**2", "cm3": "cm**3", "m3": "m**3",
    "ms": "ms", "s": "s", "min": "min", "h": "h", "hz": "Hz", "k": "K", "degc": "degC", "deg": "degree",
    "deg2": "degree**2", "v": "V", "mv": "mV", "a": "A", "ma": "mA", "ua": "uA", "uah": "uA*h",
    "mah": "mA*h", "wh": "W*h", "j": "J", "ohm": "ohm", "g": "g", "mg": "mg", "kg": "kg", "mol": "mol",
    "percent": "percent", "pct": "percent",
}
#: Last words that make a field a pure number (its unit is "", dimensionless): fractions, ratios,
#: exponents, relative uncertainties, counts and indices. A count may also be named ``cycles_…`` or ``n_…``.
PURE_NUMBER_WORDS = frozenset({
    "fraction", "ratio", "porosity", "coverage", "exponent", "factor", "scale", "squares", "gsd", "sd",
    "accuracy", "uncertainty", "conversion", "utilisation", "excess", "sign", "count", "alpha", "rows",
    "spectrum", "index",
})
_COUNT_PREFIXES = ("cycles_", "n_")
#: Words that, following another unit, divide by it rather than multiply: masses, areas, volumes
#: (``wh_kg`` → W*h/kg, ``ua_cm2`` → uA/cm**2, ``g_cm3`` → g/cm**3) — except after ``ohm``, whose
#: products are the project's (``ohm_cm2`` → ohm*cm**2, an area-specific resistance; ``ohm_m``).
_DIVIDING_WORDS = frozenset({"g", "mg", "kg", "cm2", "m2", "cm3", "m3"})


def _suffix_unit(words: list[str]) -> str | None:
    """The unit that the words ``words`` (all of a name's tail) spell, or None when they spell none."""
    if not words or any(w != "per" and w not in UNIT_WORDS for w in words):
        return None
    if "per" in words:
        i = words.index("per")
        num, den = words[:i], words[i + 1:]
        if len(den) != 1 or len(num) > 1 or "per" in den:
            return None
        return f"{UNIT_WORDS[num[0]] if num else '1'}/{UNIT_WORDS[den[0]]}"
    if len(words) == 1:
        return UNIT_WORDS[words[0]]
    if len(words) == 2 and words[0] == "ohm":
        return f"ohm*{UNIT_WORDS[words[1]]}"
    if len(words) == 2 and words[1] in _DIVIDING_WORDS:
        return f"{UNIT_WORDS[words[0]]}/{UNIT_WORDS[words[1]]}"
    return None


def field_unit(name: str) -> str:
    """The unit a field's name states in its suffix, as a pint string; ``""`` for a pure number.

    The project names every numeric quantity with its unit (``thickness_nm``, ``electrode_diameter_mm``,
    ``rate_nm_per_min``, ``diffusion_m2_per_s``, ``asr_ohm_cm2``, ``loading_mg_cm2``, ``target_wh_kg``):
    this one function reads that convention, for the sections' ``from_ledger`` conversions, their
    checks and the parameter sweep. The longest tail of the name (up to four words) that spells a unit
    wins: a ``per`` divides (``nm_per_min`` → ``nm/min``, ``fwhm_per_cm`` → ``1/cm``), a mass, area or
    volume after another unit divides (``uah_cm2`` → ``uA*h/cm**2``), after ``ohm`` it multiplies
    (``ohm_cm2`` → ``ohm*cm**2``); otherwise two units side by side are not read as one (``min_hz`` is
    "minimum, Hz" → ``Hz``). A name whose last word is in :data:`PURE_NUMBER_WORDS`, or that starts with
    ``cycles_`` or ``n_``, is a pure number (``""``).

    Parameters
    ----------
    name : str
        A field name, e.g. ``"li2s_recession_rate_nm_per_min"``.

    Returns
    -------
    str
        A pint-parsable unit (``"nm/min"``), or ``""`` for a pure number.

    Raises
    ------
    ParameterError
        When the name states no unit that these rules read: a new field must be named with its unit
        (or as a pure number), never silently taken as dimensionless.

    Examples
    --------
    >>> field_unit("solubility_mol_per_m3"), field_unit("lfp_first_resistance_ohm_cm2")
    ('mol/m**3', 'ohm*cm**2')
    >>> field_unit("line_fit_min_hz"), field_unit("sem_scale_uncertainty")
    ('Hz', '')
    """
    words = name.lower().split("_")
    for count in (4, 3, 2, 1):
        if len(words) > count:   # the unit follows a quantity's name: "nm" alone names nothing
            unit = _suffix_unit(words[-count:])
            if unit is not None:
                return unit
    if words[-1] in PURE_NUMBER_WORDS or name.startswith(_COUNT_PREFIXES):
        return ""
    raise ParameterError(name, "(field name)", "a name ending in its unit (e.g. thickness_nm, rate_nm_per_min, "
                         "asr_ohm_cm2) or in a word of a pure number (" + ", ".join(sorted(PURE_NUMBER_WORDS)) + ")")


#: How messages write a pure number's unit, by the last word of its name; other pure numbers are "(fraction)".
_PURE_NUMBER_WRITTEN = {"squares": "squares", "ratio": "(ratio)", "gsd": "(ratio)", "factor": "(ratio)",
                        "scale": "(ratio)", "exponent": "(dimensionless)", "count": "(dimensionless)",
                        "index": "(dimensionless)", "rows": "(dimensionless)", "sign": "(dimensionless)",
                        "alpha": "(dimensionless)", "spectrum": "(dimensionless)"}


#: Units that messages write as one symbol rather than as pint's product (``W*h`` → ``Wh``).
_WRITTEN_PRODUCTS = {"degree**2": "deg2", "uA*h": "uAh", "mA*h": "mAh", "W*h": "Wh"}


def written_unit(name: str) -> str:
    """The unit of field ``name`` as a message to the user writes it (``"ohm cm2"``, ``"mol/m3"``, ``"(fraction)"``).

    The unit is :func:`field_unit`'s, written without pint's operators (``**`` dropped, ``*`` a space,
    ``W*h`` as ``Wh``); a pure number is written by what it is: ``"(fraction)"``, ``"(ratio)"``, ``"squares"`` or
    ``"(dimensionless)"``.

    Raises
    ------
    ParameterError
        When the name states no unit (as :func:`field_unit`).

    Examples
    --------
    >>> written_unit("nyquist_window_ohm_cm2"), written_unit("ripening_solubility_mol_per_m3")
    ('ohm cm2', 'mol/m3')
    >>> written_unit("target_wh_kg"), written_unit("caglioti_w_deg2")
    ('Wh/kg', 'deg2')
    >>> written_unit("sem_scale_uncertainty"), written_unit("commercial_li2s_gsd")
    ('(fraction)', '(ratio)')
    """
    unit = field_unit(name)
    if unit:
        for product, symbol in _WRITTEN_PRODUCTS.items():
            unit = unit.replace(product, symbol)
        return unit.replace("**", "").replace("*", " ")
    return "(dimensionless)" if name.startswith(_COUNT_PREFIXES) else _PURE_NUMBER_WRITTEN.get(
        name.lower().rsplit("_", 1)[-1], "(fraction)")


def field_units(names) -> dict[str, str]:
    """:func:`field_unit` of each name: ``{name: unit}`` (for a section's ledger-fed fields)."""
    return {name: field_unit(name) for name in names}


# --------------------------------------------------------------------------- printed numbers
def format_number(value: float | None, uncertainty: float | None = None, *, digits: int = 2,
                  notation: str = "auto", trim: bool = False, missing: str = "nan",
                  infinite: str | None = None) -> str:
    """A number as printed text, to the digits that it (or its uncertainty) supports.

    Rounding rules:

    * **With an uncertainty** (finite and > 0): the uncertainty to ``digits`` significant digits and the
      value to the same decimal place, ``"553 ± 11"``, ``"10.3 ± 0.3"`` (``digits=1``). This is the
      usual rule of metrology (GUM, JCGM 100:2008, §7.2.6: no more digits than the uncertainty supports).
    * **With an unknown uncertainty** (given but NaN or 0): the value alone, to ``digits + 2``
      significant digits, trailing zeros dropped (it is not known how many are meaningful).
    * **Without an uncertainty**: the value to ``digits`` significant digits, trailing zeros kept
      (``"2.0"`` has two) unless ``trim`` (``"2"``).

    Notation: ``"auto"`` writes 1e-2 ≤ |value| < 1e4 (and 0) in plain decimals and other values in
    scientific notation (``"6.74e-05 ± 4.3e-06"``, mantissa and uncertainty sharing the decimal place);
    ``"plain"`` always writes plain decimals (``"12000"``); ``"compact"`` (tables) writes plain decimals
    for 1e-2 ≤ |value| < 1e5 and a short exponent otherwise (``"6.741e-5"``).

    Parameters
    ----------
    value : float or None
        The number, in the unit the caller prints after it.
    uncertainty : float or None
        Its standard uncertainty in the same unit; None: no uncertainty is printed.
    digits : int
        Significant digits of the uncertainty (or of the value without one).
    notation : {"auto", "plain", "compact"}
        See above.
    trim : bool
        Drop trailing zeros of a value printed without an uncertainty.
    missing : str
        Text for a missing number (None or NaN), e.g. ``"-"`` in a table cell.
    infinite : str, optional
        Text for ±infinity (e.g. ``"not reached"``); None: ``"inf"``/``"-inf"``.

    Examples
    --------
    >>> format_number(552.61, 11.43), format_number(6.741375148e-05, 4.3e-06)
    ('553 ± 11', '6.74e-05 ± 4.3e-06')
    >>> format_number(10.2797, 0.34, digits=1), format_number(0.12), format_number(1.0, trim=True)
    ('10.3 ± 0.3', '0.12', '1')
    """
    if notation not in _PLAIN_BELOW:
        raise ValueError(f"notation must be one of {', '.join(map(repr, _PLAIN_BELOW))}, not {notation!r}")
    if value is None or math.isnan(value):
        return missing
    if math.isinf(value):
        return infinite if infinite is not None else ("inf" if value > 0 else "-inf")
    plain = notation == "plain" or value == 0 or 1e-2 <= abs(value) < _PLAIN_BELOW[notation]
    if uncertainty is not None and math.isfinite(uncertainty) and uncertainty > 0:
        last = math.floor(math.log10(uncertainty)) - digits + 1     # decimal place of the last kept digit
        if plain:
            decimals = max(0, -last)
            return f"{round(value, -last):.{decimals}f} ± {round(uncertainty, -last):.{decimals}f}"
        mantissa_digits = max(0, math.floor(math.log10(abs(value))) - last)
        return (f"{_exponent(f'{value:.{mantissa_digits}e}', notation)} ± "
                f"{_exponent(f'{uncertainty:.{digits - 1}e}', notation)}")
    if uncertainty is not None:                       # given but unknown: the value alone, a little more precise
        digits, trim = digits + 2, True
    return _significant(value, digits, plain=plain, trim=trim, notation=notation)


#: Per notation, the |value| from which scientific notation is used (plain decimals from 1e-2 up to it;
#: ``"plain"``: always plain).
_PLAIN_BELOW = {"auto": 1e4, "plain": math.inf, "compact": 1e5}


def _exponent(text: str, notation: str) -> str:
    """Python's ``"6.74e-05"``, or in ``"compact"`` notation ``"6.74e-5"``."""
    if notation != "compact":
        return text
    mantissa, exponent = text.split("e")
    return f"{mantissa}e{int(exponent)}"


def _significant(value: float, digits: int, *, plain: bool, trim: bool, notation: str) -> str:
    """``value`` to ``digits`` significant digits, in plain or scientific notation."""
    if not plain:
        mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
        if trim and "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        return _exponent(f"{mantissa}e{exponent}", notation)
    rounded = float(f"{value:.{digits}g}")
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(rounded)))) if rounded else 0
    text = f"{rounded:.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_duration(seconds: float) -> str:
    """A duration as the paper writes reaction and aging times: ``"50 min"``, ``"2 h 20 min"``, ``"72 h"``.

    Rules: up to one hour, minutes to three significant digits (``"50 min"``, ``"2.5 min"``); above,
    rounded to whole minutes and written as hours and minutes (``"1 h 30 min"``), or as whole hours
    alone from two hours on (``"72 h"``).

    Parameters
    ----------
    seconds : float
        The duration, s.

    Examples
    --------
    >>> [format_duration(60 * t) for t in (50, 140, 4320)]
    ['50 min', '2 h 20 min', '72 h']
    """
    minutes = float(seconds) / 60.0
    if not math.isfinite(minutes):
        return f"{minutes} min"
    if minutes <= 60:
        return f"{float(f'{minutes:.3g}'):g} min"
    whole = round(minutes)
    if whole <= 60:
        return f"{whole} min"
    hours, rest = divmod(whole, 60)
    if rest == 0 and hours >= 2:
        return f"{hours} h"
    return f"{hours} h {rest} min"
