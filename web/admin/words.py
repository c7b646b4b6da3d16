"""The words of the administration pages: roles, actions of the policy, audit kinds."""

from flask_babel import lazy_gettext as _l

ROLE_NAMES = {"caseworker": _l("Profesional a cargo"), "supervisor": _l("Supervisión"),
              "manager": _l("Gestión del programa"), "admin": _l("Administración")}
ACTION_NAMES = {
    "see_case": _l("Ver un caso"), "see_task": _l("Ver un paso"),
    "open_task": _l("Abrir un paso"), "start_case": _l("Abrir un caso nuevo"),
    "claim_task": _l("Tomar un paso de su rol"), "work_task": _l("Trabajar un paso"),
    "release_task": _l("Devolver un paso"), "read_draft": _l("Leer el borrador de un paso"),
    "reassign_task": _l("Reasignar un paso"), "pause_deadlines": _l("Pausar los plazos"),
    "read_reports": _l("Leer los resultados"), "supervise": _l("Ver los atrasos"),
    "manage_programme": _l("Cambiar los ajustes del programa"),
    "enable_programme": _l("Habilitar el programa en el territorio"),
    "correct_step": _l("Corregir un paso registrado"),
    "edit_household": _l("Editar la familia"), "attach_document": _l("Adjuntar documentos"),
    "act_on_case": _l("Registrar una acción fuera de calendario"),
    "transfer_case": _l("Transferir un caso"),
    "name_case_person": _l("Nombrar personas a cargo"),
    "take_task": _l("Recibir un paso"), "take_post": _l("Ser nombrada/o en un caso"),
    "migrate_cases": _l("Migrar casos de versión"),
    "move_case_step": _l("Mover un caso a otro paso"),
    "administer": _l("Administrar el país"),
    "administer_territory": _l("Administrar el territorio"),
    "manage_person": _l("Administrar personas"),
    "erase_personal_data": _l("Borrar los datos de una persona"),
    "export_personal_data": _l("Descargar los datos de una persona"),
    "run_retention": _l("Anonimizar los casos vencidos (retención)"),
    "import_households": _l("Importar familias de un archivo"),
}
ANSWERS = {"yes": _l("sí"), "own": _l("solo lo propio"), "no": _l("no")}
KIND_NAMES = {
    "person_created": _l("Persona creada"), "person_edited": _l("Datos cambiados"),
    "roles_changed": _l("Roles cambiados"), "person_deactivated": _l("Persona desactivada"),
    "person_activated": _l("Persona activada"), "invitation_sent": _l("Invitación enviada"),
    "password_reset_sent": _l("Enlace de contraseña enviado"),
    "password_set": _l("Contraseña elegida"), "steps_handed_over": _l("Trabajo entregado"),
    "territory_added": _l("Territorio creado"), "territory_edited": _l("Territorio cambiado"),
    "programme_enabled": _l("Programa habilitado"),
    "programme_disabled": _l("Programa deshabilitado"),
    "programme_start": _l("Fecha de inicio del programa"),
    "places_set": _l("Cupos cambiados"),
    "holiday_added": _l("Feriado local agregado"), "holiday_removed": _l("Feriado local quitado"),
    "households_imported": _l("Familias importadas de un archivo"),
}


def role_name(role: str) -> str:
    """A role in the reader's language."""
    return str(ROLE_NAMES.get(role, role))


def register(bp) -> None:
    """Give the blueprint's templates these words."""
    @bp.app_context_processor
    def words():
        return {"role_name": role_name, "action_name": lambda a: str(ACTION_NAMES.get(a, a)),
                "answer_name": lambda a: str(ANSWERS[a]),
                "kind_name": lambda k: str(KIND_NAMES.get(k, k))}
