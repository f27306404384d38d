"""Fig. 3d panel: window from the data, circuit and gate shown, stand-in label from the file's metadata."""

import numpy as np
import pytest

from lpsrepro.plots.impedance import fig3d_membrane, nyquist_window_ohm_cm2
from lpsrepro.sections import membrane


@pytest.fixture
def gamry_result(real_data):
    return membrane.run(membrane.Params.from_ledger().replace(eis_file=str(real_data / "exampleDataGamry.DTA"),
                                                              circuit="CPE"))


def test_window_without_a_passed_intercept_holds_the_whole_spectrum():
    z = np.array([1 - 1j, 1.5 - 1j, 2 - 1.2j, 5 - 2j, 40 - 30j])
    assert nyquist_window_ohm_cm2(z, None) == pytest.approx(42.0)
    assert nyquist_window_ohm_cm2(z, 2.0) == pytest.approx(8.0)       # four intercepts
    assert nyquist_window_ohm_cm2(z, 0.1) == pytest.approx(1.05 * 2)  # never fewer than three points


def test_gamry_spectrum_shows_with_its_circuit_and_failed_gate(gamry_result):
    fig = fig3d_membrane(gamry_result)
    ax = fig.axes[0]
    x = gamry_result.spectrum["z_real"].values * gamry_result.area_cm2
    inside = (x >= ax.get_xlim()[0]) & (x <= ax.get_xlim()[1])
    assert inside.sum() == x.size                       # a failed fit: the whole spectrum is in view
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "data: exampleDataGamry.DTA" in labels and "fit L0-p(R1,CPE2)-CPE1" in labels
    assert not any("stand-in" in label for label in labels)
    assert "FAILED" in ax.get_title(loc="left")


def test_stand_in_is_labelled_as_such_and_its_intercept_is_in_view():
    result = membrane.run(membrane.Params.from_ledger())
    ax = fig3d_membrane(result).axes[0]
    assert "data (simulated stand-in)" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert ax.get_xlim()[1] == pytest.approx(4 * result.asr.asr_ohm_cm2)
    assert ax.get_title(loc="left") == ""


def test_membrane_explorer_binds_the_electrode_diameter_to_the_ledger(tmp_path, monkeypatch):
    """Issue 13: the diameter slider is the section's ledger-bound field, so its gauge shows; the
    figure is redrawn from the section's model view at the slider's value."""
    import ipywidgets

    from lpsrepro import slider_sensitivity
    from lpsrepro.plots.impedance import membrane_model_explorer

    monkeypatch.setattr(slider_sensitivity, "sensitivity_directory", lambda: tmp_path)   # no cache: says so
    result = membrane.run(membrane.Params.from_ledger())
    calls = []

    def view(**values):
        calls.append(values)
        return membrane.model_view(**values)

    panel = membrane_model_explorer(membrane.explore_defaults(result), view)
    rows = [c for c in panel.children if isinstance(c, ipywidgets.HBox)]
    assert len(rows) == 1                                             # only the diameter is a ledger field
    slider, beside = rows[0].children
    assert slider.description == "electrode diameter (mm)" and slider.value == pytest.approx(2.0)
    assert beside.value                                               # the gauge's text (here: no cache)
    status = panel.children[-1]
    before = status.value
    slider.value = 4.0
    assert calls[-1]["electrode_diameter_mm"] == pytest.approx(4.0) and "area_cm2" not in calls[-1]
    expected = membrane.model_view(**calls[-1]).status()
    assert status.value == f"<small>{expected}</small>" and status.value != before
