"""A form's field order survives a database that reorders JSON keys (PostgreSQL's JSONB)."""

import json
from pathlib import Path

from engine.definitions.field_order import orders_of, reordered
from engine.definitions.forms import FormLibrary

ROOT = Path(__file__).resolve().parents[2]


def _shuffled(node):
    """Every object's keys in JSONB's order (shortest first), as PostgreSQL gives them back."""
    if isinstance(node, dict):
        return {k: _shuffled(node[k]) for k in sorted(node, key=lambda k: (len(k), k))}
    if isinstance(node, list):
        return [_shuffled(v) for v in node]
    return node


def test_the_recorded_order_puts_every_properties_object_back():
    library = FormLibrary(ROOT / "forms")
    schemas = {key: library.schema(key) for key in ("familias/plan", "familias/diagnostico",
                                                    "pippi/progetto_quadro")}
    orders = json.loads(json.dumps(orders_of(schemas)))  # stored as JSON
    stored = _shuffled(schemas)
    assert list(stored["familias/plan"]["properties"]) != list(
        schemas["familias/plan"]["properties"])
    back = reordered(stored, orders)
    assert orders_of(back) == orders_of(schemas)  # every field list in its written order


def test_without_a_recorded_order_the_schemas_stay_as_given_and_stale_paths_are_skipped():
    schemas = {"f": {"properties": {"b": {}, "a": {}}}}
    assert reordered(schemas, None) is schemas
    orders = {"f": [[["properties"], ["a", "zz", "b"]], [["x", 3, "properties"], ["q"]]]}
    assert list(reordered(schemas, orders)["f"]["properties"]) == ["a", "b"]
    assert list(schemas["f"]["properties"]) == ["b", "a"]  # the given schemas are not changed
