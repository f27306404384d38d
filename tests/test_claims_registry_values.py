"""A published value that is not a printed number is the registry file's fault, said at load time."""

import pytest

from lpsrepro import claims
from lpsrepro.errors import InputFileError

ENTRY = """claims:
  - id: membrane_conductivity
    source: Sec. 3.2
    statement: ionic conductivity
    notebook: notebooks/32_membrane.ipynb
    published: {{value: "{value}", unit: S/cm, relation: "="}}
"""


@pytest.mark.parametrize("printed", ["about 6.7e-5", "6,7e-5", "nan", "inf", ""])
def test_a_published_value_that_is_not_a_printed_number_names_the_file_and_field(tmp_path, printed):
    path = tmp_path / "claims.yaml"
    path.write_text(ENTRY.format(value=printed), encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        claims.registry(path)
    assert "membrane_conductivity.published.value" in str(err.value) and "claims.yaml" in str(err.value)


def test_a_printed_number_keeps_its_precision(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(ENTRY.format(value="6.7e-5"), encoding="utf-8")
    claim = claims.registry(path)["membrane_conductivity"]
    assert claim.atol == pytest.approx(0.05e-5)
