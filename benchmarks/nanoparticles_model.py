"""Benchmark of §3.1's precipitation model study and of the section's sweep points.

Run:  .venv/bin/python benchmarks/nanoparticles_model.py [--sensitivity]

Prints, with the bundled stand-ins and the ledger's defaults:

* the CPU time of ``prepare`` (image analysis and pellet fits, once per sweep group);
* the CPU time of ``model_study(params, result)`` (inverse fits, route study, growth-regime scan with
  its convergence check) and of the regime scan alone — what the notebook pays beside ``run``;
* the CPU time of ``run(q, prepared=...)`` for a point that moves a ``nucleation.*`` input and for one
  that moves a pellet input, and the points per second per worker that follow. Before the model
  study left ``run`` (this session), a point that moved a ``nucleation.*`` entry re-solved it (~10 s);
* with ``--sensitivity``: the wall time of ``sweep.sensitivity("nanoparticles", method="morris",
  n_workers=2)`` written to a temporary folder (the committed cache is left alone). Measured this
  session on the shared 2-core machine: 132 s for 252 points, 1 prepare group (41 min before).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def cpu_s(fn):
    """``(result, CPU seconds)`` of one call of ``fn()`` (process time: robust on a shared machine)."""
    start = time.process_time()
    out = fn()
    return out, time.process_time() - start


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sensitivity", action="store_true", help="also time the Morris sensitivity sweep")
    args = parser.parse_args()

    from lpsrepro import ledger
    from lpsrepro.models import nucleation
    from lpsrepro.sections import nanoparticles as section
    from lpsrepro.units import convert

    params = section.Params.from_ledger()
    prepared, t_prepare = cpu_s(lambda: section.prepare(params))
    print(f"prepare (image analysis, pellet fits): {t_prepare:.1f} s CPU")
    result, t_run = cpu_s(lambda: section.run(params, prepared=prepared))
    model, t_model = cpu_s(lambda: section.model_study(params, result))
    print(f"run(params, prepared): {t_run:.2f} s CPU; model_study(params, result): {t_model:.1f} s CPU")
    if model.regimes is not None and model.routes is not None:
        lps = model.model_fits["lps"].parameters
        base = model.routes.prefactor_fit.parameters.with_(aging_time_s=60.0 * params.dual_aging_min)
        _, t_regimes = cpu_s(lambda: nucleation.width_by_regime(
            base, [lps.supply_rate_per_s * f for f in sorted(params.regime_supply_factors)],
            sorted(params.regime_surface_rates_m_per_s)))
        converged = int(model.regimes.converged.values.sum())
        print(f"  of which the growth-regime scan: {t_regimes:.1f} s CPU ({converged} of "
              f"{model.regimes.converged.size} points converged)")

    def range_end(name):
        entry = ledger.get(section.Params.LEDGER[name])
        return convert(float(entry.range[1]), entry.unit, section.Params._UNITS[name])

    for label, change in (("a nucleation.* input moved", {"solubility_mol_per_m3": range_end("solubility_mol_per_m3")}),
                          ("a pellet input moved", {"pellet_porosity": range_end("pellet_porosity")})):
        q = params.replace(**change)
        times = [cpu_s(lambda: section.run(q, prepared=prepared))[1] for _ in range(5)]
        per_point = sorted(times)[len(times) // 2]
        print(f"sweep point, {label}: {1e3 * per_point:.0f} ms CPU → {1 / per_point:.1f} points/s per worker")

    if args.sensitivity:
        from lpsrepro import sweep

        with tempfile.TemporaryDirectory() as folder:
            start = time.monotonic()
            doc = sweep.sensitivity("nanoparticles", method="morris", n_workers=2, directory=Path(folder),
                                    progress=False)
            wall = time.monotonic() - start
        print(f"Morris sensitivity, 2 workers: {doc['points']} points in {wall:.0f} s wall "
              f"({doc['points'] / wall:.2f} points/s)")
