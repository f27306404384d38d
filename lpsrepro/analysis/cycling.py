"""Galvanostatic data → capacities, coulombic efficiency, voltage plateaus.

Works on any Dataset from :func:`lpsrepro.io.cycler.read_cycler` (bundled
stand-ins, a user's CSV export or a BioLogic ``.mpr``): nothing here knows how
the data were made.

* Charge passed: trapezoidal integral of the current over time, within each
  run of records of one step (no integration across a step change).
* Per cycle: charge capacity = charge passed with positive (anodic) current,
  discharge capacity = with negative current; coulombic efficiency =
  discharge / charge of the same cycle, the convention of EC-Lab and most
  cycler software for a cell that starts with a charge.
* Plateaus: a two-phase reaction holds the voltage while charge flows, so the
  charge passed per voltage interval, dQ/dV, peaks at the plateau voltage
  (incremental capacity analysis; Dubarry et al., J. Power Sources 219 (2012)
  204, doi:10.1016/j.jpowsour.2012.07.016). It is computed as a histogram of
  voltage weighted by the charge (or, for a constant-current trace, the time)
  of each record, smoothed with a Gaussian kernel — no derivative of noisy
  data is taken.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from scipy.ndimage import gaussian_filter1d

from lpsrepro.errors import InputFileError, ParameterError
from lpsrepro.io.cycler import current_runs
from lpsrepro.models.galvanostatic import SECONDS_PER_HOUR


def _source(ds: xr.Dataset) -> str:
    """The file a Dataset was read from, for messages that name what the user knows."""
    return str(ds.attrs.get("source_file", "the cycler data"))


def record_charge_ah(ds: xr.Dataset) -> np.ndarray:
    """Charge passed in the interval ending at each record, A·h (signed; 0 across step changes).

    Trapezoidal rule within each run of one step and one current sign.
    """
    t = ds["time"].values
    i = ds["current"].values
    dq = np.zeros(t.size)
    for start, stop in current_runs(ds, min_records=2):
        seg = slice(start + 1, stop)
        # trapezoidal current (A) × interval (s); A·s → A·h with the one conversion of models.galvanostatic
        dq[seg] = 0.5 * (i[start + 1:stop] + i[start:stop - 1]) * np.diff(t[start:stop]) / SECONDS_PER_HOUR
    return dq


def capacities_by_cycle(ds: xr.Dataset, *, area_cm2: float | None = None, active_mass_mg: float | None = None) -> xr.Dataset:
    """Charge and discharge capacity and coulombic efficiency of every cycle.

    Returns a Dataset over dimension ``cycle`` with ``charge_capacity`` and
    ``discharge_capacity`` (A·h), and, when given, the same per area (µAh/cm²)
    and per active mass (mAh/g), and ``coulombic_efficiency`` (percent; NaN for
    a cycle without a charge).
    """
    if "cycle" not in ds:
        raise InputFileError(_source(ds), "no cycle numbers", field="cycle",
                             expected="a cycle column (or a cycle counter mapped to it when the file is read)")
    dq = record_charge_ah(ds)
    cycles = np.unique(ds["cycle"].values)
    charge = np.array([dq[(ds["cycle"].values == c) & (dq > 0)].sum() for c in cycles])
    discharge = np.array([-dq[(ds["cycle"].values == c) & (dq < 0)].sum() for c in cycles])
    with np.errstate(divide="ignore", invalid="ignore"):
        ce = np.where(charge > 0, 100.0 * discharge / np.where(charge > 0, charge, 1.0), np.nan)
    out = xr.Dataset(
        {"charge_capacity": ("cycle", charge, {"units": "A*h"}),
         "discharge_capacity": ("cycle", discharge, {"units": "A*h"}),
         "coulombic_efficiency": ("cycle", ce, {"units": "percent", "long_name": "discharge / charge"})},
        coords={"cycle": ("cycle", cycles, {"units": "dimensionless"})})
    if area_cm2 is not None:
        out["charge_capacity_per_area"] = ("cycle", charge * 1e6 / area_cm2, {"units": "uA*h/cm**2"})
        out["discharge_capacity_per_area"] = ("cycle", discharge * 1e6 / area_cm2, {"units": "uA*h/cm**2"})
    if active_mass_mg is not None:
        out["specific_charge_capacity"] = ("cycle", charge * 1e6 / active_mass_mg, {"units": "mA*h/g"})
        out["specific_discharge_capacity"] = ("cycle", discharge * 1e6 / active_mass_mg, {"units": "mA*h/g"})
    return out


def half_cycle(ds: xr.Dataset, cycle: int, kind: str) -> xr.Dataset:
    """The records of one charge or discharge, with ``passed_charge`` (A·h, from 0) added."""
    if kind not in ("charge", "discharge"):
        raise ParameterError("kind", kind, "'charge' or 'discharge'")
    dq = record_charge_ah(ds)
    sign = 1 if kind == "charge" else -1
    keep = (ds["cycle"].values == cycle) & (np.sign(ds["current"].values) == sign)
    if not keep.any():
        raise InputFileError(_source(ds), f"cycle {cycle} has no {kind}",
                             expected=f"a cycle with a {kind} ({'positive' if sign > 0 else 'negative'} current)")
    part = ds.isel(record=np.flatnonzero(keep))
    part["passed_charge"] = ("record", np.cumsum(sign * dq[keep]), {"units": "A*h"})
    return part


def transferred_charge_ah(ds: xr.Dataset) -> float:
    """Total charge passed (absolute value of the net), A·h."""
    return float(abs(record_charge_ah(ds).sum()))


@dataclass(frozen=True)
class Plateau:
    """A voltage plateau found in dQ/dV (or dt/dV)."""

    voltage_v: float        # centre of the peak
    half_width_v: float     # half width at half maximum of the peak
    weight: float           # charge (or time) under the peak


def incremental_capacity(voltage_v, weights, *, bin_v: float = 0.001, smooth_v: float = 0.003,
                         v_range: tuple[float, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Smoothed histogram of voltage weighted by charge (or time): (bin centres in V, weight per V)."""
    v = np.asarray(voltage_v, dtype=float)
    w = np.abs(np.asarray(weights, dtype=float))
    if v.size != w.size or v.size < 3:
        raise ParameterError("voltage_v", v.size, "at least 3 voltages, one weight each")
    if not (bin_v > 0 and smooth_v >= 0):
        raise ParameterError("bin_v", bin_v, "a positive bin width in V")
    lo, hi = v_range or (float(v.min()), float(v.max()))
    edges = np.arange(lo - 2 * bin_v, hi + 3 * bin_v, bin_v)
    hist, edges = np.histogram(v, bins=edges, weights=w)
    density = gaussian_filter1d(hist / bin_v, smooth_v / bin_v) if smooth_v > 0 else hist / bin_v
    return 0.5 * (edges[1:] + edges[:-1]), density


