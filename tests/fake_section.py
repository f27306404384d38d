"""A tiny section module for the sweep tests, following lpsrepro.sections' contract.

Its fields map to real ledger keys (with ranges), so that the sweep's range and unit checks run against
the real ledger; its ``run`` is a cheap closed-form function of them, with an optional CPU-bound
``work_ms`` to stand for a realistic section (the benchmark uses 50 ms).

It has the fast path of the contract: ``prepare`` computes what depends only on
``Params.PREPARED_FROM`` (the recession rate — a ranged ledger entry, so that the sensitivity's
one-at-a-time-only treatment is exercised — the thickness and the label), spending ``prepare_ms`` of
CPU, and counts its calls in :data:`PREPARE_CALLS` so that a test can prove it runs once per group.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import ClassVar

from lpsrepro import ledger
from lpsrepro.errors import ParameterError
from lpsrepro.sections import Number, SectionParams

#: One entry per call of :func:`prepare` in this process (the params it got). The sweep pickles this
#: module by value for its workers; ``prepare`` therefore finds the list through ``sys.modules``, so that
#: calls in the test process (the synchronous executor) land here and calls on other processes nowhere.
PREPARE_CALLS: list = []


@dataclass(frozen=True)
class Params(SectionParams):
    """lead_resistance_ohm (membrane.lead_resistance), interface_cpe_alpha (membrane.interface_cpe_alpha),
    recession_rate_nm_per_min (kinetics.recession_rate), thickness_nm (not from the ledger), work_ms:
    CPU time each run spends (ms), prepare_ms: CPU time each prepare spends (ms)."""

    lead_resistance_ohm: float
    interface_cpe_alpha: float
    recession_rate_nm_per_min: float
    thickness_nm: float = 550.0
    work_ms: float = 0.0
    prepare_ms: float = 0.0
    label: str = "fake"

    LEDGER: ClassVar[dict[str, str]] = {"lead_resistance_ohm": "membrane.lead_resistance",
                                        "interface_cpe_alpha": "membrane.interface_cpe_alpha",
                                        "recession_rate_nm_per_min": "kinetics.recession_rate"}
    PREPARED_FROM: ClassVar[frozenset[str]] = frozenset({"recession_rate_nm_per_min", "thickness_nm", "label",
                                                         "prepare_ms"})

    @classmethod
    def from_ledger(cls) -> "Params":
        return cls(lead_resistance_ohm=ledger.value("membrane.lead_resistance", "ohm"),
                   interface_cpe_alpha=ledger.value("membrane.interface_cpe_alpha", "dimensionless"),
                   recession_rate_nm_per_min=ledger.value("kinetics.recession_rate", "nm/min"))


@dataclass(frozen=True)
class Prepared:
    """What ``run`` needs that depends only on PREPARED_FROM."""

    time_min: float
    thickness_factor: float


@dataclass(frozen=True)
class Result:
    asr: float
    time_min: float
    alpha: float

    def numbers(self) -> dict[str, Number]:
        failed = "CPE exponent below 0.55: the fit is not a film" if self.alpha < 0.55 else ""
        return {"membrane_asr": Number(self.asr, "ohm*cm**2", 0.01 * self.asr),
                "dual_route_completion_time": Number(self.time_min, "min"),
                "membrane_conductivity": Number(1e-4 * self.alpha, "S/cm", failed_quality=failed)}


def _spin(ms: float) -> None:
    """Spend ``ms`` of this thread's CPU time (stands for a section's numerical work)."""
    end = time.thread_time() + ms / 1000.0
    x = 0.0
    while time.thread_time() < end:
        for i in range(2000):
            x += i * 1e-9


def prepare(params: Params) -> Prepared:
    getattr(sys.modules.get("fake_section"), "PREPARE_CALLS", []).append(params)
    if params.recession_rate_nm_per_min > 30.0:
        raise ParameterError("recession_rate_nm_per_min", params.recession_rate_nm_per_min, "at most 30 (fake)")
    _spin(params.prepare_ms)
    return Prepared(time_min=900.0 / params.recession_rate_nm_per_min, thickness_factor=params.thickness_nm / 550.0)


def run(params: Params, prepared: Prepared | None = None) -> Result:
    if prepared is None:
        prepared = prepare(params)
    _spin(params.work_ms)
    asr = 0.0314 * params.lead_resistance_ohm + prepared.thickness_factor * 0.8 * params.interface_cpe_alpha
    return Result(asr=asr, time_min=prepared.time_min, alpha=params.interface_cpe_alpha)
