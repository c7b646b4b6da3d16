"""The differences between two versions (engine.definitions.version_diff codes) in words a
manager reads, in the reader's language."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

SHORT = 160  # longer values (scripts, texts) are said to have changed, not quoted
TYPES = {
    "userTask": _l("tarea de una persona"), "manualTask": _l("tarea manual"),
    "scriptTask": _l("tarea automática"), "serviceTask": _l("tarea de servicio"),
    "businessRuleTask": _l("tabla de decisión"), "sendTask": _l("envío"),
    "receiveTask": _l("recepción"), "task": _l("tarea"), "subProcess": _l("subproceso"),
    "callActivity": _l("llamada a otro proceso"), "startEvent": _l("inicio"),
    "endEvent": _l("fin"), "intermediateCatchEvent": _l("evento intermedio"),
    "intermediateThrowEvent": _l("evento intermedio"), "boundaryEvent": _l("evento de borde"),
    "exclusiveGateway": _l("decisión"), "parallelGateway": _l("bifurcación paralela"),
    "inclusiveGateway": _l("decisión inclusiva"), "eventBasedGateway": _l("espera de eventos"),
    "sequenceFlow": _l("flecha"), "messageFlow": _l("flecha de mensaje"),
    "lane": _l("carril"), "participant": _l("participante"),
    "dataObjectReference": _l("datos"), "dataStoreReference": _l("almacén de datos"),
}
ATTRIBUTES = {
    "type": _l("tipo"), "name": _l("nombre"), "lane": _l("carril"), "form": _l("formulario"),
    "deadline": _l("plazo"), "assignee": _l("quién recibe la tarea"),
    "event": _l("tipo de evento"), "timer_kind": _l("tipo de temporizador"),
    "timer": _l("temporizador"), "condition": _l("condición"), "script": _l("script"),
    "pre_script": _l("script previo"), "post_script": _l("script posterior"),
    "decision": _l("tabla de decisión"), "called": _l("proceso llamado"),
    "default": _l("flecha por defecto"), "attached_to": _l("paso al que se adhiere"),
    "interrupting": _l("interrumpe el paso"), "source": _l("origen"), "target": _l("destino"),
    "instructions": _l("instrucciones"), "documentation": _l("documentación"),
    "properties": _l("otras propiedades"),
    # form fields
    "title": _l("título"), "required": _l("obligatorio"), "format": _l("formato"),
    "enum": _l("opciones"),
    # deadline rules
    "days": _l("días"), "months": _l("meses"), "kind": _l("forma de contar"),
    "anchor": _l("desde"), "reminder_days": _l("aviso (días antes)"),
    "escalate_to": _l("al vencer, avisar a"),
}
VALUES = {
    True: _l("sí"), False: _l("no"), "habiles": _l("días hábiles"),
    "corridos": _l("días corridos"), "inicio_paso": _l("el inicio del paso"),
    "supervisor": _l("la supervisión"), "manager": _l("la gestión del programa"),
    "caseworker": _l("la persona a cargo del caso"), "date": _l("fecha"),
    "duration": _l("duración"), "cycle": _l("ciclo"),
}
GROUPS = {"diagram": _l("Diagrama"), "forms": _l("Formularios"),
          "deadlines": _l("Plazos y ciclos"), "rules": _l("Tablas de decisión"),
          "other": _l("Otros ajustes")}


def type_name(kind: str | None) -> str:
    """An element type in words."""
    return str(TYPES.get(kind or "", kind or "—"))


def value(found) -> str:
    """A value as quoted in a sentence (``—`` when missing)."""
    if found is None or found == "" or found == []:
        return "—"
    if isinstance(found, bool):
        return str(VALUES[found])
    if isinstance(found, list):
        return ", ".join(f"«{v}»" for v in found)
    if isinstance(found, str) and found in VALUES:
        return str(VALUES[found])
    return f"«{found}»"


def change(item: dict) -> str:
    """One attribute's change: ``nombre: «A» → «B»`` (long texts: only that it changed)."""
    name = str(ATTRIBUTES.get(item.get("attribute"), item.get("attribute")))
    before = item.get("before_name") or item.get("before")
    after = item.get("after_name") or item.get("after")
    if before == after and item.get("before") != item.get("after"):  # same name, other element
        before = f"{before} ({item.get('before')})"
        after = f"{after} ({item.get('after')})"
    if item.get("attribute") == "enum" and (item.get("added") or item.get("removed")):
        parts = []
        if item.get("added"):
            parts.append(_("opciones nuevas %(values)s", values=value(item["added"])))
        if item.get("removed"):
            parts.append(_("opciones quitadas %(values)s", values=value(item["removed"])))
        return "; ".join(parts)
    if any(isinstance(v, str) and (len(v) > SHORT or "\n" in v) for v in (before, after)):
        return _("%(what)s cambió", what=name)
    if before is None:
        return _("%(what)s: ahora %(after)s", what=name, after=value(after))
    if after is None:
        return _("%(what)s: ya no tiene (era %(before)s)", what=name, before=value(before))
    return f"{name}: {value(before)} → {value(after)}"


