"""The diagram's elements compared by id, read from the BPMN XML.

An element is what bpmn-js-differ tracks too (flow nodes, sequence and message flows, data
references, lanes and participants), so the page's two views and the list agree; each is
reduced to the attributes a manager cares about (:data:`ATTRIBUTES`). Layout (the DI) is not
compared: an element only moved is not a change here.
"""

from ..lint_sites import FLOW_NODE_TAGS
from .common import Difference, changes, local, parse, text_of

TRACKED = FLOW_NODE_TAGS | {"sequenceFlow", "messageFlow", "dataObjectReference",
                            "dataStoreReference", "lane", "participant"}
ATTRIBUTES = ("type", "name", "lane", "form", "deadline", "assignee", "event", "timer_kind",
              "timer", "condition", "script", "pre_script", "post_script", "decision",
              "called", "default", "attached_to", "interrupting", "source", "target",
              "instructions", "documentation", "properties")
PROPERTIES = {"formKey": "form", "deadline": "deadline", "assignee": "assignee"}
TIMERS = {"timeDate": "date", "timeDuration": "duration", "timeCycle": "cycle"}
REFERENCES = ("source", "target", "attached_to", "default")  # say the element referred to
SCRIPTS = {"preScript": "pre_script", "postScript": "post_script",
           "instructionsForEndUser": "instructions", "calledDecisionId": "decision"}


def differences(old_sources: list[str], new_sources: list[str]) -> list[Difference]:
    """Elements removed, added and changed from the old BPMN files to the new ones."""
    old, new = _elements(old_sources), _elements(new_sources)
    found = [_said("removed", key, old) for key in old if key not in new]
    found += [_said("added", key, new) for key in new if key not in old]
    for key in (k for k in new if k in old):
        changed = changes(old[key], new[key], ATTRIBUTES)
        for change in changed:
            if change["attribute"] in REFERENCES:
                change["before_name"] = _name_of(change["before"], old)
                change["after_name"] = _name_of(change["after"], new)
        if changed:
            found.append(Difference("diagram.element_changed",
                                    {**_named(key, new), "changes": changed}))
    return found


def _name_of(key: str | None, elements: dict[str, dict]) -> str | None:
    return elements.get(key, {}).get("name") if key else None


def _said(kind: str, key: str, elements: dict) -> Difference:
    return Difference(f"diagram.element_{kind}", _named(key, elements))


def _named(key: str, elements: dict[str, dict]) -> dict:
    """What names the element: its id, type and name and, to tell apart elements that have
    no name of their own or share one, the names of what it joins or is attached to
    (``source_name``/``target_name`` of a flow, ``host_name`` of a boundary event)."""
    attrs = elements[key]
    named = {"element": key, "type": attrs["type"], "name": attrs.get("name")}
    for param, ref in (("source_name", "source"), ("target_name", "target"),
                       ("host_name", "attached_to")):
        if attrs.get(ref):
            other = elements.get(attrs[ref], {})
            named[param] = other.get("name") or attrs[ref]
    return named


def _elements(sources: list[str]) -> dict[str, dict]:
    """``{id: attributes}`` of every tracked element of the files, in document order."""
    found: dict[str, dict] = {}
    for text in sources:
        root = parse(text)
        if root is None:
            continue
        lanes = _lanes(root)
        for node in root.iter():
            tag = local(node)
            if tag in TRACKED and node.get("id") and not _in_di(node):
                found.setdefault(node.get("id"), _attributes(node, tag, lanes))
    return found


def _in_di(node) -> bool:
    return any(local(parent) == "BPMNDiagram" for parent in node.iterancestors())


def _lanes(root) -> dict[str, str]:
    """``{flow node id: the name of the innermost lane holding it}``."""
    found = {}
    for lane in root.iter():
        if local(lane) != "lane":
            continue
        for ref in lane:
            if local(ref) == "flowNodeRef" and ref.text:
                found[ref.text.strip()] = lane.get("name") or lane.get("id")
    return found


def _attributes(node, tag: str, lanes: dict[str, str]) -> dict:
    attrs = {"type": tag, "name": (node.get("name") or "").strip() or None,
             "lane": lanes.get(node.get("id")) if tag in FLOW_NODE_TAGS else None,
             "called": node.get("calledElement"), "default": node.get("default"),
             "attached_to": node.get("attachedToRef"), "source": node.get("sourceRef"),
             "target": node.get("targetRef"), "interrupting": _interrupting(node, tag)}
    if tag == "participant":
        attrs["called"] = node.get("processRef")
    attrs.update(_children(node))
    return {k: v for k, v in attrs.items() if v is not None}


def _interrupting(node, tag: str) -> bool | None:
    if tag == "boundaryEvent":
        return node.get("cancelActivity", "true") != "false"
    return None


def _children(node) -> dict:
    """What the element's own children say: documentation, scripts, conditions, timers,
    event definitions and the Spiff properties (not those of nested elements)."""
    attrs: dict = {}
    events, others = [], {}
    for child in node:
        tag = local(child)
        if tag == "documentation":
            attrs["documentation"] = text_of(child)
        elif tag in ("script", "conditionExpression"):
            attrs["script" if tag == "script" else "condition"] = text_of(child)
        elif tag.endswith("EventDefinition"):
            events.append(tag.removesuffix("EventDefinition"))
            attrs.update(_timer(child))
        elif tag == "extensionElements":
            _extensions(child, attrs, others)
    if events:
        attrs["event"] = ",".join(sorted(events))
    if others:
        attrs["properties"] = ", ".join(f"{k}={v}" for k, v in sorted(others.items()))
    return attrs


def _timer(definition) -> dict:
    for child in definition:
        if local(child) in TIMERS:
            return {"timer_kind": TIMERS[local(child)], "timer": text_of(child)}
    return {}


def _extensions(extensions, attrs: dict, others: dict) -> None:
    for child in extensions:
        tag = local(child)
        if tag in SCRIPTS:
            attrs[SCRIPTS[tag]] = text_of(child)
        elif tag == "properties":
            for prop in child:
                name, value = prop.get("name"), prop.get("value")
                if local(prop) != "property" or not name:
                    continue
                if name in PROPERTIES:
                    attrs[PROPERTIES[name]] = value
                else:
                    others[name] = value
