"""Section §3.1 (lpsrepro.sections.nanoparticles): ledger mapping, per-sample containment, messages."""

import pickle
from pathlib import Path

import pytest

from lpsrepro import ledger
from lpsrepro.errors import ParameterError
from lpsrepro.models import nucleation
from lpsrepro.sections import nanoparticles as sec

DATA = Path(__file__).parents[1] / "data"


def test_ledger_mapping_reads_the_eight_precipitation_keys_in_the_field_units():
    p = sec.Params.from_ledger()
    keys = set(sec.Params.LEDGER.values())
    for prefix in ("li2s_nano", "lps_nano"):
        assert {f"{prefix}.precursor_concentration", f"{prefix}.molar_volume", f"{prefix}.surface_energy",
                f"{prefix}.aging_time"} <= keys
    assert {"nucleation.solubility", "nucleation.diffusion", "nucleation.surface_rate", "nucleation.temperature"} <= keys
    for name, key in sec.Params.LEDGER.items():
        assert getattr(p, name) == pytest.approx(ledger.value(key, sec.Params._UNITS[name]))
    assert p.dual_aging_min == pytest.approx(50.0) and p.li2s_molar_volume_m3_per_mol == pytest.approx(27.5e-6)
    model = sec.precipitation_parameters(p, "lps")
    assert model.aging_time_s == pytest.approx(3000.0) and model.molar_volume_m3_per_mol == pytest.approx(97.3e-6)
    with pytest.raises(ParameterError, match="one of the section's parameters"):
        p.replace(no_such_field=1)
    with pytest.raises(ParameterError, match="data_bar_rows"):
        p.replace(data_bar_rows=-3)


def test_a_sample_that_cannot_be_read_or_sized_is_reported_not_raised():
    missing = sec.size_sample("naph", "no/such/file.tif", min_diameter_nm=15.0)
    assert missing.error and "file not found" in missing.error and not missing.usable
    # the FEI file has no scale that this reader accepts, or (given one) a blank micrograph above its data bar
    fei = sec.size_sample("lps", str(DATA / "FEI-Helios-Ebeam-8bits.tif"), min_diameter_nm=15.0)
    assert fei.error and fei.fit is None


def test_model_that_cannot_explain_a_distribution_says_so_in_words():
    p = sec.Params.from_ledger()
    sizing = sec.Sizing("li2s", "nano-Li2S", "Fig. 1e", "x.tif",
                        fit=type("Fit", (), {"mean_nm": 21200.0, "sd_nm": 14900.0})())
    fit, why = sec.fit_model(sizing, sec.precipitation_parameters(p, "li2s"), (-2.0, 30.0))
    assert fit is None
    assert why.startswith("the measured 2.12e+04 ± 1.5e+04 nm is not explained by the nucleation-and-growth model")
    assert "the measured sizes are kept" in why and "parameter" not in why


def sparse_lps_image(path):
    """A sparse monolayer of 44 ± 6 nm particles (≈ 30 % coverage), where the sizing passes its gate."""
    import numpy as np

    from lpsrepro.io.images import write_sem_tiff
    from lpsrepro.models.sem import particle_image, place_particles

    rng = np.random.default_rng(5)
    pixel = 2.0
    field = place_particles(rng.normal(44.0, 6.0, 300), field_nm=(512 * pixel, 512 * pixel), rng=rng,
                            min_gap_fraction=1.1, pair_fraction=0.0)
    pixels = particle_image(field, shape=(512, 512), pixel_size_nm=pixel, rng=rng, substrate_grey=0.25,
                            particle_grey=0.5, edge_contrast=0.2, probe_sigma_nm=1.0, electrons_per_pixel=30)
    return write_sem_tiff(path, pixels, pixel_size_nm=pixel, metadata={"provenance": "test image"})


def test_one_failed_image_keeps_the_other_samples_the_pellets_and_the_figures(tmp_path):
    p = sec.Params.from_ledger().replace(naph_image_file=str(DATA / "FEI-Helios-Ebeam-8bits.tif"),
                                         li2s_image_file="missing.tif", regime_surface_rates_m_per_s=(1e-6,),
                                         regime_supply_factors=(1.0,),
                                         lps_image_file=str(sparse_lps_image(tmp_path / "lps_sparse.tif")))
    result = sec.run(p)
    assert not result.sizings["li2s"].usable and result.sizings["lps"].usable
    numbers = result.numbers()
    assert "lps_precursor_size_mean" in numbers and "li2s_nano_size_mean" not in numbers
    assert "pellet_conductivity_250C" in numbers and "membrane_over_pellet_conductivity" in numbers
    lines = result.failures()
    assert any(line.startswith("nano-Li2S (LiEt3BH + S) (missing.tif): missing.tif") for line in lines)
    model = sec.model_study(p, result)
    assert model.routes is None and "needs the nano-Li2S and the LPS sizes" in model.routes_failure
    assert result.failures(model) == lines + [f"route comparison: {model.routes_failure}"]
    assert model.regimes is not None                  # the LPS fit alone is enough for the regime scan
    assert model.explore_base() == model.model_fits["lps"].parameters
    from lpsrepro.plots.particles import fig_mechanism, fig_sample_sizes
    assert fig_sample_sizes(result.sizings["li2s"], label="e", bin_width_nm=1.0, scale_bar_nm=50.0) is not None
    assert fig_mechanism(model) is not None
    pickle.loads(pickle.dumps(result))
    pickle.loads(pickle.dumps(model))


