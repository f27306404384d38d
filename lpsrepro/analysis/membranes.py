"""Comparison of sulfide membranes (Fig. 4a, Tab. S1): ASR from σ and L, thickness ratios.

ASR = L / σ (Ω cm² with L in cm and σ in S/cm) is the resistance one square
centimetre of membrane adds to a cell; thinner membranes of a poorer
conductor can beat thicker ones of a better one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lpsrepro.errors import ParameterError
from lpsrepro.models.impedance import area_specific_resistance_ohm_cm2, resistance_from_conductivity_ohm

#: ASR is the resistance of one square centimetre of membrane (Ω · cm² per cm²).
_UNIT_AREA_CM2 = 1.0


def asr_from_conductivity_ohm_cm2(thickness_um, conductivity_s_cm):
    """ASR = L / σ, Ω cm², with L in µm and σ in S/cm (NaN where either is unknown).

    The slab resistance of :func:`lpsrepro.models.impedance.resistance_from_conductivity_ohm`
    over 1 cm², times that area; µm → cm at this boundary.
    """
    thickness_cm = np.asarray(thickness_um, dtype=float) * 1e-4
    resistance_ohm = resistance_from_conductivity_ohm(thickness_cm, _UNIT_AREA_CM2, conductivity_s_cm)
    return area_specific_resistance_ohm_cm2(resistance_ohm, _UNIT_AREA_CM2)


def with_derived_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Add ``thickness_min_um`` (the smallest stated thickness of a row) and ``asr_used_ohm_cm2``.

    ``asr_used_ohm_cm2`` is the stated ASR, or L / σ where only σ is stated;
    ``asr_from`` says which.
    """
    out = table.copy()
    out["thickness_min_um"] = out["thickness_um"].where(out["thickness_um"].notna(), out["thickness_low_um"])
    computed = asr_from_conductivity_ohm_cm2(out["thickness_min_um"], out["conductivity_s_cm"])
    stated = out["asr_ohm_cm2"].notna()
    out["asr_used_ohm_cm2"] = np.where(stated, out["asr_ohm_cm2"], computed)
    out["asr_from"] = np.where(stated, "stated", np.where(np.isfinite(computed), "L / sigma", "unknown"))
    return out


@dataclass(frozen=True)
class ThicknessComparison:
    """This work's thickness against the thinnest other membrane.

    With ``thinnest_is_bound`` the thinnest membrane is known only by an upper bound of its
    thickness (e.g. "sub-micrometre"), and ``ratio`` is then an upper bound of the true ratio.
    """

    this_work_um: float
    thinnest_other_um: float
    thinnest_ref: str
    ratio: float
    compared_refs: tuple[str, ...]
    bounded_only_refs: tuple[str, ...]   # rows with only an upper bound of their thickness
    thinnest_is_bound: bool = False


def thickness_reduction(table: pd.DataFrame, *, this_work: str = "this work",
                        include_bounds: bool = True) -> ThicknessComparison:
    """Ratio of the thinnest other membrane to this work's thickness.

    A row's thickness is its stated thickness or the low end of a stated range; with
    ``include_bounds`` a row known only by an upper bound enters with that bound (the claim
    "thinner than every cited membrane" must hold against it too, and a bound can only make
    the true ratio smaller). Without it only stated thicknesses enter.
    """
    derived = with_derived_columns(table)
    mine = derived[derived["ref"] == this_work]
    if mine.empty or not np.isfinite(mine["thickness_min_um"].iloc[0]):
        raise ParameterError("this_work", this_work, "a row of the table with a thickness")
    others = derived[(derived["ref"] != this_work)].copy()
    bounded = others[others["thickness_min_um"].isna() & others["thickness_high_um"].notna()]
    others["_compare_um"] = others["thickness_min_um"]
    if include_bounds:
        others.loc[bounded.index, "_compare_um"] = bounded["thickness_high_um"]
    known = others[others["_compare_um"].notna()]
    if known.empty:
        raise ParameterError("table", table.attrs.get("source_file", "table"), "at least one other membrane with a thickness")
    best = known.loc[known["_compare_um"].idxmin()]
    this_um = float(mine["thickness_min_um"].iloc[0])
    return ThicknessComparison(this_work_um=this_um, thinnest_other_um=float(best["_compare_um"]),
                               thinnest_ref=str(best["ref"]), ratio=float(best["_compare_um"]) / this_um,
                               compared_refs=tuple(known["ref"]), bounded_only_refs=tuple(bounded["ref"]),
                               thinnest_is_bound=bool(best.name in bounded.index))
