"""Write the reference crystal structures of §3.1 into data/structures/ (run once; output committed).

    .venv/bin/python data/structures/make_structures.py

Every number used here is cited in data/structures/README.md:

* β-Li3PS4: the Materials Project cell mp-985583 (PBE-relaxed, copied unchanged as
  ``Li3PS4_beta_mp-985583_MP-PBE.cif``) with its lattice rescaled to the experimental
  cell of Homma et al., Solid State Ionics 182 (2011) 53 (a = 12.8190, b = 8.2195,
  c = 6.1236 Å). Fractional coordinates are kept; the MP cell and Homma's cell have the
  same (Pnma, a > b > c) setting, checked below.
* Li2S: antifluorite, Fm-3m, S 4a (0, 0, 0), Li 8c (¼, ¼, ¼), a = 5.708 Å.
* Li4P2S6: the P-31m subcell (a = 6.106, c = 6.615 Å; Li 2c, Li 2d, P 2e z = 0.1715,
  S 6k x = 0.3237 z = 0.25) that approximates the true P-3m1 supercell of Ben Yahia et al.,
  Z. Kristallogr. 238 (2023) 209, with the P2S6 dumbbells of Mercier et al. (1982).

The script is deterministic: the CIFs it writes are byte-identical on every run.
"""

from __future__ import annotations

from pathlib import Path

from pymatgen.core import Lattice, Structure
from pymatgen.io.cif import CifWriter

HERE = Path(__file__).resolve().parent

HOMMA_2011_ABC_ANGSTROM = (12.8190, 8.2195, 6.1236)
LI2S_A_ANGSTROM = 5.708
LI4P2S6_SUBCELL_A_C_ANGSTROM = (6.106, 6.615)


def beta_li3ps4() -> Structure:
    """MP mp-985583 with Homma's experimental lattice (orthorhombic, same setting)."""
    mp = Structure.from_file(HERE / "Li3PS4_beta_mp-985583_MP-PBE.cif")
    a, b, c = mp.lattice.abc
    assert a > b > c and max(abs(x - 90) for x in mp.lattice.angles) < 1e-6, "unexpected MP setting"
    scaled = Structure(Lattice.orthorhombic(*HOMMA_2011_ABC_ANGSTROM), mp.species, mp.frac_coords)
    return scaled


def li2s() -> Structure:
    return Structure.from_spacegroup("Fm-3m", Lattice.cubic(LI2S_A_ANGSTROM), ["S", "Li"],
                                     [[0, 0, 0], [0.25, 0.25, 0.25]])


def li4p2s6_subcell() -> Structure:
    a, c = LI4P2S6_SUBCELL_A_C_ANGSTROM
    return Structure.from_spacegroup("P-31m", Lattice.hexagonal(a, c), ["Li", "Li", "P", "S"],
                                     [[1 / 3, 2 / 3, 0], [2 / 3, 1 / 3, 0.5], [0, 0, 0.1715], [0.3237, 0, 0.25]])


def main() -> None:
    for name, structure in (("beta-Li3PS4_Homma2011-lattice.cif", beta_li3ps4()),
                            ("Li2S_antifluorite.cif", li2s()),
                            ("Li4P2S6_P-31m_subcell.cif", li4p2s6_subcell())):
        CifWriter(structure, symprec=0.01).write_file(HERE / name)
        print(f"{name}: {structure.composition.reduced_formula}, {structure.get_space_group_info(0.01)}, "
              f"V = {structure.volume:.2f} A^3, density {structure.density:.3f} g/cm3")


if __name__ == "__main__":
    main()
