"""Every JSON Schema an adapter ships is itself a valid Draft 2020-12 schema (checked here once,
not at run time, where it would cost ~0.3 s a schema)."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from didkit.schema import SchemaSet

SETS = [SchemaSet("didkit_wavix"), SchemaSet("didkit_didww")]


@pytest.mark.parametrize("schemas", SETS, ids=lambda s: s.package)
def test_adapter_schemas_are_valid(schemas: SchemaSet) -> None:
    names = schemas.names()
    assert len(names) >= 5
    for name in names:
        Draft202012Validator.check_schema(schemas[name].schema)
