"""Field paths (``metas[0].acciones[1].accion``) shared by names, ids and error keys."""

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def child(path: str, name: str) -> str:
    """The path of property ``name`` inside ``path``."""
    return f"{path}.{name}" if path else name


def item(path: str, index: int) -> str:
    """The path of item ``index`` of the array at ``path``."""
    return f"{path}[{index}]"


def dom_id(path: str) -> str:
    """An HTML id for the field at ``path``."""
    return "f-" + _UNSAFE.sub("-", path).strip("-")
