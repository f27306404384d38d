"""``lpsrepro simulate``: regenerate every file of data/raw from the forward models.

Each entry of :data:`GENERATORS` writes one group of stand-in files, seeded,
with its provenance in the files' own metadata. Running the generators twice
gives the same files (text files byte for byte; NetCDF and TIFF files with
identical contents — tests/simulate/test_simulate.py proves it).

This is the only code that writes into data/raw, and only when :func:`run` is
told to (``lpsrepro simulate`` passes ``into=data/raw``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from lpsrepro.errors import ParameterError
from lpsrepro.simulate import membrane, nanoparticles, performance, reaction_kinetics

#: name → function(out_dir) -> list of written paths. Sections add their generators here.
GENERATORS: dict[str, Callable[[Path], list[Path]]] = {
    "nanoparticle_images": nanoparticles.generate_particle_images,
    "pellet_eis": nanoparticles.generate_pellets,
    "kinetics_xrd": reaction_kinetics.generate_xrd,
    "kinetics_raman": reaction_kinetics.generate_raman,
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
    for module in (reaction_kinetics, membrane, nanoparticles, performance):
        targets.update(module.CALIBRATION_TARGETS)
    return targets


def run(into: Path, only: list[str] | None = None,
        progress: Callable[[str], None] = print) -> list[Path]:
    """Run the generators (all, or those named in ``only``) and put their files into ``into``.

    ``into`` is explicit (``lpsrepro simulate`` passes data/raw; tests pass a temporary
    folder): the permission to replace the bundled data is this argument, not a flag
    in the environment. The generators write into a staging folder beside ``into``
    (outside data/raw, so the guard of :func:`lpsrepro.fileio.refuse_raw_data` keeps
    refusing every other writer); only when every generator succeeded are the files
    renamed into ``into`` — a failed run leaves the previous data as they were.

    Returns the paths of the files in ``into``.
    """
    unknown = sorted(set(only or []) - set(GENERATORS))
    if unknown:
        raise ParameterError("generator", unknown[0], "one of " + ", ".join(GENERATORS))
    into = Path(into)
    into.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{into.name}-simulate-", dir=into.parent))
    try:
        staged: list[tuple[str, Path]] = []
        for name, generate in GENERATORS.items():
            if only and name not in only:
                continue
            staged.extend((name, Path(f)) for f in generate(staging))
        written = []
        for name, f in staged:
            target = into / f.relative_to(staging)
            os.replace(f, target)   # same file system: atomic, like fileio.atomic_path
            progress(f"  {name}: wrote {target.name}")
            written.append(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written
