"""The demo's territories, its families, and the form data their caseworkers "enter".

The form-data builders double as sample data for the tests.
"""

from datetime import date, timedelta

TERRITORIES = [
    # code, name, country, holiday subdivision, time zone
    ("antofagasta", "Antofagasta", "CL", "AN", "America/Santiago"),
    ("la_serena", "La Serena", "CL", "CO", "America/Santiago"),
    ("somma_lombardo", "Ambito di Somma Lombardo", "IT", "VA", "Europe/Rome"),
]

DEMO_PASSWORD = "acompana-demo"

USERS = [
    # username, full name, roles, territories
    ("ana", "Ana Castro (AFI)", "caseworker", ["antofagasta"]),
    ("pedro", "Pedro Morales (AFI)", "caseworker", ["antofagasta"]),
    ("jorge", "Jorge Alvarado (Jefe de Unidad)", "supervisor", ["antofagasta"]),
    ("marta", "Marta Ibáñez (gestión de procesos)", "manager", ["antofagasta", "la_serena"]),
    ("admin.cl", "Administración Chile", "admin", ["antofagasta", "la_serena"]),
    ("lucia", "Lucía Herrera (AFI)", "caseworker", ["la_serena"]),
    ("carmen", "Carmen Rojas (Jefa de Unidad)", "supervisor", ["la_serena"]),
    ("giulia", "Giulia Bianchi (assistente sociale)", "caseworker", ["somma_lombardo"]),
    ("marco", "Marco Rossi (referente territoriale)", "supervisor", ["somma_lombardo"]),
    ("paola", "Paola Conti (gestione processi)", "manager", ["somma_lombardo"]),
    ("admin.it", "Amministrazione Italia", "admin", ["somma_lombardo"]),
]

MATRIZ = {"i32": "a_trabajar", "i33": "critico", "i41": "a_trabajar", "p_ing_01": "critico"}


def contacto(day: date, ubicada: bool = True) -> dict:
    """Primer contacto: the family was (or was not) found."""
    data = {"familia_ubicada": ubicada, "fecha_contacto": day.isoformat(), "intentos": 2}
    return data if ubicada else {**data, "observaciones": "Domicilio deshabitado"}


def ingreso(day: date) -> dict:
    """The family accepts and signs the Carta de Compromiso."""
    return {"respuesta": "acepta", "fecha_ingreso": day.isoformat(), "carta_firmada": True}


def diagnostico(day: date, adultos_sin_empleo: int = 1, interes_laboral: bool = True) -> dict:
    """Diagnosis with the Matriz de Bienestar."""
    return {"fecha_diagnostico": day.isoformat(), "matriz": MATRIZ,
            "adultos_sin_empleo": adultos_sin_empleo, "interes_laboral": interes_laboral}


def plan(day: date) -> dict:
    """A one-goal Plan Familiar de Desarrollo."""
    accion = {"accion": "Postular a Yo Trabajo", "responsable": "Carla",
              "fecha_limite": (day + timedelta(days=60)).isoformat(), "oferta": "yo_trabajo"}
    return {"fecha_firma_plan": day.isoformat(),
            "metas": [{"dimension": "trabajo_seguridad_social", "meta": "Empleo estable",
                       "acciones": [accion]}]}


def sesion(day: date, novedad: str = "ninguna", **extra) -> dict:
    """A family session."""
    return {"fecha_sesion": day.isoformat(), "tipo_sesion": "familiar",
            "participantes": ["Carla Rojas"], "temas": "Avance del plan", "novedad": novedad,
            **extra}


def seguimiento(day: date) -> dict:
    """The Gestor Familiar's monthly report."""
    return {"fecha": day.isoformat(), "acciones_realizadas": 1, "indicadores_criticos": ["i33"],
            "cumplimiento_plazos": True, "control_nino_sano_acreditado": True}


def logro_acciones(day: date, codes: list[str], achieved: bool = True) -> dict:
    """The AFI records plan actions (``M1.A1``: first action of the first goal) as achieved
    (or not) on ``day``."""
    return {"logros": [{"accion": code, "logrado": achieved, "fecha": day.isoformat()}
                       for code in codes]}


def evaluacion_semestral(day: date) -> dict:
    """The Jefe/a's semiannual evaluation of the AFI."""
    return {"fecha": day.isoformat(), "competencias_personales": "adecuado",
            "capacidad_gestion": "adecuado", "rendimiento": "destacado",
            "retroalimentacion": "Carpeta al día; sesiones en su cadencia"}


def revision_indicadores(day: date) -> dict:
    """The Jefe/a reviews indicators still critical after 6 months."""
    return {"fecha": day.isoformat(), "decision": "replantear_plan",
            "comentario": "Nuevas acciones para los indicadores críticos"}


def evaluacion_final(day: date) -> dict:
    """Final evaluation recommending egreso."""
    return {"fecha": day.isoformat(), "matriz": {**MATRIZ, "i33": "cumplido"},
            "logros": "Empleo formal y controles de salud al día", "recomendacion": "egreso"}


STEP_DATA = {
    "primer_contacto": contacto,
    "ingreso": ingreso,
    "diagnostico": diagnostico,
    "plan": plan,
    "sesion": sesion,
    "seguimiento": seguimiento,
    "evaluacion_final": evaluacion_final,
    "aprobar_egreso": lambda day: {"aprobado": True},
}
KEEPS_UP = ("seguimiento",)  # the Gestor Familiar files each monthly report on time

_ENTERED = [("primer_contacto", 4), ("ingreso", 6), ("diagnostico", 25), ("plan", 20)]


def _accompanied(months: int) -> list[tuple[str, int]]:
    return _ENTERED + [("sesion", 30)] * months


DEMO_CASES = [
    {"family": "Rojas Pérez", "programme": "familias", "territory": "antofagasta",
     "caseworker": "ana", "days_ago": 3, "steps": [], "stage": "recién asignada",
     "national_id": "12.345.678-5",
     "members": [{"name": "Carla Rojas", "age": 34, "relationship": "head",
                  "national_id": "12.345.678-5"},
                 {"name": "Javier Pérez", "age": 36, "relationship": "partner"},
                 {"name": "Sofía Pérez Rojas", "age": 8, "relationship": "child"}]},
    {"family": "González Tapia", "programme": "familias", "territory": "antofagasta",
     "caseworker": "ana", "days_ago": 40, "steps": [], "stage": "contacto atrasado"},
    {"family": "Muñoz Araya", "programme": "familias", "territory": "antofagasta",
     "caseworker": "ana", "days_ago": 45, "steps": _ENTERED[:2], "stage": "diagnóstico"},
    {"family": "Castillo Vega", "programme": "familias", "territory": "antofagasta",
     "caseworker": "ana", "days_ago": 300, "steps": _accompanied(7),
     "stage": "acompañamiento, mes 8"},
    {"family": "Soto Fuentes", "programme": "familias", "territory": "antofagasta",
     "caseworker": "pedro", "days_ago": 700, "steps": _accompanied(21),
     "stage": "evaluación final"},
    {"family": "Díaz Rivera", "programme": "familias", "territory": "la_serena",
     "caseworker": "lucia", "days_ago": 20, "steps": [("primer_contacto", 10, False)],
     "stage": "cerrado: familia no ubicada"},
]
