"""The sensitivity text beside ledger-bound Explore sliders (issue 13): gauge, warning, claims moved."""

from __future__ import annotations

import json
import re

import ipywidgets
import pytest

from lpsrepro import ledger
from lpsrepro import slider_sensitivity as ss
from lpsrepro.widgets import explorer, linear_slider

#: A cache as lpsrepro.sweep.sensitivity writes it (values made up, the shape is the real one).
def _doc(digest: str | None = None) -> dict:
    return {
        "section": "membrane", "ledger_sha256": digest or ledger.digest(),
        "assumptions": {"electrode_diameter_mm": {"ledger_key": "membrane.electrode_diameter", "range": [0.5, 6.0],
                                                  "unit": "mm", "central": 2.0}},
        "claims": {
            "membrane_asr": {"claim_id": "membrane_asr", "kind": "reproduction", "unit": "ohm*cm**2", "central": 1.0,
                             "drivers": [{"parameter": "electrode_diameter_mm", "assumption": "membrane.electrode_diameter",
                                          "value_at_low": 0.5, "value_at_high": 3.0}]},
            "membrane_conductivity": {"claim_id": "membrane_conductivity", "unit": "S/cm", "central": 1e-4,
                                      "drivers": [{"parameter": "electrode_diameter_mm",
                                                   "value_at_low": 1.1e-4, "value_at_high": 0.9e-4}]},
            "thing.predicted": {"claim_id": "thing", "kind": "independent_prediction", "unit": "nm", "central": 10.0,
                                "drivers": [{"parameter": "other_mm", "value_at_low": 1.0, "value_at_high": 2.0}]},
        },
    }


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def _marker_left(html: str) -> float:
    return float(re.search(r"left:calc\(([\d.]+)%", html).group(1))


def _html(value, doc=None, missing=""):
    doc = _doc() if doc is None else doc
    return ss.slider_html(value, ledger_key="membrane.electrode_diameter", unit="mm", low=0.5, high=6.0,
                          ledger_value=2.0, moves=ss.moves_of(doc, "electrode_diameter_mm") if doc else None,
                          missing=missing)


def test_value_inside_the_range_marks_its_place_and_interpolates_the_claims():
    html = _html(4.0)
    text = _text(html)
    assert "membrane.electrode_diameter 0.5" in text and "6 mm" in text and "outside" not in text
    assert _marker_left(html) == pytest.approx(100 * (4.0 - 0.5) / 5.5, abs=0.05)
    # ASR: 1.0 at 2 mm, 3.0 at 6 mm -> 2.0 at 4 mm (+100 %); ends -50 % at 0.5, +200 % at 6
    assert "moves: membrane_asr ≈+100 % here, −50 % at 0.5, +200 % at 6" in text
    # ordered by the larger end change: ASR (200 %) before conductivity (10 %); the other claim's driver not listed
    assert text.index("membrane_asr") < text.index("membrane_conductivity") and "thing" not in text
    assert "membrane_conductivity ≈−5 % here" in text


@pytest.mark.parametrize(("value", "left", "here"), [(0.5, 0.0, "≈−50 % here"), (6.0, 100.0, "≈+200 % here"),
                                                     (2.0, 100 * 1.5 / 5.5, "≈±0 % here")])
def test_value_at_the_ends_and_at_the_ledger_value(value, left, here):
    html = _html(value)
    assert _marker_left(html) == pytest.approx(left, abs=0.05)
    assert "outside" not in html and here in _text(html)


@pytest.mark.parametrize("value", [0.4999, 7.0])
def test_value_outside_the_range_warns_and_estimates_nothing(value):
    html = _html(value)
    text = _text(html)
    assert "is outside the ledger's range" in text and "#d62728" in html
    assert "≈" not in text and "−50 % at 0.5" in text        # the ends are still given
    assert _marker_left(html) in (0.0, 100.0)


def test_no_cache_is_one_line_not_an_error(tmp_path):
    doc, why = ss.load_section("membrane", directory=tmp_path)
    assert doc is None and why == "no cached sensitivity of membrane: `lpsrepro sweep membrane --sensitivity morris` computes it"
    text = _text(_html(4.0, doc=False, missing=why))
    assert text.count("\n") == 0 and text.endswith(why) and "membrane.electrode_diameter 0.5" in text


