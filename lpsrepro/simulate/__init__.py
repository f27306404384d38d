"""``lpsrepro simulate``: regenerate every file of data/raw from the forward models.

Each entry of :data:`GENERATORS` writes one group of stand-in files, seeded,
with its provenance in the files' own metadata. Running the generators twice
gives the same files (text files byte for byte; NetCDF and TIFF files with
identical contents — tests/test_simulate.py proves it).

This is the only code allowed to write into data/raw.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from lpsrepro import paths
from lpsrepro.simulate import kinetics, membrane, nanoparticles, performance

#: name → function(out_dir) -> list of written paths. Sections add their generators here.
GENERATORS: dict[str, Callable[[Path], list[Path]]] = {
    "nanoparticle_images": nanoparticles.generate_particle_images,
    "pellet_eis": nanoparticles.generate_pellets,
    "kinetics_xrd": kinetics.generate_xrd,
    "kinetics_raman": kinetics.generate_raman,
    "membrane_eis": membrane.generate,
    "membrane_cross_section": membrane.generate_cross_section,
    "li_plating": performance.generate_plating,
    "lfp_cycling": performance.generate_lfp_cycling,
}


def calibration_targets() -> dict[str, str]:
    """Claim id → how the stand-in data were made to match that published number.

    Collected from the ``CALIBRATION_TARGETS`` of every generator module. The
    report flags these claims: their reproduction tests the analysis chain on
    data built to agree with the paper, not the paper's claim itself.
    """
    targets: dict[str, str] = {}
    for module in (kinetics, membrane, nanoparticles, performance):
        targets.update(module.CALIBRATION_TARGETS)
    return targets


@contextlib.contextmanager
def _raw_writes_allowed() -> Iterator[None]:
    previous = os.environ.get("LPSREPRO_ALLOW_RAW_WRITES")
    os.environ["LPSREPRO_ALLOW_RAW_WRITES"] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("LPSREPRO_ALLOW_RAW_WRITES", None)
        else:
            os.environ["LPSREPRO_ALLOW_RAW_WRITES"] = previous


def run(out_dir: Path = paths.RAW, only: list[str] | None = None,
        progress: Callable[[str], None] = print) -> list[Path]:
    """Run the generators (all, or those named in ``only``) into ``out_dir``."""
    unknown = sorted(set(only or []) - set(GENERATORS))
    if unknown:
        from lpsrepro.errors import ParameterError
        raise ParameterError("generator", unknown[0], "one of " + ", ".join(GENERATORS))
    written: list[Path] = []
    with _raw_writes_allowed():
        for name, generate in GENERATORS.items():
            if only and name not in only:
                continue
            files = generate(Path(out_dir))
            for f in files:
                progress(f"  {name}: wrote {Path(f).name}")
            written.extend(files)
    return written
