"""Film thickness from cross-section images: recovers the known thickness of synthetic images."""

import numpy as np
import pytest

from lpsrepro.analysis.cross_section import film_thickness_nm
from lpsrepro.errors import InputFileError
from lpsrepro.io.images import image_dataarray
from lpsrepro.models.sem import Layer, cross_section_image


def render(thickness_nm, seed, *, pixel=2.5, roughness=6.0, shape=(600, 800)):
    layers = [Layer("glass", None, 0.22), Layer("gold", 85, 0.85, texture=0.03),
              Layer("lps", thickness_nm, 0.42, texture=0.08, grain_nm=22)]
    pixels, truth = cross_section_image(
        layers, shape=shape, pixel_size_nm=pixel, vacuum_grey=0.08, top_of_substrate_px=0.85 * shape[0],
        roughness_rms_nm=roughness, roughness_correlation_nm=120, edge_brightening=0.3, edge_width_nm=12,
        probe_sigma_nm=3, electrons_per_pixel=40, rng=np.random.default_rng(seed))
    return image_dataarray(pixels, pixel), truth


@pytest.mark.parametrize("thickness", [300.0, 550.0, 860.0])
def test_thickness_is_recovered_within_one_percent(thickness):
    shape = (600, 800) if thickness < 800 else (700, 800)
    pixel = 2.5 if thickness < 800 else 1.6 * 2.5
    image, truth = render(thickness, seed=int(thickness), pixel=pixel, shape=shape)
    true_mean = float(np.mean(truth["lps_top"] - truth["gold_top"]))
    assert true_mean == pytest.approx(thickness)
    result = film_thickness_nm(image)
    assert result.mean_nm == pytest.approx(thickness, rel=0.01)
    assert result.columns_used == result.columns_total
    # the spread across columns is the roughness of the film's thickness (√2 × 6 nm for two rough interfaces)
    assert 3.0 < result.std_nm < 15.0


def test_scale_uncertainty_enters_the_uncertainty():
    image, _ = render(550.0, seed=1)
    a = film_thickness_nm(image)
    b = film_thickness_nm(image, scale_uncertainty_rel=0.02)
    assert b.uncertainty_nm > a.uncertainty_nm
    assert b.uncertainty_nm == pytest.approx(np.hypot(a.uncertainty_nm, 0.02 * b.mean_nm))


def test_image_without_vacuum_on_top_is_refused():
    image, truth = render(550.0, seed=2)
    first_film_row = int(image.sizes["y"] - 0.85 * image.sizes["y"] + 200)  # well inside the film
    with pytest.raises(InputFileError, match="top rows are not dark"):
        film_thickness_nm(image.isel(y=slice(first_film_row, None)))


def test_upside_down_image_finds_no_film():
    image, _ = render(550.0, seed=3)
    flipped = image.copy(data=image.values[::-1])
    with pytest.raises(InputFileError, match="film edges found in only 0 of 800 columns"):
        film_thickness_nm(flipped)


def test_image_without_a_scale_is_refused_by_name():
    image, _ = render(550.0, seed=4)
    unscaled = image.copy()
    del unscaled.attrs["pixel_size_nm"]
    unscaled.attrs["source_file"] = "my_section.tif"
    with pytest.raises(InputFileError, match="my_section.tif, field 'pixel_size_nm': the image has no scale"):
        film_thickness_nm(unscaled)
