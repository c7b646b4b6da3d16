"""Field paths (``metas[0].acciones[1].accion``): the input names, the error keys, the ids."""

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def child(path: str, name: str) -> str:
    """The path of property ``name`` of the object at ``path`` (``""`` is the form itself)."""
    return f"{path}.{name}" if path else name


def item(path: str, index: int | str) -> str:
    """The path of entry ``index`` of the array at ``path``."""
    return f"{path}[{index}]"


def dom_id(path: str) -> str:
    """An HTML id for the field at ``path``: ``metas[0].meta`` → ``f-metas-0-meta``.

    formkit.js computes the same ids when it renumbers rows; keep both in step.
    """
    return "f-" + _UNSAFE.sub("-", path).strip("-")


def humanized(path: str) -> str:
    """A fallback label from the last property name: ``fecha_limite`` → ``Fecha limite``."""
    name = path.rsplit(".", 1)[-1].split("[", 1)[0]
    return name.replace("_", " ").strip().capitalize() or path