def voltage_plateaus(voltage_v, weights, *, count: int, bin_v: float = 0.001, smooth_v: float = 0.003,
                     v_range: tuple[float, float] | None = None, min_separation_v: float = 0.03) -> list[Plateau]:
    """The ``count`` most prominent plateaus, highest voltage first.

    Parameters
    ----------
    voltage_v, weights : array
        Voltage of each record and the charge (or, at constant current, the
        time) belonging to it.
    count : int
        How many plateaus to return; fewer are returned if the data hold fewer
        peaks (the caller decides whether that is an error).
    bin_v, smooth_v : float
        Histogram bin and Gaussian smoothing width, V.
    v_range : (float, float), optional
        Only voltages in this window (e.g. to skip the rest at open circuit).
    min_separation_v : float
        Peaks closer than this are one plateau.
    """
    v = np.asarray(voltage_v, dtype=float)
    w = np.asarray(weights, dtype=float)
    if v_range is not None:
        keep = (v >= v_range[0]) & (v <= v_range[1])
        v, w = v[keep], w[keep]
    # imported here, not at the top: scipy.signal takes ~60 ms to import and the Explore dashboard's first
    # view imports this module (through the performance section) without finding plateaus
    from scipy.signal import find_peaks, peak_widths

    centres, density = incremental_capacity(v, w, bin_v=bin_v, smooth_v=smooth_v, v_range=v_range)
    peaks, props = find_peaks(density, prominence=0.02 * density.max(),
                              distance=max(1, int(round(min_separation_v / bin_v))))
    if peaks.size == 0:
        return []
    order = np.argsort(props["prominences"])[::-1][:count]
    chosen = peaks[order]
    widths = peak_widths(density, chosen, rel_height=0.5)[0] * bin_v
    plateaus = []
    for peak, width in zip(chosen, widths):
        # refine the centre: density-weighted mean over the half-maximum region
        half = density[peak] / 2
        lo, hi = peak, peak
        while lo > 0 and density[lo - 1] >= half:
            lo -= 1
        while hi < density.size - 1 and density[hi + 1] >= half:
            hi += 1
        centre = float(np.average(centres[lo:hi + 1], weights=density[lo:hi + 1]))
        plateaus.append(Plateau(voltage_v=centre, half_width_v=float(width / 2),
                                weight=float(density[lo:hi + 1].sum() * bin_v)))
    return sorted(plateaus, key=lambda p: p.voltage_v, reverse=True)


