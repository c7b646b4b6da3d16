"""The Spanish sentence of every engine code (errors, events, refusals), each with the same
``%(name)s`` placeholders as the code's params; the source text gettext translates (Italian
and English ``msgstr`` at the end of ``web/translations/{it,en}/LC_MESSAGES/messages.po``).
How they are worded for a reader is :mod:`web.messages`."""


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention for "translate when shown"
    """Mark ``msgid`` for translation; it is translated when worded."""
    return msgid


GENERIC = N_("No se pudo completar la acción.")
GENERIC_EVENT = N_("Evento del caso")

WORDINGS: dict[str, str] = {
    "engine.error": GENERIC,
    "case.not_found": N_("El caso %(case)s no existe o no tiene acceso a él."),
    "case.changed_concurrently": N_("Otra persona cambió el caso al mismo tiempo; no se "
                                    "guardó nada. Vuelva a intentarlo."),
    "case.busy": N_("El caso está ocupado; inténtelo de nuevo en un momento."),
    "case.data_too_large": N_("Los datos del caso ocuparían %(megabytes)s MB, más que el "
                              "máximo de %(limit_mb)s MB (paso %(element)s); no se guardó "
                              "nada."),
    "policy.not_in_territory": N_("Usted no trabaja en el territorio %(territory)s."),
    "territory.not_found": N_("No existe el territorio %(territory)s."),
    "holiday.not_found": N_("Ese feriado ya no está en %(territory)s."),
    "person.not_found": N_("No existe la persona %(person)s."),
    "person.still_holds": N_("%(person)s aún lleva %(cases)s caso(s) y %(steps)s paso(s) "
                             "abiertos: entréguelos a un colega antes de desactivarla."),
    "policy.not_admin_of_country": N_("Usted no administra ningún territorio de %(country)s."),
    "household.not_found": N_("No existe la familia %(household)s en %(territory)s."),
    "privacy.no_such_member": N_("El hogar %(household)s no tiene un integrante número "
                                 "%(member)s."),
    "privacy.legal_hold": N_("No se borra: el caso %(case)s está abierto con un acto de "
                             "protección (%(act)s); sus datos se conservan mientras siga "
                             "abierto."),
    "privacy.already_erased": N_("Los datos de ese integrante del hogar %(household)s ya "
                                 "fueron borrados."),
    "instance.not_found": N_("No existe el proceso %(instance)s."),
    "task.not_found": N_("Esta tarea ya no está abierta o no tiene acceso a ella."),
    "task.already_claimed": N_("%(assignee)s ya tomó esta tarea."),
    "task.already_completed": N_("%(by)s ya completó «%(title)s» el %(at)s."),
    "task.closed_meanwhile": N_("Esta tarea se cerró mientras tanto (otra persona la "
                                "completó o venció su plazo)."),
    "policy.task_held_by_other": N_("Esta tarea está asignada a %(assignee)s."),
    "policy.needs_task_role": N_("La tarea «%(title)s» requiere el rol %(role)s."),
    "policy.supervisor_only": N_("Solo un supervisor de este territorio puede reasignar "
                                    "tareas."),
    "policy.transfer_not_allowed": N_("Solo un supervisor de este territorio puede "
                                      "transferir el caso."),
    "policy.name_not_allowed": N_("Solo la persona a cargo del caso o un supervisor de su "
                                  "territorio puede cambiar a quién se asigna."),
    "routing.unknown_person": N_("No hay una persona activa llamada «%(person)s»."),
    "routing.needs_role": N_("%(person)s no puede recibir «%(what)s»: no tiene el rol "
                             "%(role)s."),
    "routing.not_in_territory": N_("%(person)s no puede recibir «%(what)s»: no trabaja en el "
                                   "territorio del caso."),
    "routing.already_holds": N_("%(person)s ya tiene a cargo este caso."),
    "post.not_found": N_("El proceso de este caso no tiene el puesto «%(post)s»."),
    "task.invalid_data": N_("Revise los campos marcados: no se guardó nada."),
    "input.invalid": N_("Revise los campos marcados: no se guardó nada."),
    "deadlines.already_paused": N_("Los plazos de este caso ya están en pausa."),
    "deadlines.not_paused": N_("Los plazos de este caso no están en pausa."),
    "policy.pause_not_allowed": N_("Solo la profesional a cargo del caso o un supervisor "
                                      "de su territorio puede pausar o reanudar sus plazos."),
    "policy.correct_not_allowed": N_("Solo quien completó el paso o un supervisor de su "
                                     "territorio puede corregirlo."),
    "policy.household_not_allowed": N_("Solo la profesional a cargo del caso o un supervisor "
                                       "de su territorio puede modificar los datos del hogar."),
    "policy.attach_not_allowed": N_("Solo quien completó el paso, la profesional a cargo del "
                                    "caso o un supervisor de su territorio puede adjuntar "
                                    "documentos."),
    "document.not_found": N_("No hay un documento %(document)s."),
    "place.already_enrolled": N_("El caso ya tiene un cupo o espera uno."),
    "act.case_closed": N_("El caso está cerrado: ya no admite acciones."),
    "act.not_offered": N_("La versión del proceso de este caso no ofrece esa acción."),
    "policy.act_not_allowed": N_("Solo la profesional a cargo del caso o un supervisor de su "
                                 "territorio puede registrar acciones en él."),
    "place.none_configured": N_("No hay cupos de «%(modality)s» en %(territory)s: hay que "
                                "agregarlos a los ajustes del programa."),
    "policy.not_allowed": N_("Su rol no le permite hacer esto."),
    "policy.holder_or_supervisor": N_("Solo quien tiene la tarea o un supervisor de su "
                                      "territorio puede hacerlo."),
    "policy.programme_not_enabled": N_("Este programa no está habilitado en %(territory)s."),
    "policy.programme_not_started": N_("Este programa comienza en %(territory)s el "
                                       "%(starts_on)s: aún no se abren casos allí."),
    "policy.country_mismatch": N_("El programa %(programme)s funciona en %(country)s y "
                                  "%(territory)s está en %(territory_country)s."),
    "migration.needs_mapping": N_("El paso «%(name)s» (%(element)s) no existe en la nueva "
                                  "versión: indique a qué paso pasa."),
    "migration.mapping_unknown": N_("El paso %(target)s al que se llevaría %(element)s no "
                                    "existe en la nueva versión."),
    "migration.mapping_kind": N_("El paso %(target)s no es del mismo tipo que %(element)s."),
    "migration.kind_changed": N_("El paso abierto %(element)s cambió de tipo en la nueva "
                                 "versión."),
    "migration.subprocess_gone": N_("El subproceso %(process)s, ya iniciado, no existe en la "
                                    "nueva versión."),
    "migration.element_gone": N_("El paso %(element)s no existe en la nueva versión."),
    "migration.open_incident": N_("El caso tiene un incidente abierto en %(element)s."),
    "migration.paused": N_("Los plazos del caso están en pausa."),
    "migration.same_version": N_("El caso ya está en la versión %(version)s."),
    "migration.bad_mapping": N_("Correspondencia de pasos no válida: %(detail)s"),
    "migration.bad_deadlines": N_("Opción de plazos no válida: %(value)s (keep o recompute)."),
    "migration.batch_not_found": N_("No existe la migración %(batch)s."),
    "migration.still_running": N_("La migración %(batch)s sigue en curso: espere a que termine "
                                  "para deshacerla."),
    "migration.not_migrated": N_("El caso %(case)s no fue migrado (estado: %(status)s)."),
    "migration.moved_on": N_("El caso %(case)s avanzó después de la migración (%(at)s, "
                             "%(by)s): no se puede deshacer."),
    "migration.failed": N_("La migración del caso falló: %(detail)s"),
    "import.not_found": N_("La importación %(import)s no existe o no tiene acceso a ella."),
    "import.already_started": N_("La importación %(import)s ya se inició: no se cambió nada."),
    "import.row_failed": N_("No se pudo guardar esta fila; las demás siguieron."),
    "policy.import_not_allowed": N_("Solo un supervisor, gestor o administrador de "
                                    "%(territory)s puede importar familias allí."),
    "programme.not_found": N_("No existe el programa %(programme)s."),
    "programme.not_deployed": N_("El programa %(programme)s no tiene un proceso publicado."),
    "version.not_found": N_("No existe la versión %(definition)s del proceso."),
    "settings.invalid": N_("No se guardó ningún cambio: revise los campos marcados."),
    "settings.changed_meanwhile": N_("Otra persona cambió estos ajustes mientras usted "
                                     "editaba; no se guardó nada. Revise los valores "
                                     "actuales y vuelva a intentarlo."),
    "instrument.not_found": N_("El programa %(programme)s no tiene la lista de referencia "
                               "«%(instrument)s»."),
    "draft.changed_meanwhile": N_("%(by)s guardó este borrador el %(at)s, después de que "
                                  "usted lo abriera; no se guardó nada suyo. Vuelva a cargar "
                                  "el borrador para ver sus cambios."),
    "draft.not_found": N_("El programa %(programme)s no tiene un borrador abierto: ábralo de "
                          "nuevo desde el modelador."),
    "policy.not_in_country": N_("Usted no trabaja en ningún territorio de %(country)s, "
                                       "donde funciona %(programme)s."),
    "report.not_found": N_("No hay informe de resultados para el programa %(programme)s."),
    "incident.not_found": N_("No existe el incidente abierto %(incident)s."),
    "script.failed": N_("Un paso automático del proceso falló (%(element)s); quedó "
                        "registrado como incidente y el caso no cambió."),
    "script.too_many_timers": N_("Demasiados plazos vencieron de una vez (más de %(limit)s); "
                                 "quedó registrado como incidente."),
    "script.message_not_awaited": N_("El proceso no espera el mensaje «%(message)s»."),
    "message.not_awaited": N_("El caso %(case)s no espera el mensaje «%(message)s»; ahora "
                              "espera: %(awaited)s."),
    "script.unsafe": N_("Un script del proceso usa algo que no está permitido."),
    "move.case_closed": N_("El caso está cerrado: no se puede mover a otro paso."),
    "move.case_changed": N_("%(by)s registró «%(step)s» (%(at)s) mientras usted miraba el "
                            "caso; no se movió nada. Revise el caso y elija de nuevo."),
    "move.parallel_branches": N_("El caso está abierto en dos ramas de su recorrido "
                                 "principal: no se puede mover como un todo."),
    "move.nothing_open": N_("El caso no tiene ningún paso abierto en su recorrido principal."),
    "policy.move_not_allowed": N_("Solo un administrador del territorio del caso puede "
                                  "moverlo a otro paso."),
    "incident.unexpected": N_("Falló algo que el motor no esperaba (%(kind)s): avise a quien "
                              "administra Acompaña; el detalle técnico está aquí abajo."),
    # deploy problems (the command line words them in English; these are for pages)
    "process.problem": N_("%(file)s, línea %(line)s, %(element)s: el proceso tiene un problema "
                          "en este elemento (el detalle técnico va aparte)."),
    "process.no_bpmn": N_("No hay ningún archivo .bpmn que publicar."),
    "process.xml_syntax": N_("%(file)s, línea %(line)s: el XML no es válido: el archivo está "
                             "dañado o incompleto."),
    "process.unsupported_element": N_("%(file)s, línea %(line)s: el elemento <%(tag)s> "
                                      "(%(element)s) no está soportado."),
    "process.no_start_event": N_("%(file)s, línea %(line)s: el proceso %(element)s no tiene "
                                 "evento de inicio."),
    "process.settings_invalid": N_("%(file)s: los ajustes del programa no son válidos."),
    # the reason of code is the Python check's own text: it is the content, not folded
    "process.never_runs": N_("%(file)s, línea %(line)s, %(element)s: código que nunca se "
                             "ejecuta (%(what)s): %(detail)s"),
    "process.unsafe_code": N_("%(file)s, línea %(line)s, %(element)s: código no permitido "
                              "(%(what)s): %(detail)s"),
    "process.subprocess_in_lane": N_("%(file)s, línea %(line)s: el subproceso %(element)s "
                                     "tiene carriles propios pero está dentro de otro carril."),
    "process.not_valid_bpmn": N_("%(file)s, línea %(line)s, %(element)s: el BPMN de este "
                                 "elemento no es válido."),
    "process.user_task": N_("%(file)s, línea %(line)s: la tarea %(element)s no está bien "
                            "definida."),
    "process.act_form": N_("%(file)s, línea %(line)s: la acción %(element)s no tiene un "
                           "formulario válido: %(detail)s"),
    "process.instrument_state": N_("%(file)s, instrumento «%(instrument)s»: falta su fuente o "
                                   "su estado no es uno de: %(allowed)s (%(field)s)."),
    "process.instrument_forms": N_("%(file)s, instrumento «%(instrument)s»: nombra formularios "
                                   "o datos de referencia que el proceso no tiene: %(forms)s."),
    "process.instrument_marked": N_("%(file)s, instrumento «%(instrument)s»: está como oficial "
                                    "pero %(marked)s de sus ítems siguen marcados como "
                                    "provisionales o reconstruidos."),
    "process.instrument_unmarked": N_("%(file)s, instrumento «%(instrument)s»: está como "
                                      "%(state)s pero ninguno de sus ítems lo está: ponga "
                                      "estado = \"oficial\"."),
    # task forms (engine.definitions.form_checks)
    "form.not_an_object": N_("El formulario debe ser un objeto JSON ({…})."),
    "form.not_json": N_("Lo enviado no es JSON válido."),
    "form.too_many_fields": N_("El formulario dibujaría más de %(limit)s campos (con las filas "
                               "de los grupos repetibles): divídalo o reduzca los mínimos."),
    "form.too_deep": N_("El formulario anida más de %(limit)s niveles: simplifíquelo."),
    "form.too_large": N_("El formulario ocupa más de %(limit)s KB."),
    "form.unknown_keyword": N_("«%(keyword)s» no es una propiedad que usen los formularios de "
                               "Acompaña: revise cómo está escrita o quítela."),
    "form.bad_field_name": N_("El nombre de campo «%(name)s» solo puede tener letras sin acentos, "
                              "números y _, y no empezar con un número."),
    "form.wrong_type": N_("Tipo de valor incorrecto: se esperaba %(expected)s."),
    "form.value_not_allowed": N_("Valor no admitido; use uno de: %(allowed)s."),
    "form.missing_keyword": N_("Falta «%(keyword)s»."),
    "form.out_of_range": N_("Valor fuera del rango admitido (límite: %(limit)s)."),
    "form.duplicate": N_("La lista tiene un valor repetido."),
    "form.bad_name": N_("«%(value)s» no es un nombre válido: use minúsculas sin acentos, números y"
                        " _."),
    "form.invalid": N_(
        "El formulario no es válido en %(path)s: ábralo en el editor de formularios y corrija "
        "ese campo (su tipo, sus opciones o sus límites)."),
    "form.required_unknown": N_("«%(name)s» está marcado como obligatorio, pero no hay ningún "
                                "campo con ese nombre."),
    "form.condition_unknown_field": N_("La condición usa el campo «%(name)s», que este formulario "
                                       "no tiene."),
    "form.labels_without_options": N_("Hay etiquetas de opciones (x-labels), pero el campo no "
                                      "tiene opciones (enum)."),
    "form.label_not_an_option": N_("La etiqueta de «%(option)s» no corresponde a ninguna opción "
                                   "del campo."),
    "form.min_over_max": N_("El mínimo (%(low)s) es mayor que el máximo (%(high)s)."),
    "form.pattern_invalid": N_(
        "El patrón del campo %(path)s no es una expresión regular válida: corríjalo en el "
        "editor de formularios (por ejemplo ^[0-9]+$) o quítelo."),
    "form.default_invalid": N_("El valor por defecto no es una respuesta válida de este campo."),
    "form.group_without_fields": N_("El grupo repetible no tiene campos: agregue al menos uno."),
    "form.textarea_not_text": N_("El cuadro de texto largo (x-widget: textarea) solo sirve para "
                                 "campos de texto."),
    "form.reference_unknown": N_("No existen los datos de referencia «%(name)s»; disponibles: "
                                 "%(known)s."),
    "form.reference_broken": N_(
        "Los datos de referencia «%(name)s» que usa %(path)s están mal formados: corrija su "
        "archivo (código, texto y estados de cada elemento) o elija otros datos de referencia."),
    "form.grid_extra": N_("«%(keyword)s» no puede ir junto a una matriz (x-reference): solo título"
                          " y descripción."),
    "form.grid_indicator_missing": N_("Falta en la matriz el indicador %(indicator)s de "
                                      "«%(name)s»."),
    "form.grid_indicator_unknown": N_("«%(name)s» no tiene el indicador %(indicator)s."),
    "form.grid_state_unknown": N_("«%(name)s» no tiene el estado %(state)s."),
    "form.grid_dimension_unknown": N_("«%(name)s» no tiene la dimensión %(dimension)s."),
    "process.stalls": N_("%(file)s, línea %(line)s, %(element)s: este elemento (<%(tag)s>) "
                         "dejaría el caso esperando sin nada en la bandeja de nadie; "
                         "conviértalo en una tarea de usuario."),
    "process.start_trigger": N_("%(file)s, línea %(line)s, %(element)s: el proceso empieza "
                                "con un disparador que nadie envía (Acompaña abre el caso al "
                                "asignar una familia); deje el evento de inicio sin "
                                "disparador."),
    "process.waits_forever": N_("%(file)s, línea %(line)s, %(element)s: el caso esperaría "
                                "aquí un mensaje o una señal que nadie envía; use una tarea "
                                "de usuario o un temporizador, o, si otro servicio envía el "
                                "mensaje por la API, nómbrelo en la propiedad sentBy del "
                                "evento."),
    "process.cannot_run": N_("%(file)s, línea %(line)s, %(element)s: Acompaña no puede "
                             "ejecutar este elemento (<%(tag)s>); elimínelo."),
    "process.id_mismatch": N_("%(file)s: ningún proceso tiene el id «%(key)s» (la clave del "
                              "programa); el archivo tiene %(processes)s. Cambie el id del "
                              "proceso o la clave."),
    "process.not_executable": N_("%(file)s, línea %(line)s: el proceso %(element)s está "
                                 "marcado como no ejecutable; márquelo como ejecutable."),
    "process.other_pool": N_("%(file)s, línea %(line)s: el carril o pool %(element)s nunca "
                             "se ejecuta; elimínelo o impórtelo como otro programa."),
    "process.foreign_expression": N_("%(file)s, línea %(line)s, %(element)s: escrito en "
                                     "%(language)s; reescríbalo en Python (el original: "
                                     "%(original)s)."),
    "process.check_failed": N_("%(file)s: la revisión falló por un error inesperado "
                               "(%(kind)s); lo guardado no se perdió. Avise a quien "
                               "administra Acompaña."),
    "process.too_large": N_("%(file)s es demasiado grande (más de %(limit_mb)s MB): ¿es el "
                            "archivo correcto?"),
    "import.unusable": N_(
        "%(file)s no se puede importar: no es un diagrama BPMN 2.0 que se pueda leer. Expórtelo "
        "de nuevo como .bpmn desde la otra herramienta; el borrador quedó como estaba."),
    "import.encoding_fallback": N_("%(file)s declara %(declared)s pero no lo es; se leyó "
                                   "como %(used)s: revise los acentos."),
    "import.choose_process": N_("%(file)s tiene varios procesos (%(processes)s): elija cuál "
                                "importar."),
    "import.not_carried": N_(
        "%(file)s, línea %(line)s, %(element)s: no se trajo %(attribute)s = «%(value)s», que "
        "Acompaña no usa; si hacía falta, indíquelo de nuevo en el grupo Acompaña del elemento."),
    "import.carried": N_(
        "%(file)s, línea %(line)s, %(element)s: se trajo %(attribute)s = «%(value)s» como "
        "propiedad de Acompaña; revísela en el grupo Acompaña del elemento."),
    # what happened to a case (step and modality names are the process's own)
    "event.case_started": N_("Caso abierto en %(programme)s (versión %(version)s)"),
    "event.task_completed": N_("Completado: %(step)s"),
    "event.task_claimed": N_("Tarea tomada: %(step)s"),
    "event.task_released": N_("Tarea devuelta a las tareas por tomar: %(step)s"),
    "event.task_reassigned": N_("Tarea reasignada a %(to)s: %(step)s"),
    "event.draft_saved": N_("Borrador guardado: %(step)s"),
    "event.overdue_closed": N_("Paso atrasado cerrado: %(step)s"),
    "event.deadline_passed": N_("Se cumplió el plazo «%(step)s» de %(host)s"),
    "event.reminder": N_("Aviso de plazo: %(host)s"),
    "event.escalation": N_("Plazo vencido: %(host)s"),
    "event.timer_fired": N_("Llegó el momento: %(step)s"),
    "event.case_closed": N_("Caso cerrado: %(step)s"),
    "event.alert": N_("Alerta: %(step)s"),
    "event.message_sent": N_("Mensaje enviado a otro proceso: %(step)s"),
    "event.message_received": N_("Mensaje recibido: %(step)s"),
    "event.system_step": N_("Paso automático: %(step)s"),
    "event.decision": N_("Decisión: %(step)s"),
    "event.deadlines_paused": N_("Plazos en pausa: %(reason)s"),
    "event.act_recorded": N_("Acción registrada: %(act)s"),
    "event.case_moved": N_("Caso trasladado de %(from)s a %(to)s"),
    "event.place_assigned": N_("Cupo asignado: %(modality)s"),
    "event.place_assigned_from_list": N_("Cupo asignado desde la lista de espera: "
                                         "%(modality)s"),
    "event.waiting_listed": N_("En lista de espera (n.º %(position)s): %(modality)s"),
    "event.waiting_list_left": N_("Retiro de la lista de espera: %(modality)s"),
    "event.place_released": N_("Cupo liberado: %(modality)s"),
    "event.frame_taken": N_("Familia tomada a cargo en %(territory)s: %(used)s de "
                            "%(capacity)s familias de la implementación (quedan %(left)s)"),
    "event.frame_exceeded": N_("Sobre el marco de %(territory)s: %(used)s familias para "
                               "%(capacity)s lugares de la implementación"),
    "event.incident_retried": N_("Incidente reintentado: %(step)s"),
    "event.incident_cancelled": N_("Incidente cancelado (%(step)s): %(reason)s"),
    "event.step_corrected": N_("Corregido: %(step)s (motivo: %(reason)s)"),
    "event.household_changed": N_("Datos del hogar modificados: %(parts)s"),
    "event.personal_data_erased": N_("Datos personales borrados o anonimizados (solicitud "
                                     "%(request)s, %(kind)s)"),
    "event.document_attached": N_("Documento adjuntado a %(step)s: %(name)s"),
    "event.review_closed": N_("Revisión cerrada sola: %(late_step)s"),
    "event.review_closed_step_done": N_("Revisión cerrada sola: «%(late_step)s» ya se "
                                        "completó"),
    "event.review_closed_duplicate": N_("Revisión cerrada sola: «%(late_step)s» ya tenía "
                                        "una revisión abierta"),
    "event.urgent": N_("Paso urgente para %(to)s: %(step)s"),
    "event.case_person_named": N_("%(post)s del caso: %(to)s (pasos abiertos que pasaron a "
                                  "esa persona: %(moved)s)"),
    "event.review_reminder": N_("Recordatorio enviado por la revisión de atraso: %(step)s"),
    "event.case_transferred": N_("Caso transferido de %(from)s a %(to)s (pasos abiertos "
                                 "que lo siguieron: %(moved)s)"),
    "event.case_step_moved": N_("Caso movido al paso «%(to_step)s» desde «%(from_steps)s» "
                                "(motivo: %(reason)s)"),
    "event.case_migrated": N_("Caso migrado de la versión %(from)s a la %(to)s "
                              "(correspondencia: %(mapping)s; plazos: %(deadlines)s)"),
    "event.case_migration_rolled_back": N_("Migración deshecha: el caso vuelve de la versión "
                                           "%(to)s a la %(from)s"),
    # group sessions (engine.commands.group_sessions)
    "group.not_found": N_("La sesión grupal %(group)s no existe o no tiene acceso a ella."),
    "group.already_submitted": N_("Esta sesión ya la registró %(by)s el %(at)s; no se "
                                  "repitió nada."),
    "group.changed_meanwhile": N_("%(by)s guardó la lista de esta sesión el %(at)s, después "
                                  "de que usted la abriera: no se guardó nada. Vuelva a "
                                  "cargar la página y revise la lista."),
    "group.over_capacity": N_("La lista tiene %(count)s familias y una sesión de esta "
                              "modalidad admite como máximo %(maximum)s: quite familias de "
                              "la lista. No se guardó nada."),
    "group.too_few": N_("La lista tiene %(count)s familias y una sesión de esta modalidad "
                        "necesita al menos %(minimum)s: agregue familias a la lista antes de "
                        "registrarla. No se registró nada."),
    "group.step_done_meanwhile": N_("%(by)s ya había completado «%(step)s» el %(at)s, "
                                    "después de que la familia entrara en la lista."),
    "group.case_moved": N_("El paso de la familia se cerró mientras tanto (venció la "
                           "modalidad, se retiró o se cerró el caso)."),
    "event.group_session_absent": N_("No asistió a la sesión grupal del %(date)s: sigue en "
                                     "«%(step)s»"),
    # a family's money transfers (engine.commands.transfers)
    "transfer.not_found": N_("La transferencia %(transfer)s no existe o no tiene acceso a ella."),
    "transfer.no_proof_needed": N_("Esta transferencia no requiere acreditación."),
    "transfer.period_not_started": N_("El mes %(period)s del programa aún no empieza: su "
                                      "acreditación se registra desde su primer día."),
    "transfer.proof_closed": N_("La transferencia del mes %(period)s ya no espera acreditación "
                                "(%(status)s)."),
    "transfer.already_paid": N_("%(by)s ya marcó pagada esta transferencia el %(at)s."),
    "transfer.not_due": N_("Esta transferencia no está por pagar (%(status)s): solo se marca "
                           "pagada una transferencia por pagar."),
    "transfer.none_scheduled": N_("La familia no tiene transferencias: se programan al firmar "
                                  "la Carta de Compromiso."),
    "transfer.achievement_recorded": N_("Ya se registró el logro «%(achievement)s» de %(name)s."),
    "transfer.no_health_check_proof": N_("Sin acreditación del Control Niño Sano en el plazo."),
    "policy.pay_not_allowed": N_("Solo la Jefatura (un supervisor de este territorio) puede "
                                 "marcar pagada una transferencia."),
    "policy.record_transfer_not_allowed": N_("Solo la persona a cargo del caso o un supervisor "
                                             "de su territorio puede registrar acreditaciones y "
                                             "logros."),
    "event.transfers_scheduled": N_("Transferencias programadas: %(count)s pagos en %(months)s "
                                    "meses desde el %(entry)s"),
    "event.transfer_due": N_("Transferencia por pagar: %(transfer)s, mes %(period)s (%(amount)s)"),
    "event.transfer_paid": N_("Transferencia pagada: %(transfer)s, mes %(period)s (%(amount)s)"),
    "event.transfer_proof": N_("Control Niño Sano acreditado: %(transfer)s, mes %(period)s"),
    "event.transfer_withheld": N_("Transferencia retenida: %(transfer)s, mes %(period)s "
                                  "(%(amount)s), sin acreditación del Control Niño Sano al "
                                  "%(day)s"),
    "event.transfer_proof_reminder": N_("Aviso: acredite el Control Niño Sano del mes "
                                        "%(period)s a más tardar el %(day)s (%(transfer)s)"),
    "event.transfer_proof_escalation": N_("Sin acreditación del Control Niño Sano del mes "
                                          "%(period)s al %(day)s: %(transfer)s retenida"),
    "event.transfer_achievement": N_("Logro registrado: %(achievement)s de %(name)s "
                                     "(%(transfer)s, %(amount)s)"),
    "event.transfers_cancelled": N_("Transferencias programadas anuladas al cerrar el caso: "
                                    "%(count)s"),
    "consent.not_found": N_("El consentimiento %(consent)s no existe o no tiene acceso a él."),
    "consent.already_withdrawn": N_("Este consentimiento ya fue revocado por %(by)s el "
                                    "%(at)s."),
    "policy.consent_not_allowed": N_("Solo la persona a cargo del caso o un supervisor de su "
                                     "territorio puede registrar o revocar consentimientos."),
    "policy.case_access_not_allowed": N_("Solo un supervisor del territorio o un "
                                         "administrador puede ver quién abrió esta ficha."),
    "policy.sensitive_not_allowed": N_("Este dato es reservado: solo lo ven %(roles)s."),
    "event.consent_recorded": N_("Consentimiento registrado: %(member)s, %(purpose)s"),
    "event.consent_withdrawn": N_("Consentimiento revocado: %(member)s, %(purpose)s"),
}

PLURAL_WORDINGS: dict[str, tuple[str, str, str]] = {  # code: (singular, plural, count param)
    "process.invalid": (N_("El proceso no se pudo publicar: %(num)d problema."),
                        N_("El proceso no se pudo publicar: %(num)d problemas."), "count"),
    "event.deadlines_resumed": (N_("Plazos reanudados tras %(num)d día de pausa"),
                                N_("Plazos reanudados tras %(num)d días de pausa"), "days"),
}
