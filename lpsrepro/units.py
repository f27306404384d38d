"""One shared pint unit registry, and conversions that fail with clear messages.

Every unit string in the compendium (claims registry, assumptions ledger,
xarray ``units`` attributes) is parsed by this registry.
"""

from __future__ import annotations

import pint

from lpsrepro.errors import ParameterError

ureg = pint.UnitRegistry()
Q_ = ureg.Quantity


def parse_unit(unit: str, *, what: str = "unit") -> pint.Unit:
    """Parse a unit string such as ``"S/cm"`` or ``"ohm*cm**2"``.

    Raises
    ------
    ParameterError
        If pint does not know the unit.
    """
    try:
        return ureg.Unit(unit)
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
    return float(Q_(value, src).to(dst).magnitude)