def _element(p: dict) -> dict:
    """The element's type and name: a flow without a name by what it joins, a boundary event
    with the step it is attached to (many share a name such as «Aviso de plazo»)."""
    name = p.get("name")
    if not name and p.get("source_name") and p.get("target_name"):
        name = f"{p['source_name']} → {p['target_name']}"
    elif name and p.get("host_name"):
        name = f"{name} ({p['host_name']})"
    return {"type": type_name(p.get("type")), "name": name or p.get("element")}


def _changes(p: dict) -> str:
    return "; ".join(change(c) for c in p.get("changes", []))


def _entries(entries: list[dict]) -> str:
    return ", ".join(f"{e['column']} {e['text']}" for e in entries) or "—"


def word_difference(code: str, p: dict) -> str:
    """One difference in the reader's language."""
    words = {
        "diagram.element_added": lambda: _("Nuevo: %(type)s «%(name)s».", **_element(p)),
        "diagram.element_removed": lambda: _("Quitado: %(type)s «%(name)s».", **_element(p)),
        "diagram.element_changed": lambda: _("Cambió %(type)s «%(name)s»: %(changes)s.",
                                             changes=_changes(p), **_element(p)),
        "form.added": lambda: _("Formulario nuevo «%(title)s».", title=p["title"]),
        "form.removed": lambda: _("Formulario quitado «%(title)s».", title=p["title"]),
        "form.changed": lambda: _("Formulario «%(title)s»: %(changes)s.", title=p["title"],
                                  changes=_changes(p)),
        "form.field_added": lambda: (
            _("«%(form)s»: campo nuevo obligatorio «%(title)s».", form=p["form_title"],
              title=p["title"]) if p.get("required") else
            _("«%(form)s»: campo nuevo «%(title)s».", form=p["form_title"], title=p["title"])),
        "form.field_removed": lambda: _("«%(form)s»: campo quitado «%(title)s».",
                                        form=p["form_title"], title=p["title"]),
        "form.field_changed": lambda: _("«%(form)s»: el campo «%(title)s» cambió: "
                                        "%(changes)s.", form=p["form_title"],
                                        title=p["title"], changes=_changes(p)),
        "deadline.added": lambda: _("Plazo nuevo «%(title)s».", title=p["title"]),
        "deadline.removed": lambda: _("Plazo quitado «%(title)s».", title=p["title"]),
        "deadline.changed": lambda: _("Plazo «%(title)s»: %(changes)s.", title=p["title"],
                                      changes=_changes(p)),
        "cycle.added": lambda: _("Ciclo nuevo «%(cycle)s»: %(after)s.", cycle=p["cycle"],
                                 after=value(p.get("after"))),
        "cycle.removed": lambda: _("Ciclo quitado «%(cycle)s».", cycle=p["cycle"]),
        "cycle.changed": lambda: _("Ciclo «%(cycle)s»: %(before)s → %(after)s.",
                                   cycle=p["cycle"], before=value(p.get("before")),
                                   after=value(p.get("after"))),
        "settings.table_changed": lambda: _("Cambió la tabla de ajustes [%(table)s].",
                                            table=p["table"]),
        "rules.decision_added": lambda: _("Tabla de decisión nueva «%(name)s».",
                                          name=p["name"]),
        "rules.decision_removed": lambda: _("Tabla de decisión quitada «%(name)s».",
                                            name=p["name"]),
        "rules.hit_policy_changed": lambda: _(
            "«%(name)s»: la política de aciertos cambió de %(before)s a %(after)s.",
            name=p["name"], before=p.get("before"), after=p.get("after")),
        "rules.columns_changed": lambda: _(
            "«%(name)s»: las columnas cambiaron de %(before)s a %(after)s.", name=p["name"],
            before=value(p.get("before")), after=value(p.get("after"))),
        "rules.row_added": lambda: _(
            "«%(name)s»: fila nueva %(number)s (si %(inputs)s, entonces %(outputs)s).",
            name=p["name"], number=p["number"], inputs=_entries(p["inputs"]),
            outputs=_entries(p["outputs"])),
        "rules.row_removed": lambda: _(
            "«%(name)s»: fila quitada %(number)s (si %(inputs)s, entonces %(outputs)s).",
            name=p["name"], number=p["number"], inputs=_entries(p["inputs"]),
            outputs=_entries(p["outputs"])),
        "rules.row_changed": lambda: _("«%(name)s»: la fila %(number)s cambió: %(changes)s.",
                                       name=p["name"], number=p["number"],
                                       changes=_cells(p)),
    }
    found = words.get(code)
    return found() if found else _("Otro cambio (%(code)s).", code=code)


def _cells(p: dict) -> str:
    return "; ".join(f"{c['column']}: {value(c.get('before'))} → {value(c.get('after'))}"
                     for c in p.get("changes", []))
