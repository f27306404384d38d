"""lpsrepro — reproducible research compendium for Wu et al. (2022).

Wu, Xue, Wang, Su, Luo, Wang, Zhang, Calvez, Fan, *Self-densified ultrathin
solid electrolyte membrane fabricated from monodispersed sulfide electrolyte
nanoparticles*, J. Am. Ceram. Soc. 105 (2022) 7344, doi:10.1111/jace.18728.

The package is organised by technique (``models/`` for physics,
``analysis/`` for measurements, ``plots/`` for figure panels) and is driven by
one notebook per paper section (``notebooks/``). See docs/ARCHITECTURE.md.
"""

__version__ = "0.1.0"

from lpsrepro.errors import LpsreproError, InputFileError, ParameterError  # noqa: E402

__all__ = ["__version__", "LpsreproError", "InputFileError", "ParameterError"]
