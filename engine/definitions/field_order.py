"""A form's field order, kept beside its schema where the database would lose it.

PostgreSQL stores JSON columns as JSONB, which keeps an object's keys in its own order
(shortest first), not in the order written: a stored form would show "Metas" before "Fecha
de firma del plan". A version bundle therefore also records, for every ``properties``
object of every form, its field names in order (``"order"``), and reading the bundle puts
them back. Bundles stored before this have no order and stay as the database gives them.
"""

import copy

ORDER_KEY = "order"


def orders_of(schemas: dict[str, dict]) -> dict[str, list]:
    """``{form key: [[path, [names in order]], ...]}`` for every ``properties`` object."""
    return {key: list(_orders(schema, [])) for key, schema in schemas.items()}


def _orders(node, path: list):
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            yield [[*path, "properties"], list(properties)]
        for key, value in node.items():
            yield from _orders(value, [*path, key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _orders(value, [*path, index])


def reordered(schemas: dict[str, dict], orders: dict[str, list] | None) -> dict[str, dict]:
    """``schemas`` with each recorded ``properties`` object back in its recorded order."""
    if not orders:
        return schemas
    return {key: _apply(schema, orders.get(key) or []) for key, schema in schemas.items()}


def _apply(schema: dict, order: list) -> dict:
    schema = copy.deepcopy(schema)
    for path, names in order:
        parent, last = _parent(schema, path)
        if parent is None or not isinstance(parent.get(last), dict):
            continue
        found = parent[last]
        ordered = {name: found[name] for name in names if name in found}
        parent[last] = {**ordered, **{k: v for k, v in found.items() if k not in ordered}}
    return schema


def _parent(node, path: list):
    for part in path[:-1]:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_dict or in_list):
            return None, None
        node = node[part]
    return (node, path[-1]) if isinstance(node, dict) and path else (None, None)
