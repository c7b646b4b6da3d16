"""The acts a process offers from the case file must each open a form that exists.

An act is an event subprocess whose start event catches a message (engine.runtime.acts); the
case file shows its start event's ``formKey`` form. A missing or unknown form would leave the
Acciones menu with an act nobody can record, so a deploy refuses it, naming the start event.
"""

from lxml import etree

from ..core.errors import ProcessProblem
from .forms import FormLibrary
from .lint_sites import NS

ACT_START = (".//bpmn:subProcess[@triggeredByEvent='true']"
             "/bpmn:startEvent[bpmn:messageEventDefinition]")
FORM_KEY = "bpmn:extensionElements/spiff:properties/spiff:property[@name='formKey']"


def problems(trees: dict[str, etree._Element], forms: FormLibrary) -> list[ProcessProblem]:
    """One problem per act start event without a form, or naming a form that is not there."""
    found = []
    for file, root in trees.items():
        if not file.endswith(".bpmn"):
            continue
        for start in root.iterfind(ACT_START, NS):
            prop = start.find(FORM_KEY, NS)
            key = prop.get("value") if prop is not None else None
            reasons = forms.check(key) if key else [
                "an act started by a message has no form: give its start event a formKey "
                "property naming the act's short form"]
            found += [ProcessProblem(file, reason, start.get("id"), start.sourceline,
                                     start.get("name"), code="process.act_form")
                      for reason in reasons]
    return found
