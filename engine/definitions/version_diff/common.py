"""What every part of the comparison shares: a difference, and the changes of one thing."""

from dataclasses import dataclass, field

from lxml import etree

from ..parsing import SAFE_PARSER, as_utf8


@dataclass(frozen=True)
class Difference:
    """One difference: a stable code and what it names (the web words it)."""

    code: str
    params: dict = field(default_factory=dict)


def changes(before: dict, after: dict, attributes) -> list[dict]:
    """``[{attribute, before, after}]`` for each of ``attributes`` whose value differs."""
    return [{"attribute": name, "before": before.get(name), "after": after.get(name)}
            for name in attributes if before.get(name) != after.get(name)]


def parse(text: str):
    """The XML root of a source, or None when it cannot be read (nothing to compare in it)."""
    try:
        return etree.fromstring(as_utf8(text), SAFE_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None


def local(node) -> str:
    """An element's tag without its namespace ('' for comments and the like)."""
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def text_of(node) -> str | None:
    """The stripped text of ``node`` (None when missing or empty)."""
    if node is None:
        return None
    text = "".join(node.itertext()).strip()
    return text or None
