"""The company ranking spec: the shipped file loads; mistakes are reported with file, line and field."""

from __future__ import annotations

import pytest

from dramascope.companies import load_company_spec
from dramascope.errors import UserInputError


def test_shipped_spec_loads_with_declared_defaults():
    loaded = load_company_spec()
    s = loaded.spec
    assert s.unit == "percentile" and s.shrinkage.method == "empirical_bayes"
    assert s.monte_carlo.interval == (0.05, 0.95) and s.roles == ["producer"]
    assert loaded.hash == load_company_spec().hash and len(loaded.hash) == 64


@pytest.mark.parametrize("text, line, field", [
    ("name: x\nunit: median\n", 2, "unit"),
    ("name: x\nshrinkage:\n  method: fixed\n", 2, "shrinkage"),
    ("name: x\nmonte_carlo:\n  interval: [0.9, 0.1]\n", 2, "monte_carlo"),
    ("name: x\nroles: [director]\n", 2, "roles.0"),
    ("name: x\nbogus: 1\n", 2, "bogus"),
])
def test_errors_name_line_and_field(tmp_path, text, line, field):
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(UserInputError) as err:
        load_company_spec(p)
    assert err.value.line == line and err.value.field == field and str(p) in str(err.value.file)


def test_missing_file(tmp_path):
    with pytest.raises(UserInputError, match="no company ranking spec"):
        load_company_spec(tmp_path / "nope.yaml")


def test_shipped_company_method_is_the_default_index_specs_section():
    from dramascope.index.spec import load_spec

    loaded = load_company_spec()
    assert loaded.spec == load_spec("default").spec.companies
    assert "default.yaml" in loaded.source