def test_failed_gate_is_recorded_as_failed_quality():
    sizing = sec.size_sample("li2s", str(DATA / "test_tiff_Zeiss_SEM_1k.tif"), min_diameter_nm=5000.0)
    assert sizing.fit is not None and sizing.failed_quality and not sizing.usable
    assert sizing.segmentation.data_bar_rows > 50
    result = sec.Result(params=sec.Params.from_ledger(), sizings={"li2s": sizing, "lps": sizing}, templating=None,
                        pellet_thickness_cm=0.1, pellet_thickness_std_cm=0.0, pellet_area_cm2=1.0, pellets={},
                        spectra={}, pellet_failures={}, membrane=None, membrane_failure="")
    number = result.numbers()["li2s_nano_size_mean"]
    kwargs = number.record_kwargs()
    assert "normal distribution" in kwargs["failed_quality"] and kwargs["quality"]["data_bar_rows"] > 50


def test_with_uncertainty_digits():
    assert sec.with_uncertainty(18.3366, 0.2139, "nm") == "18.34 ± 0.21 nm"
    assert sec.with_uncertainty(43.576, 0.393) == "43.6 ± 0.4"
    assert sec.with_uncertainty(1.2459, 0.1389) == "1.25 ± 0.14"


def test_explore_grid_steps_are_distinct_solutions():
    base = nucleation.PrecipitationParameters(
        supply_rate_per_s=0.032, nucleation_prefactor_per_m3_s=7.4e30, solubility_mol_per_m3=1e-4,
        precursor_mol_per_m3=1000.0, molar_volume_m3_per_mol=27.5e-6, surface_energy_j_per_m2=0.2,
        diffusion_m2_per_s=1e-9, surface_rate_m_per_s=1e-6, temperature_k=298.15, aging_time_s=3600.0)
    grid = sec.explore_grid(base, supply_decades=0.5, supply_steps=2, solubility_range_mol_per_m3=(1e-4, 1e-2),
                            solubility_steps=1)
    assert len(grid.supply_rates_per_s) == 3 and len(grid.solubilities_mol_per_m3) == 3
    widths = {round(r.relative_width(), 4) for r in grid.results.values()}
    assert len(widths) == 9                           # every grid point (slider step) is another solution
    assert grid.nearest(0.032, 1.1e-4) is grid.results[(grid.supply_rates_per_s[1], grid.solubilities_mol_per_m3[0])]


def test_measured_pellet_thickness_and_area_replace_the_computed_ones():
    # issue 9: a researcher gives the pellet geometry measured, not mass/density/porosity
    p = sec.Params.from_ledger().replace(li2s_image_file="missing.tif", lps_image_file="missing.tif",
                                         naph_image_file="missing.tif", pellet_thickness_mm=0.8,
                                         pellet_thickness_uncertainty_mm=0.01, pellet_area_cm2=1.5,
                                         regime_surface_rates_m_per_s=(1e-6,), regime_supply_factors=(1.0,))
    result = sec.run(p)
    assert result.pellet_thickness_cm == pytest.approx(0.08) and result.pellet_thickness_std_cm == pytest.approx(0.001)
    assert result.pellet_area_cm2 == pytest.approx(1.5)
    pellet = result.pellets["250c"]
    assert pellet.conductivity_s_per_cm == pytest.approx(0.08 / (pellet.resistance_ohm * 1.5))
    with pytest.raises(ParameterError, match="pellet_thickness_mm"):
        p.replace(pellet_thickness_mm=-1.0)


# --------------------------------------------------------------------------- fast path (issue 13)
def _range_end(name, end=1):
    """The ledger range's end of a Params field, in the field's unit."""
    from lpsrepro.units import convert

    entry = ledger.get(sec.Params.LEDGER[name])
    return convert(float(entry.range[end]), entry.unit, sec.Params._UNITS[name])


