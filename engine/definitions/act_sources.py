"""Which acts of a version interrupt the case, read from its BPMN (SpiffWorkflow drops it).

An event subprocess's start event is interrupting unless it says ``isInterrupting="false"``
(the BPMN default is true); SpiffWorkflow 3.2 does not keep the attribute in its specs, so the
engine reads it from the version's own sources, once per version.
"""

from lxml import etree
from sqlalchemy.orm import Session

from ..persistence.models import ProcessDefinition
from .lint_sites import NS


def interrupting_starts(session: Session, definition_id: int) -> frozenset[str]:
    """The ids of the interrupting start events of the version's event subprocesses."""
    definition = session.get(ProcessDefinition, definition_id)
    key = (definition.id, definition.content_hash)
    cached = _cache.get(key)
    if cached is None:
        cached = _cache[key] = _from_sources(definition.sources or {})
    return cached


_cache: dict[tuple[int, str], frozenset[str]] = {}  # by (version id, content hash)


def _from_sources(sources: dict) -> frozenset[str]:
    found = set()
    for name, text in sources.items():
        if not name.endswith(".bpmn") or not isinstance(text, str):
            continue
        root = etree.fromstring(text.encode("utf-8"),
                                etree.XMLParser(resolve_entities=False, no_network=True))
        for start in root.iterfind(".//bpmn:subProcess[@triggeredByEvent='true']/bpmn:startEvent",
                                   NS):
            if start.get("isInterrupting", "true") != "false":
                found.add(start.get("id"))
    return frozenset(found)
