"""Benchmark of the particle sizing (``lpsrepro.analysis.particles``): accuracy and time, rim split vs distance split.

Run:  .venv/bin/python benchmarks/particles.py [--quick]

Three parts, each printed as a table:

1. **Synthetic layers of known sizes** (``models.sem.pack_particles`` + ``particle_image`` with the
   bundled stand-ins' imaging settings, seeds fixed): mean and sd measured by each split method against
   the forward model's own diameters (the particles wholly inside the frame), from sparse to close packed.
2. **The bundled stand-ins** (data/raw, Fig. 1e, 1f, S7), sized with the public function notebook 31a
   calls (``sections.nanoparticles.size_sample``) — after (rim split, the default) and before (the
   distance split) — with every gate figure, the gate's verdict and the time per image. The truth
   column is the forward model's diameters, rebuilt here with the generator's own calls and seeds
   (``simulate.nanoparticles``) and checked bit for bit against the committed TIFF: benchmark only,
   the analysis never reads it.
3. **Real SEM files** (tests/data, see its SOURCES.md): gate figures of both methods (no published
   size exists for them; the point is that the gate keeps refusing what is not a particle population).

Generator truth is used here and in tests only, never in ``lpsrepro.analysis``.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import tifffile

from lpsrepro import ledger, paths
from lpsrepro.analysis.particles import fit_normal, segment_particles, sizing_gate, sizing_quality
from lpsrepro.io.images import image_dataarray
from lpsrepro.models.nucleation import sample_diameters_nm, simulate_precipitation
from lpsrepro.models.sem import diameters_for_area_fraction, pack_particles, particle_image, projected_coverage
from lpsrepro.sections import nanoparticles as section
from lpsrepro.simulate import nanoparticles as sim

METHODS = ("auto", "distance")


def inside(field, shape, pixel_nm):
    """Particles wholly inside the frame (those the sizing may measure)."""
    r = field.diameter_nm / 2
    return ((field.x_nm - r > 0) & (field.x_nm + r < shape[1] * pixel_nm)
            & (field.y_nm - r > 0) & (field.y_nm + r < shape[0] * pixel_nm))


def imaging(pixel_nm):
    settings = sim._image_settings("sem_particles.lps_pixel_size")
    settings["pixel_size_nm"] = pixel_nm
    return settings


def synthetic(mean, sd, pixel_nm, area_fraction, seed):
    """A layer of normal diameters at ``area_fraction`` (disc areas over the enlarged field), its image and truth."""
    rng = np.random.default_rng(seed)
    settings = imaging(pixel_nm)
    ny, nx = settings["shape"]
    side = nx * pixel_nm
    margin = (mean + 4 * sd) / 2
    d = diameters_for_area_fraction(lambda n: rng.normal(mean, sd, n), area_fraction=area_fraction,
                                    area_nm2=(side + 2 * margin) ** 2)
    field = pack_particles(d, field_nm=(side, side), rng=rng,
                           min_gap_fraction=ledger.value("sem_particles.min_gap_fraction", "dimensionless"))
    pixels = particle_image(field, rng=rng, **settings)
    cover = projected_coverage(field, shape=(ny, nx), pixel_size_nm=pixel_nm)
    return image_dataarray(pixels, pixel_nm), field.diameter_nm[inside(field, (ny, nx), pixel_nm)], cover


def bundled_truth(system):
    """The committed stand-in's particle field, rebuilt with the generator's calls and seed (see module doc)."""
    li2s, lps = sim.calibrated_parameters("li2s"), sim.calibrated_parameters("lps")
    naph = lps.with_(supply_rate_per_s=lps.supply_rate_per_s
                     * ledger.value("naph_route.supply_rate_factor", "dimensionless"))
    params, key, seed, stem = {"li2s": (li2s, "sem_particles.li2s_pixel_size", 311, "nano_li2s_sem"),
                               "lps": (lps, "sem_particles.lps_pixel_size", 312, "lps_precursor_sem"),
                               "naph": (naph, "sem_particles.lps_pixel_size", 313, "lps_naph_sem")}[system]
    rng = np.random.default_rng(seed)
    result = simulate_precipitation(params)
    settings = sim._image_settings(key)
    ny, nx = settings["shape"]
    px = settings["pixel_size_nm"]
    mean_model, sd_model = result.moments_nm()
    margin = round(0.5 * (mean_model + 4.0 * sd_model), 1)
    d = diameters_for_area_fraction(lambda n: sample_diameters_nm(result, n, rng),
                                    area_fraction=ledger.value("sem_particles.area_fraction", "dimensionless"),
                                    area_nm2=(ny * px + 2 * margin) * (nx * px + 2 * margin))
    field = pack_particles(d, field_nm=(ny * px, nx * px), rng=rng,
                           min_gap_fraction=ledger.value("sem_particles.min_gap_fraction", "dimensionless"))
    path = paths.RAW / f"{stem}.tif"
    if not np.array_equal(particle_image(field, rng=rng, **settings), tifffile.imread(path)):
        return path, None          # the generator changed since the file was made: no truth
    return path, field.diameter_nm[inside(field, (ny, nx), px)]


def _fmt_quality(q):
    keys = ("particles", "coverage_percent", "foreground_measured_percent", "nonconvex_percent", "ks_distance",
            "ks_critical_1pct")
    return " ".join(f"{k.split('_')[0]}={q[k]:.3g}" for k in keys if k in q)


def part_synthetic(quick):
    print("## 1. Synthetic layers (truth = forward model, particles inside the frame); mean / sd in nm")
    print("| model | coverage | method | n true / measured | mean true / meas. | sd true / meas. | gate |")
    print("|---|---|---|---|---|---|---|")
    fractions = (0.35, 0.85) if quick else (0.35, 0.55, 0.7, 0.85)
    for mean, sd, pixel, seed in ((18.0, 3.0, 0.8, 41), (44.0, 6.0, 2.0, 42)):
        for fraction in fractions:
            image, truth, cover = synthetic(mean, sd, pixel, fraction, seed)
            for method in METHODS:
                seg = segment_particles(image, min_diameter_nm=mean / 3, method=method)
                fit = fit_normal(seg.diameters_nm)
                verdict = sizing_gate(sizing_quality(seg, fit)) or "pass"
                print(f"| {mean:g} ± {sd:g} ({pixel:g} nm/px) | {cover:.2f} | {method} → {seg.split_method} "
                      f"| {truth.size} / {fit.n} "
                      f"| {truth.mean():.1f} / {fit.mean_nm:.1f} ({100 * (fit.mean_nm / truth.mean() - 1):+.0f} %) "
                      f"| {truth.std():.1f} / {fit.sd_nm:.1f} (×{fit.sd_nm / truth.std():.2f}) "
                      f"| {'pass' if verdict == 'pass' else 'fail'} |")


def part_rim_contrast():
    print("\n## 1b. Sparse layers (44 ± 6 nm, 2 nm/px) by SE edge contrast: which split, and how exact")
    print("| edge contrast | rim contrast | method | n true / measured | mean | sd |")
    print("|---|---|---|---|---|---|")
    from lpsrepro.models.sem import place_particles
    for edge in (0.0, 0.05, 0.1, 0.2):
        rng = np.random.default_rng(7)
        field = place_particles(rng.normal(44.0, 6.0, 200), field_nm=(1024.0, 1024.0), rng=rng,
                                min_gap_fraction=1.05, pair_fraction=0.0)
        settings = {**imaging(2.0), "edge_contrast": edge}
        image = image_dataarray(particle_image(field, rng=rng, **settings), 2.0)
        truth = field.diameter_nm[inside(field, settings["shape"], 2.0)]
        for method in ("auto", "rim", "distance"):
            seg = segment_particles(image, min_diameter_nm=15.0, method=method)
            fit = fit_normal(seg.diameters_nm)
            print(f"| {edge:g} | {seg.rim_contrast:.2f} | {method} → {seg.split_method} | {truth.size} / {fit.n} "
                  f"| {100 * (fit.mean_nm / truth.mean() - 1):+.1f} % | ×{fit.sd_nm / truth.std():.2f} |")


def part_bundled():
    print("\n## 2. Bundled stand-ins, sized by sections.nanoparticles.size_sample (notebook 31a's call)")
    min_d = {"li2s": 6.0, "lps": 15.0, "naph": 15.0}
    for system in ("li2s", "lps", "naph"):
        path, truth = bundled_truth(system)
        if truth is not None:
            print(f"{path.name}: truth {truth.mean():.2f} ± {truth.std():.2f} nm (n = {truth.size})")
        for method in METHODS:
            # the section's size_sample calls segment_particles with the default method; the distance
            # split ("before") is run through the same steps with the method given
            start = time.perf_counter()
            if method == "auto":
                sizing = section.size_sample(system, str(path), min_diameter_nm=min_d[system])
                fit, quality, reason = sizing.fit, sizing.quality, sizing.failed_quality
            else:
                from lpsrepro.io.images import read_sem_image
                seg = segment_particles(read_sem_image(path), min_diameter_nm=min_d[system], method=method)
                fit = fit_normal(seg.diameters_nm, source=str(path))
                quality = sizing_quality(seg, fit)
                reason = sizing_gate(quality)
            elapsed = time.perf_counter() - start
            print(f"  {method:8s} {fit.mean_nm:6.2f} ± {fit.sd_nm:5.2f} nm  {_fmt_quality(quality)}  "
                  f"{'PASS' if not reason else 'FAIL: ' + reason}  [{elapsed:.2f} s]")


def part_real():
    print("\n## 3. Real SEM files (tests/data)")
    data = Path(__file__).parents[1] / "tests" / "data"
    for name, min_d in (("test_tiff_Zeiss_SEM_512pix.tif", 60.0), ("test_tiff_Zeiss_SEM_1k.tif", 5000.0)):
        with tifffile.TiffFile(data / name) as tif:
            pixels = tif.pages[0].asarray()
            _, width, unit = tif.sem_metadata["ap_width"]
        pixel_nm = {"µm": 1e3, "mm": 1e6}[unit] * width / pixels.shape[1]
        image = image_dataarray(pixels, pixel_nm, source_file=name)
        for method in METHODS:
            start = time.perf_counter()
            seg = segment_particles(image, min_diameter_nm=min_d, method=method)
            fit = fit_normal(seg.diameters_nm)
            quality = sizing_quality(seg, fit)
            elapsed = time.perf_counter() - start
            reason = sizing_gate(quality)
            print(f"{name} {method:8s} {fit.mean_nm:.4g} ± {fit.sd_nm:.3g} nm  {_fmt_quality(quality)}  "
                  f"{'PASS' if not reason else 'FAIL: ' + reason}  [{elapsed:.2f} s]")


if __name__ == "__main__":
    warnings.simplefilter("ignore", UserWarning)      # "only N particles" warnings of small real images
    quick = "--quick" in sys.argv
    part_bundled()
    part_real()
    part_synthetic(quick)
    part_rim_contrast()