def test_prepared_from_names_fields_and_leaves_every_ledger_input_to_run():
    names = {f.name for f in sec.fields(sec.Params)}
    assert sec.Params.PREPARED_FROM <= names
    # the ledger's inputs (model, pellet geometry, membrane) are applied by run on a prepared result
    assert not set(sec.Params.LEDGER) & sec.Params.PREPARED_FROM


def test_fast_path_gives_the_same_result_also_after_a_ledger_input_moved(tmp_path):
    # the LPS image passes its gate, so the inverse model fit and the regime scan can run
    p = sec.Params.from_ledger().replace(lps_image_file=str(sparse_lps_image(tmp_path / "lps_sparse.tif")),
                                         li2s_image_file="missing.tif", regime_surface_rates_m_per_s=(1e-6,),
                                         regime_supply_factors=(1.0,))
    prepared = pickle.loads(pickle.dumps(sec.prepare(p)))     # as a sweep sends it to a worker
    fast = sec.run(p, prepared=prepared)
    assert fast.numbers() == sec.run(p).numbers()
    # fields outside PREPARED_FROM moved to the end of their ledger range: solubility (model) and porosity (pellets)
    q = p.replace(solubility_mol_per_m3=_range_end("solubility_mol_per_m3"), pellet_porosity=_range_end("pellet_porosity"))
    fast_q, whole_q = sec.run(q, prepared=prepared), sec.run(q)
    assert fast_q.numbers() == whole_q.numbers()
    moved = fast_q.numbers()["pellet_conductivity_250C"].value / fast.numbers()["pellet_conductivity_250C"].value
    assert moved == pytest.approx((1 - 0.2) / (1 - 0.35))       # L ∝ 1/(1 − φ): the change did reach the numbers
    # the model study is made from the run's result, and the model's inputs reach it
    model, model_q = sec.model_study(p, fast), sec.model_study(q, fast_q)
    assert "lps" in model.model_fits
    # at the solubility's range end the model cannot explain the sizes: it says so, the sizes stay recorded
    assert "lps" in model_q.model_failures and "lps_precursor_size_mean" in fast_q.numbers()
    assert sec.model_lines(model_q) != sec.model_lines(model)
    assert sec.model_lines(model_q) == sec.model_lines(sec.model_study(q, whole_q))
    # a gate that the LPS sizing no longer passes changes which samples feed the model: none
    strict_p = p.replace(min_coverage=0.99)
    strict = sec.run(strict_p, prepared=prepared)
    strict_model = sec.model_study(strict_p, strict)
    assert not strict_model.model_fits and strict_model.regimes is None and "lps_precursor_size_mean" in strict.numbers()


def test_no_recorded_number_depends_on_the_precipitation_model(monkeypatch):
    # run never solves the model (a sweep of the section then costs no model solution): every number it
    # records comes from the images, the spectra and the pellet and membrane inputs
    def refuse(*args, **kwargs):
        raise AssertionError("run solved the precipitation model")

    for name in ("simulate_precipitation", "fit_supply_and_prefactor", "fit_prefactor", "width_by_regime"):
        monkeypatch.setattr(nucleation, name, refuse)
    p = sec.Params.from_ledger()
    prepared = sec.prepare(p)
    numbers = sec.run(p, prepared=prepared).numbers()
    assert {"li2s_nano_size_mean", "lps_precursor_size_sd", "pellet_conductivity_250C",
            "membrane_over_pellet_conductivity_dense"} <= set(numbers)
    moved = sec.run(p.replace(solubility_mol_per_m3=_range_end("solubility_mol_per_m3"),
                              surface_rate_m_per_s=_range_end("surface_rate_m_per_s")), prepared=prepared)
    assert moved.numbers() == numbers                 # the model's inputs move no recorded number


def test_run_refuses_a_prepared_result_of_other_files():
    p = sec.Params.from_ledger().replace(li2s_image_file="a.tif", lps_image_file="b.tif", naph_image_file="c.tif",
                                         pellet_250c_file="x.z", pellet_300c_file="y.z", pellet_naph_file="z.z")
    prepared = sec.prepare(p)
    assert set(prepared.pellet_failures) == set(sec.PELLETS) and not prepared.pellet_fits
    with pytest.raises(ParameterError, match="lps_image_file"):
        sec.run(p.replace(lps_image_file="other.tif"), prepared=prepared)
    # the quality gate is applied by run: its thresholds are not in PREPARED_FROM
    assert sec.run(p.replace(min_coverage=0.5), prepared=prepared).pellet_failures == prepared.pellet_failures


