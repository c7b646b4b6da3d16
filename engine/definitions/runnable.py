"""Elements that parse but would not run as an Acompaña case, each named with the fix.

A case moves only through user tasks (a person's inbox), script and business rule tasks,
gateways, timers and the messages the engine itself sends. A plain task, a receive or manual
task, a process that starts on a message, a signal or a condition, or an event that waits for a
signal or a condition would leave the case waiting with nothing in anyone's inbox; a service
task would stop it with an incident (Acompaña calls no external services); a pool other than
the programme's process, a message flow, a data store or a global task would be dropped
without a word. Every such element is a problem here, found at once with the others.
"""

from lxml import etree

from ..core.errors import ProcessProblem
from .lint_sites import NS, localname

STALLS = {  # tag: (what it is, the fix)
    "task": ("a plain task: a case would stop here with nothing in anyone's inbox",
             "make it a user task (with a form and a lane) or a script task"),
    "receiveTask": ("a receive task: a case would wait here for a message nobody sends",
                    "make it a user task where someone records what was received"),
    "manualTask": ("a manual task: it never reaches anyone's inbox",
                   "make it a user task"),
}
START_TRIGGERS = {  # event definition on a process's start event: what the fix says
    "messageEventDefinition": "a message", "signalEventDefinition": "a signal",
    "conditionalEventDefinition": "a condition", "timerEventDefinition": "a timer",
}
CATCH_TRIGGERS = {"signalEventDefinition": "a signal",  # a condition is re-evaluated as data
                  "messageEventDefinition": "a message"}  # changes; a signal has no sender
# The messages the engine itself sends to a waiting case (engine.commands.places).
ENGINE_MESSAGES = frozenset({"cupo_asignado"})
# A catch event's property naming who sends its message from outside, through the API
# (engine.commands.messages): e.g. "Oficina Local de la Niñez".
SENT_BY = "sentBy"
CANNOT_RUN = {  # tag: (what it is, the fix)
    "dataStoreReference": ("a data store: Acompaña keeps data in the case, not in stores",
                           "delete it and keep the data in the case's forms"),
    "dataStore": ("a data store: Acompaña keeps data in the case, not in stores",
                  "delete it and keep the data in the case's forms"),
    "messageFlow": ("a message flow between pools: only one pool runs, so it is ignored",
                    "delete it; for a wait on another party use a user task"),
    "serviceTask": ("a service task: Acompaña calls no external services",
                    "make it a script task (Python) or a user task"),
    "globalTask": ("a global task: Acompaña cannot call it", "make it a user task in the process"),
    "globalUserTask": ("a global user task: Acompaña cannot call it",
                       "make it a user task in the process"),
    "globalScriptTask": ("a global script task: Acompaña cannot call it",
                         "make it a script task in the process"),
    "globalManualTask": ("a global manual task: Acompaña cannot call it",
                         "make it a user task in the process"),
    "globalBusinessRuleTask": ("a global business rule task: Acompaña cannot call it",
                               "make it a business rule task in the process"),
}


def problems(name: str, root: etree._Element, process_id: str) -> list[ProcessProblem]:
    """Every element of the BPMN document ``root`` (file ``name``) that would not run."""
    found = []
    for node in root.iter():
        tag = localname(node)
        if tag in STALLS and _in_process(node):
            found.append(_problem(name, node, "process.stalls", *STALLS[tag], tag=tag))
        elif tag in CANNOT_RUN:
            found.append(_problem(name, node, "process.cannot_run", *CANNOT_RUN[tag], tag=tag))
        elif tag == "startEvent":
            found += _start_trigger(name, node)
        elif tag == "intermediateCatchEvent":
            found += _catch_trigger(name, node)
    return found + _process_choice(name, root, process_id)


def _in_process(node: etree._Element) -> bool:
    parent = node.getparent()
    return parent is not None and localname(parent) in ("process", "subProcess", "transaction")


