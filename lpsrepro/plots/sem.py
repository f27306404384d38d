"""SEM figure panels: images with scale bars and measured outlines."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from lpsrepro.analysis.cross_section import FilmThickness
from lpsrepro.plots.style import ACCENT, DATA, FIT, TWO_COLUMN_IN, new_figure, panel_label, styled

if TYPE_CHECKING:                       # annotations only: the Explore dashboard's first view draws nothing
    from matplotlib.figure import Figure


def add_scale_bar(ax, pixel_size_nm: float, length_nm: float, label: str) -> None:
    """White scale bar in the lower-left corner of an image axis (pixel units), its label above the bar.

    The bar's height is 1 % of the image's (at least 2 px), and the label sits above it with a gap,
    so that neither overprints the other at any image size; a translucent dark box keeps it
    legible on bright regions.
    """
    height_px = abs(ax.get_ylim()[0] - ax.get_ylim()[1]) or 100.0
    bar = AnchoredSizeBar(ax.transData, length_nm / pixel_size_nm, label, "lower left", pad=0.4, sep=3,
                          label_top=True, color="white", frameon=True, size_vertical=max(2.0, 0.01 * height_px),
                          fontproperties={"size": 8})
    bar.patch.set(facecolor="black", alpha=0.45, edgecolor="none")   # legible on bright particles too
    ax.add_artist(bar)


@styled
def fig3c_cross_section(image: xr.DataArray, result: FilmThickness) -> Figure:
    """Fig. 3c: the cross-section with the detected edges, and the thickness along the film."""
    fig = new_figure(TWO_COLUMN_IN, 2.9)
    ax_img, ax_t = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1]})
    pixel = float(image.attrs["pixel_size_nm"])
    ax_img.imshow(image.values, cmap="gray", interpolation="nearest")
    cols = np.arange(image.sizes["x"])
    ax_img.plot(cols, result.surface_y_nm.values / pixel, color=FIT, lw=0.7, label="film surface")
    ax_img.plot(cols, result.interface_y_nm.values / pixel, color=ACCENT, lw=0.7, label="film / Au")
    add_scale_bar(ax_img, pixel, 500.0, "500 nm")
    ax_img.set_axis_off()
    ax_img.legend(loc="upper right", fontsize=7, frameon=False, labelcolor="white")
    panel_label(ax_img, "c")

    x_um = image["x"].values / 1000.0
    ax_t.plot(x_um, result.per_column_nm.values, color=DATA, lw=0.8)
    ax_t.axhline(result.mean_nm, color=FIT, lw=1)
    ax_t.axhspan(result.mean_nm - result.uncertainty_nm, result.mean_nm + result.uncertainty_nm,
                 color=FIT, alpha=0.15, lw=0)
    ax_t.set_xlabel("position along the film (µm)")
    ax_t.set_ylabel("thickness (nm)")
    ax_t.set_title(f"{result.mean_nm:.0f} ± {result.uncertainty_nm:.0f} nm "
                   f"(variation {result.std_nm:.0f} nm, {result.columns_used} columns)", fontsize=8)
    return fig