def plateau_window_s(time_s, voltage_v, plateau: Plateau, *, tolerance_v: float | None = None) -> tuple[float, float]:
    """Start and end time of the longest stretch that stays on ``plateau``.

    A record is on the plateau when its voltage is within ``tolerance_v``
    (default: three half widths, at least 5 mV) of the plateau voltage.
    """
    t = np.asarray(time_s, dtype=float)
    v = np.asarray(voltage_v, dtype=float)
    tol = tolerance_v if tolerance_v is not None else max(3 * plateau.half_width_v, 0.005)
    on = np.abs(v - plateau.voltage_v) <= tol
    if not on.any():
        raise ValueError(f"the trace never sits at the plateau voltage {plateau.voltage_v:.3f} V")
    best = (0, 0)
    start = None
    for i, flag in enumerate(np.append(on, False)):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if t[i - 1] - t[start] > t[best[1]] - t[best[0]]:
                best = (start, i - 1)
            start = None
    return float(t[best[0]]), float(t[best[1]])


def transition_time_s(time_s, voltage_v, upper: Plateau, lower: Plateau) -> float:
    """Time at which the voltage falls from ``upper`` to ``lower``: the first crossing of their midpoint.

    The crossing is interpolated linearly between records; it is the time
    the two-phase region of ``upper`` ends and that of ``lower`` begins, the
    way one reads a transition off a chronopotentiogram.
    """
    t = np.asarray(time_s, dtype=float)
    v = np.asarray(voltage_v, dtype=float)
    mid = 0.5 * (upper.voltage_v + lower.voltage_v)
    on_upper = np.flatnonzero(np.abs(v - upper.voltage_v) <= max(3 * upper.half_width_v, 0.005))
    if on_upper.size == 0:
        raise ValueError(f"the trace never sits at the upper plateau ({upper.voltage_v:.3f} V)")
    below = np.flatnonzero((v < mid) & (np.arange(v.size) > on_upper[0]))
    if below.size == 0:
        raise ValueError(f"the voltage never falls from the upper plateau ({upper.voltage_v:.3f} V) to the lower one "
                         f"({lower.voltage_v:.3f} V)")
    i = below[0]
    return float(t[i - 1] + (mid - v[i - 1]) * (t[i] - t[i - 1]) / (v[i] - v[i - 1]))