def test_a_stale_or_broken_cache_is_refused_with_a_reason(tmp_path):
    (tmp_path / "membrane.json").write_text(json.dumps(_doc("0" * 64)))
    doc, why = ss.load_section("membrane", directory=tmp_path)
    assert doc is None and "another assumptions ledger" in why
    (tmp_path / "membrane.json").write_text("{not json")
    doc, why = ss.load_section("membrane", directory=tmp_path)
    assert doc is None and "unreadable" in why
    (tmp_path / "membrane.json").write_text(json.dumps(_doc()))
    doc, why = ss.load_section("membrane", directory=tmp_path)
    assert doc["section"] == "membrane" and why == ""


def test_no_range_in_the_ledger_and_no_claim_moved():
    html = ss.slider_html(37.5, ledger_key="lfp.preplated_charge", unit="uA*h/cm**2", low=None, high=None,
                          ledger_value=37.5, moves=[])
    assert _text(html) == ("lfp.preplated_charge: the ledger gives no range (its value 37.5 uA h/cm²)"
                           "moves: no claim listed by the cached sensitivity (it omits an assumption whose runs "
                           "at a range end gave no number)")


def test_predictions_are_labelled_and_the_rest_counted():
    doc = _doc()
    for i in range(4):
        doc["claims"][f"x{i}.predicted"] = {"kind": "independent_prediction", "unit": "", "central": 1.0,
                                            "drivers": [{"parameter": "electrode_diameter_mm", "value_at_low": 1.0,
                                                         "value_at_high": 1.0 + i}]}
    text = _text(_html(2.0, doc=doc))
    assert "x3 (predicted) ≈±0 % here, ±0 % at 0.5, +300 % at 6" in text and text.endswith("; and 3 more")


def test_gauge_position_is_logarithmic_over_decades():
    assert ss.position(1e-4, 1e-6, 1e-2) == pytest.approx(0.5)
    assert ss.position(3.0, 1.0, 5.0) == pytest.approx(0.5)
    assert ss.interpolate(5.0, [(0.0, 0.0), (10.0, None)]) is None
    assert ss.fmt_percent(-0.0742) == "−7.4 %" and ss.fmt_percent(5.4) == "+540 %" and ss.fmt_percent(1e-5) == "±0 %"
    assert ss.fmt_percent(15.01) == "+1500 %" and ss.fmt_percent(-0.999) == "−100 %"


def test_explorer_puts_the_text_beside_ledger_bound_sliders_only(tmp_path, monkeypatch):
    (tmp_path / "membrane.json").write_text(json.dumps(_doc()))
    monkeypatch.setattr(ss, "sensitivity_directory", lambda: tmp_path)
    controls = {"electrode_diameter_mm": linear_slider("electrode diameter (mm)", 2.0, 0.2, 8.0, 0.1),
                "thickness_nm": linear_slider("thickness (nm)", 550.0, 100.0, 900.0, 10.0)}
    panel = explorer(controls, lambda ax, electrode_diameter_mm, thickness_nm: "ok", section="membrane", static=False)
    first, second, _out, status = panel.children
    assert isinstance(first, ipywidgets.HBox) and second is controls["thickness_nm"] and status.value == "<small>ok</small>"
    beside = first.children[1]
    assert "≈±0 % here" in _text(beside.value)
    controls["electrode_diameter_mm"].value = 4.0
    assert "membrane_asr ≈+100 % here" in _text(beside.value)
    controls["electrode_diameter_mm"].value = 7.0
    assert "outside the ledger's range" in _text(beside.value)
    # no section (a notebook's own lambda): no sensitivity text, the controls as they are
    plain = explorer({"x": linear_slider("x", 1.0, 0.0, 2.0, 0.1)}, lambda ax, x: "", static=False)
    assert not any(isinstance(c, ipywidgets.HBox) for c in plain.children)


def test_explorer_without_cache_says_so_beside_the_slider(tmp_path, monkeypatch):
    monkeypatch.setattr(ss, "sensitivity_directory", lambda: tmp_path)
    controls = {"electrode_diameter_mm": linear_slider("electrode diameter (mm)", 2.0, 0.2, 8.0, 0.1)}
    panel = explorer(controls, lambda ax, electrode_diameter_mm: "", section="membrane", static=False)
    text = _text(panel.children[0].children[1].value)
    # the range comes from the ledger itself
    lo, hi = ledger.get("membrane.electrode_diameter").range
    assert f"membrane.electrode_diameter {lo:.3g}" in text and "no cached sensitivity of membrane" in text