def test_every_ranged_ledger_entry_behind_a_section_number_is_a_parameter():
    # the sweep varies Params.LEDGER: a ranged assumption that moves one of the section's numbers must be there
    claims = {"li2s_nano_size_mean", "li2s_nano_size_sd", "lps_precursor_size_mean", "lps_precursor_size_sd",
              "pellet_conductivity_250C", "pellet_conductivity_300C", "pellet_conductivity_naph",
              "membrane_over_pellet_conductivity", "membrane_over_pellet_conductivity_dense"}
    generator_only = {k for k in (e.key for e in ledger.entries()) if k.startswith("sem_particles.")}
    mapped = set(sec.Params.LEDGER.values())
    for entry in ledger.entries():
        if entry.range is not None and set(entry.affects) & claims and entry.key not in generator_only:
            assert entry.key in mapped, entry.key
    for name, key in sec.Params.LEDGER.items():
        entry = ledger.get(key)
        assert entry.source.strip(), key                       # every input says where it comes from
        if entry.range is not None:                            # and the default lies within its range
            assert _range_end(name, 0) <= getattr(sec.Params.from_ledger(), name) <= _range_end(name, 1), name


# --------------------------------------------------------------------------- pellet spectra (issue 9)
def test_each_pellet_spectrum_has_its_own_format_and_a_bad_one_is_skipped():
    p = sec.Params.from_ledger().replace(
        li2s_image_file="missing.tif", lps_image_file="missing.tif", naph_image_file="missing.tif",
        pellet_250c_file=str(DATA / "Circuit1_EIS_1.z"),                                  # ZPlot, told from the file
        pellet_300c_file=str(DATA / "eis" / "exampleDataAutolab.txt"), pellet_300c_instrument="autolab",
        pellet_naph_file=str(DATA / "exampleDataGamry.DTA"), pellet_naph_instrument="zplot")  # the wrong format
    prepared = sec.prepare(p)
    assert prepared.spectra["250c"].attrs["source_format"] == "zplot"
    assert prepared.spectra["300c"].attrs["source_format"] == "autolab"
    why = prepared.pellet_failures["naph"]
    assert "exampleDataGamry.DTA" in why and "not a ZPlot file" in why
    result = sec.run(p, prepared=prepared)
    numbers = result.numbers()
    assert {"pellet_conductivity_250C", "pellet_conductivity_300C"} <= set(numbers)
    assert "pellet_conductivity_naph" not in numbers
    assert any(line.startswith("pellet Li-naphthalene route, 250 °C: ") for line in result.failures())
    # the shared field of notebooks written before the per-spectrum ones fills in where a pellet has none
    shared = p.replace(eis_instrument="gamry")
    assert shared.pellet_instrument("250c") == "gamry" and shared.pellet_instrument("300c") == "autolab"
    with pytest.raises(ParameterError, match="pellet_300c_instrument.*one of zplot"):
        p.replace(pellet_300c_instrument="autolabb")


def test_a_pellet_fit_that_misses_its_spectrum_is_failed_quality():
    p = sec.Params.from_ledger().replace(
        li2s_image_file="missing.tif", lps_image_file="missing.tif", naph_image_file="missing.tif",
        pellet_250c_file=str(DATA / "exampleDataGamry.DTA"), pellet_300c_file="missing.z", pellet_naph_file="missing.z")
    number = sec.run(p).numbers()["pellet_conductivity_250C"]
    assert "misses the data" in number.failed_quality
    assert dict(number.quality)["residual_rms_percent"] > dict(number.quality)["rms_limit_percent"]


def test_model_curves_are_computed_by_the_section():
    base = nucleation.PrecipitationParameters(
        supply_rate_per_s=0.032, nucleation_prefactor_per_m3_s=7.4e30, solubility_mol_per_m3=1e-4,
        precursor_mol_per_m3=1000.0, molar_volume_m3_per_mol=27.5e-6, surface_energy_j_per_m2=0.2,
        diffusion_m2_per_s=1e-9, surface_rate_m_per_s=1e-6, temperature_k=298.15, aging_time_s=3600.0)
    res = nucleation.simulate_precipitation(base)
    curve = sec.distribution_curve(res)
    mean, sd = res.moments_nm()
    assert (curve.mean_nm, curve.sd_nm) == (mean, sd) and curve.diameter_nm[0] == 0.0
    area = float(((curve.density_per_nm[1:] + curve.density_per_nm[:-1]) / 2 * sec.np.diff(curve.diameter_nm)).sum())
    assert area == pytest.approx(1.0, abs=0.01)                   # a number fraction per nm integrates to 1
    explore = sec.distribution_curve(res, span="explore")
    assert explore.diameter_nm[-1] == pytest.approx(mean + 5 * sd)
    with pytest.raises(ParameterError, match="span"):
        sec.distribution_curve(res, span="wide")
