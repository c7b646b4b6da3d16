"""Triple P demo: La Serena families in each modality, and the data their facilitator enters.

The territory (``la_serena``) and its people (Lucía, facilitator; Carmen, coordination) come
from :mod:`web.demo_data`. The form-data builders double as sample data for the tests.
"""

from datetime import date

CHILD = [{"nombre": "Tomás", "edad": 4}]  # the inscripcion form's children, not household members
# The household: the caregiver (whose signed consent the enrolment needs) and the child
MEMBERS = [{"name": "Carolina Pizarro", "age": 31, "relationship": "head"},
           {"name": "Tomás", "age": 4, "relationship": "child"}]


def inscripcion(day: date, modalidad: str | None = "talleres", sesiones: int = 3) -> dict:
    """The family accepts and chooses ``modalidad`` (``None``: it does not want to take part)."""
    if modalidad is None:
        return {"fecha_inscripcion": day.isoformat(), "respuesta": "rechaza",
                "motivo_rechazo": "Horario laboral incompatible"}
    data = {"fecha_inscripcion": day.isoformat(), "respuesta": "acepta",
            "cuidador": "Carolina Pizarro", "parentesco": "madre", "ninos": CHILD,
            "derivacion": "jardin_infantil", "modalidad": modalidad, "consentimiento": True}
    return {**data, "sesiones_planificadas": sesiones} if modalidad == "individuales" else data


def retiro(day: date) -> dict:
    """The waiting family leaves the list."""
    return {"fecha_retiro": day.isoformat(), "motivo_retiro": "otra_oferta"}


def cuestionarios_iniciales(day: date, conducta: int = 150, estilo: float = 4.2,
                            estres: int = 110) -> dict:
    """Pre scores: child behaviour (ECBI), parenting style, parental stress (PSI-SF)."""
    return {"fecha_cuestionarios_pre": day.isoformat(), "conducta_infantil_pre": conducta,
            "estilo_parental_pre": estilo, "estres_parental_pre": estres}


def cuestionarios_finales(day: date, conducta: int | None = 120, estilo: float = 3.1,
                          estres: int = 95) -> dict:
    """Post scores (``conducta=None``: the questionnaires could not be applied)."""
    if conducta is None:
        return {"fecha_cuestionarios_post": day.isoformat(), "aplicados": False,
                "motivo_no_aplicados": "La familia no respondió los llamados"}
    return {"fecha_cuestionarios_post": day.isoformat(), "aplicados": True,
            "conducta_infantil_post": conducta, "estilo_parental_post": estilo,
            "estres_parental_post": estres}


def charla(day: date, asistio: bool = True, novedad: str = "ninguna") -> dict:
    """One seminar of the cycle, at the child's kindergarten."""
    return {"fecha_sesion": day.isoformat(), "tema": "poder_crianza_positiva",
            "lugar": "jardin_infantil", "asistio": asistio, "novedad": novedad}


def sesion_individual(day: date, asistio: bool = True, novedad: str = "ninguna") -> dict:
    """One individual session at home."""
    return {"fecha_sesion": day.isoformat(), "etapa": "plan", "lugar": "hogar",
            "duracion_minutos": 30, "asistio": asistio, "novedad": novedad}


def sesion_grupal(day: date, asistio: bool = True, novedad: str = "ninguna") -> dict:
    """One two-hour group session of the workshop."""
    return {"fecha_sesion": day.isoformat(), "asistio": asistio, "novedad": novedad}


def llamada(day: date, realizada: bool = True, novedad: str = "ninguna") -> dict:
    """One follow-up phone call of the workshop."""
    return {"fecha_sesion": day.isoformat(), "realizada": realizada, "duracion_minutos": 20,
            "novedad": novedad}


def revision(day: date) -> dict:
    """The coordination deals with an overdue step."""
    return {"accion": "contactar_facilitador"}


STEP_DATA = {
    "inscripcion": inscripcion,
    "lista_espera": retiro,
    "cuestionarios_iniciales": cuestionarios_iniciales,
    "charla": charla,
    "sesion_individual": sesion_individual,
    "sesion_grupal": sesion_grupal,
    "llamada_seguimiento": llamada,
    "cuestionarios_finales": cuestionarios_finales,
}
KEEPS_UP = ()

_WEEKLY = [("sesion_grupal", 7)] * 4 + [("llamada_seguimiento", 7)] * 3 + [("sesion_grupal", 7)]


def _case(family: str, days_ago: int, steps: list, stage: str) -> dict:
    return {"family": family, "programme": "triple_p", "territory": "la_serena",
            "caseworker": "lucia", "days_ago": days_ago, "steps": steps, "stage": stage,
            "members": MEMBERS}


DEMO_CASES = [
    _case("Araya Cortés", 2, [], "Triple P: recién derivada"),
    _case("Pizarro Rojas", 30, [("inscripcion", 1, "charlas"), ("cuestionarios_iniciales", 3),
                                ("charla", 7), ("charla", 14)],
          "Triple P: charlas, 2 de 3"),
    _case("Castillo Muñoz", 35, [("inscripcion", 2, "talleres"), ("cuestionarios_iniciales", 3),
                                 *_WEEKLY[:3]], "Triple P: taller, semana 4"),
    _case("Vega Olivares", 60, [("inscripcion", 1, "individuales", 3),
                                ("cuestionarios_iniciales", 2), ("sesion_individual", 10),
                                ("sesion_individual", 10), ("sesion_individual", 10),
                                ("cuestionarios_finales", 5)],
          "Triple P: cerrado, sesiones individuales completadas"),
    _case("Tapia Guerrero", 90, [("inscripcion", 1, "talleres"), ("cuestionarios_iniciales", 2),
                                 ("sesion_grupal", 7), ("sesion_grupal", 7, False),
                                 ("sesion_grupal", 7, False), *_WEEKLY[3:],
                                 ("cuestionarios_finales", 4, 140)],
          "Triple P: cerrado, taller no completado (3 de 5 sesiones grupales)"),
    _case("Rivera Campos", 10, [("inscripcion", 3, None)], "Triple P: no desea participar"),
]