def _start_trigger(name: str, node: etree._Element) -> list[ProcessProblem]:
    parent = node.getparent()
    if parent is None or localname(parent) != "process":
        return []  # event subprocesses start on their triggers while the case goes on
    for definition in node:
        trigger = START_TRIGGERS.get(localname(definition))
        if trigger:
            return [_problem(name, node, "process.start_trigger",
                             f"the process starts on {trigger}: Acompaña opens a case when "
                             "someone assigns a household, and nothing else would start it",
                             "make it a plain start event (no trigger)",
                             tag="startEvent", trigger=localname(definition))]
    return []


def _catch_trigger(name: str, node: etree._Element) -> list[ProcessProblem]:
    if _after_event_gateway(node):
        return []  # another event of the gateway (a timer, say) goes on without it
    for definition in node:
        trigger = CATCH_TRIGGERS.get(localname(definition))
        if trigger == "a message" and (_message_name(node, definition) in ENGINE_MESSAGES
                                       or _sent_from_outside(node)):
            continue
        if trigger:
            return [_problem(name, node, "process.waits_forever",
                             f"the case would wait here for {trigger} nobody sends",
                             "make it a user task where someone records it, or a timer; "
                             f"or, when another service sends it through the API, name "
                             f"the sender in the event's {SENT_BY} property",
                             tag="intermediateCatchEvent", trigger=localname(definition))]
    return []


def _after_event_gateway(node: etree._Element) -> bool:
    root = node.getroottree().getroot()
    sources = {f.get("sourceRef") for f in root.iterfind(".//bpmn:sequenceFlow", NS)
               if f.get("targetRef") == node.get("id")}
    return any(localname(n) == "eventBasedGateway"
               for n in root.iter() if isinstance(n.tag, str) and n.get("id") in sources)


def _sent_from_outside(node: etree._Element) -> bool:
    """Whether the catch event names who sends its message through the API (``sentBy``)."""
    return any(p.get("name") == SENT_BY and (p.get("value") or "").strip()
               for p in node.iterfind(".//spiff:property", NS))


def _message_name(node: etree._Element, definition: etree._Element) -> str | None:
    root = node.getroottree().getroot()
    ref = definition.get("messageRef")
    message = next((m for m in root.iterfind("bpmn:message", NS) if m.get("id") == ref), None)
    return message.get("name") if message is not None else None


def _process_choice(name: str, root: etree._Element, process_id: str) -> list[ProcessProblem]:
    """The programme's key must be a process of the file, and it must be executable; any
    other pool with steps of its own would be dropped."""
    processes = root.findall("bpmn:process", NS)
    if not processes:
        return []
    ids = [p.get("id") for p in processes]
    called = {c.get("calledElement") for c in root.iterfind(".//bpmn:callActivity", NS)}
    found = []
    main = next((p for p in processes if p.get("id") == process_id), None)
    if main is None:
        first = processes[0]
        found.append(ProcessProblem(
            name, f"no process has the id '{process_id}' ([programa] clave); the file has "
                  f"{', '.join(repr(i) for i in ids)}",
            first.get("id"), first.sourceline, first.get("name"),
            code="process.id_mismatch",
            extra={"key": process_id, "processes": ", ".join(str(i) for i in ids),
                   "fix": f"set the id of the process to run to '{process_id}', or "
                          f"[programa] clave to its id"}))
    elif main.get("isExecutable") == "false":
        found.append(_problem(name, main, "process.not_executable",
                              "the process is marked as not executable",
                              'set isExecutable="true" on it', tag="process"))
    for process in processes if main is not None else ():
        if process is main or process.get("id") in called or not _has_steps(process):
            continue
        found.append(_problem(name, process, "process.other_pool",
                              f"this pool never runs: only the process '{process_id}' does",
                              "delete the pool, or import it as a programme of its own",
                              tag="process"))
    return found


def _has_steps(process: etree._Element) -> bool:
    return any(localname(n) not in ("laneSet", "documentation", "extensionElements")
               for n in process if isinstance(n.tag, str))


def _problem(file: str, node: etree._Element, code: str, reason: str, fix: str,
             **extra) -> ProcessProblem:
    return ProcessProblem(file, f"{reason}: {fix}", node.get("id"), node.sourceline,
                          node.get("name"), code=code, extra={"fix": fix, **extra})
