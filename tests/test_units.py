"""lpsrepro.units: the unit a field's name states, and the one number and one duration formatter."""

from __future__ import annotations

import dataclasses
import importlib

import pytest

from lpsrepro import ledger
from lpsrepro.errors import ParameterError
from lpsrepro.units import field_unit, format_duration, format_number, parse_unit

SECTIONS = ("nanoparticles", "reaction_kinetics", "membrane", "performance")
#: Numeric fields whose names state no unit yet (the sweep leaves them out); rename them with their
#: unit or pure-number word, then remove them here (the test below fails when one is renamed).
UNNAMED_UNIT = {"nanoparticles": {"min_foreground_measured"}}


@pytest.mark.parametrize("name,unit", [
    ("line_fit_min_hz", "Hz"), ("target_wh_kg", "W*h/kg"), ("lfp_first_resistance_ohm_cm2", "ohm*cm**2"),
    ("gold_resistivity_ohm_m", "ohm*m"), ("preplated_uah_cm2", "uA*h/cm**2"), ("cathode_density_g_cm3", "g/cm**3"),
    ("recession_rate_nm_per_min", "nm/min"), ("average_voltage_v", "V"), ("interface_cpe_alpha", ""),
    ("li2s_surface_energy_j_per_m2", "J/m**2"), ("temperature_k", "K"), ("raman_instrument_fwhm_per_cm", "1/cm"),
    ("diffusion_m2_per_s", "m**2/s"), ("li2s_molar_volume_m3_per_mol", "m**3/mol"), ("caglioti_u_deg2", "degree**2"),
    ("pellet_density_g_per_cm3", "g/cm**3"), ("plating_current_density_ua_cm2", "uA/cm**2"),
    ("conventional_aging_h", "h"), ("wavelength_angstrom", "angstrom"), ("sem_scale_uncertainty", ""),
    ("cycles_to_passivate", ""), ("current_sign", ""), ("commercial_li2s_gsd", ""), ("nano_li2s_relative_sd", "")])
def test_the_unit_is_read_from_the_field_name(name, unit):
    assert field_unit(name) == unit
    parse_unit(unit or "dimensionless")


@pytest.mark.parametrize("name", ["thickness", "min_foreground_measured", "nm", "label"])
def test_a_name_that_states_no_unit_is_refused(name):
    with pytest.raises(ParameterError, match="a name ending in its unit"):
        field_unit(name)


@pytest.mark.parametrize("section", SECTIONS)
def test_every_numeric_field_of_every_section_states_its_unit(section):
    params = importlib.import_module(f"lpsrepro.sections.{section}").Params
    unread = set()
    for f in dataclasses.fields(params):
        t = str(f.type)
        if any(w in t for w in ("float", "int")) and not any(w in t for w in ("tuple", "str", "bool")):
            try:
                field_unit(f.name)
            except ParameterError:
                unread.add(f.name)
    assert unread == UNNAMED_UNIT.get(section, set())


@pytest.mark.parametrize("section", SECTIONS)
def test_from_ledger_converts_each_ledger_value_to_the_unit_of_the_field_name(section):
    params = importlib.import_module(f"lpsrepro.sections.{section}").Params
    p = params.from_ledger()
    for name, key in params.LEDGER.items():
        assert getattr(p, name) == pytest.approx(ledger.value(key, field_unit(name))), name


def test_a_ledger_field_without_a_unit_is_refused_at_import():
    from lpsrepro.sections import SectionParams

    with pytest.raises(TypeError, match="'thickness' states no unit"):
        @dataclasses.dataclass(frozen=True)
        class Params(SectionParams):
            thickness: float = 1.0
            LEDGER = {"thickness": "membrane.gold_thickness"}


@pytest.mark.parametrize("value,std,digits,text", [
    (6.741375148e-05, 3.6e-06, 2, "6.74e-05 ± 3.6e-06"), (552.61, 11.38, 2, "553 ± 11"),
    (0.81967, 0.041, 2, "0.820 ± 0.041"), (26.0910, 0.0177, 2, "26.091 ± 0.018"),
    (10.2797, 0.34, 1, "10.3 ± 0.3"), (152.3, 14.0, 1, "150 ± 10"), (152.3, 14.0, 2, "152 ± 14"),
    (-0.0020697, 0.000106, 1, "-2.1e-03 ± 1e-04")])
def test_the_value_has_the_digits_its_uncertainty_supports(value, std, digits, text):
    assert format_number(value, std, digits=digits) == text


def test_numbers_without_an_uncertainty():
    assert [format_number(v) for v in (152.3, 1.93, 0.1234, 2.0)] == ["150", "1.9", "0.12", "2.0"]
    assert [format_number(v, trim=True) for v in (152.3, 0.02134, 1.0, 30.0)] == ["150", "0.021", "1", "30"]
    assert format_number(123456.0) == "1.2e+05" and format_number(123456.0, notation="plain") == "120000"
    # an uncertainty that is unknown: the value to two more digits, trailing zeros dropped
    assert format_number(1234.5678, float("nan")) == "1235" and format_number(0.5, 0.0, digits=1) == "0.5"
    assert format_number(None) == "nan" and format_number(float("nan"), missing="-") == "-"
    assert format_number(float("inf"), infinite="not reached") == "not reached" and format_number(-float("inf")) == "-inf"
    with pytest.raises(ValueError, match="notation"):
        format_number(1.0, notation="engineering")


@pytest.mark.parametrize("minutes,text", [(50, "50 min"), (2.5, "2.5 min"), (60, "60 min"), (61, "1 h 1 min"),
                                          (90, "1 h 30 min"), (119.6, "2 h"), (140, "2 h 20 min"), (4320, "72 h"),
                                          (4330, "72 h 10 min")])
def test_durations_are_written_as_the_paper_writes_them(minutes, text):
    assert format_duration(60 * minutes) == text


def test_compact_notation_of_the_report_tables():
    def table(v, digits=4):
        return format_number(v, digits=digits, notation="compact", trim=True, missing="")
    assert [table(v) for v in (0.82, 550.0, 6.741375e-05, 1.69e-4, 12346.0, 123456.0, 0.0)] == [
        "0.82", "550", "6.741e-5", "1.69e-4", "12350", "1.235e5", "0"]
    assert table(None) == "" and table(3.6e-6, digits=2) == "3.6e-6"
    assert format_number(6.741375148e-05, 4.3e-06, notation="compact") == "6.74e-5 ± 4.3e-6"


def test_registry_is_built_on_first_use_only():
    """Importing the module (the Explore dashboard's first view) neither imports pint nor builds its registry."""
    from fresh_interpreter import run_fresh

    run_fresh("import sys, lpsrepro.units as u, lpsrepro.params\n"
              "assert 'pint' not in sys.modules, 'pint imported'\n"
              "assert u.field_unit('asr_ohm_cm2') == 'ohm*cm**2' and 'pint' not in sys.modules\n"
              "from lpsrepro.units import ureg, Q_\n"
              "assert ureg is u.registry() and Q_ is ureg.Quantity\n"
              "assert abs(u.convert(1.0, 'mm', 'um') - 1000.0) < 1e-9\n")


def test_module_attribute_error():
    import lpsrepro.units as u

    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        u.nonexistent  # noqa: B018
