"""Comunidad Crece (componente 2) in the demo: the Coquimbo team, its young people, and the
form data the dupla, the tutor and the coordinator "enter".

The form-data builders double as sample data for the tests.
"""

from datetime import date, timedelta

TERRITORIES = [
    # code, name, country, holiday subdivision, time zone
    ("coquimbo", "Coquimbo", "CL", "CO", "America/Santiago"),
]

USERS = [
    # username, full name, roles, territories
    ("valentina", "Valentina Pizarro (dupla psicosocial)", "caseworker", ["coquimbo"]),
    ("tomas", "Tomás Olivares (tutor)", "caseworker", ["coquimbo"]),
    ("rodrigo", "Rodrigo Cortés (coordinador barrial)", "supervisor", ["coquimbo"]),
]

# Risk and protective factors of the entry evaluation, one set per level of nivel_riesgo.dmn
FACTORES = {
    "alto": (["infraccion_previa", "desescolarizacion"], ["adulto_significativo"]),
    "medio": (["desescolarizacion", "pares_infractores"], ["adulto_significativo"]),
    "bajo": (["pares_infractores"], ["vinculo_escolar", "actividad_prosocial"]),
}
METAS = [("familia", "Mejorar la convivencia con su madre"),
         ("escuela", "Volver a clases y aprobar el año"),
         ("pares", "Participar en un grupo deportivo del barrio")]


def household(name: str, edad: int = 15) -> list[dict]:
    """The young person (the case's reference person, listed first) and the mother, the
    adult responsible whose consent the entry evaluation needs while the young person is a
    minor."""
    return [{"name": name, "age": edad},
            {"name": f"Carolina {name.split()[-1]}", "age": 41, "relationship": "parent"}]


def derivacion(day: date) -> dict:
    """The school refers a young person to the team."""
    return {"fecha_derivacion": day.isoformat(), "origen": "establecimiento_educacional",
            "institucion": "Liceo de Tierras Blancas",
            "motivo": "Ausentismo reiterado y conflictos con pares fuera del liceo"}


def evaluacion_ingreso(day: date, nivel: str = "medio", edad: int = 15) -> dict:
    """An entry evaluation with consent, with the factors that give risk level ``nivel``."""
    riesgo, protectores = FACTORES[nivel]
    return {"fecha_evaluacion": day.isoformat(), "edad": edad,
            "situacion_educacional_laboral": "ninguna", "factores_riesgo": list(riesgo),
            "factores_protectores": list(protectores), "resultado": "ingresa",
            "consentimiento_joven": True, "consentimiento_adulto": True,
            "adulto_responsable": "Madre", "fecha_ingreso": day.isoformat()}


def no_ingresa(day: date) -> dict:
    """An entry evaluation where the young person does not want to take part."""
    riesgo, protectores = FACTORES["medio"]
    return {"fecha_evaluacion": day.isoformat(), "edad": 16,
            "situacion_educacional_laboral": "estudia", "factores_riesgo": list(riesgo),
            "factores_protectores": list(protectores), "resultado": "no_acepta",
            "motivo_no_ingreso": "No desea participar por ahora"}


def pii(day: date, con_derivacion: bool = True) -> dict:
    """A three-goal PII; the school goal's action refers to Senda when ``con_derivacion``."""
    limite = (day + timedelta(days=90)).isoformat()
    metas = []
    for area, meta in METAS:
        accion = {"accion": f"Trabajar: {meta.lower()}", "responsable": "Dupla y joven",
                  "fecha_limite": limite}
        if con_derivacion and area == "escuela":
            accion["servicio"] = "senda"
        metas.append({"area": area, "meta": meta, "acciones": [accion]})
    return {"fecha_pii": day.isoformat(), "metas_joven": ["Terminar cuarto medio"],
            "metas": metas, "factores_riesgo_abordar": ["desescolarizacion"],
            "factores_protectores_fortalecer": ["adulto_significativo"],
            "acordado_con_joven": True}


def tutoria(day: date, novedad: str = "ninguna", alerta: bool = False) -> dict:
    """One individual tutoring session (``novedad``: ninguna or desistimiento)."""
    data = {"fecha_tutoria": day.isoformat(), "modalidad": "terreno",
            "areas": ["escuela", "pares"], "temas": "Asistencia a clases y uso del tiempo libre",
            "alerta_vulneracion": alerta, "novedad": novedad}
    if alerta:
        data["descripcion_alerta"] = "Relata agresiones físicas de un adulto del hogar"
    return data


def vinculacion_redes(day: date) -> dict:
    """The referral the PII asked for."""
    return {"derivaciones": [{"servicio": "senda", "oferta": "Senda Previene Coquimbo",
                              "fecha": day.isoformat(), "estado": "aceptada"}]}


def avance(*estados: str) -> list[dict]:
    """The PII's goals with the given states, in order (logrado, en_proceso, no_logrado)."""
    return [{"area": area, "meta": meta, "estado": estado}
            for (area, meta), estado in zip(METAS, estados, strict=False)]


def revision_pii(day: date, *estados: str, alerta: bool = False) -> dict:
    """A quarterly review of the PII (goals in process unless told otherwise)."""
    data = {"fecha_revision": day.isoformat(), "participo_coordinacion": True,
            "avance_metas": avance(*(estados or ("en_proceso",) * len(METAS))),
            "alerta_vulneracion": alerta}
    if alerta:
        data["descripcion_alerta"] = "La madre informa amenazas de un vecino"
    return data


def atender_alerta(day: date, decision: str = "continuar") -> dict:
    """The coordinator's response to an alert (``decision``: continuar or derivar_proteccion)."""
    data = {"fecha_atencion": day.isoformat(), "medidas": ["denuncia", "contacto_adulto"],
            "decision_alerta": decision}
    if decision == "derivar_proteccion":
        data.update(institucion_proteccion="tribunal_familia", situacion_al_egreso="estudia")
    return data


def evaluacion_egreso(day: date, *estados: str, situacion: str = "estudia") -> dict:
    """The exit evaluation after 12 months."""
    return {"fecha_evaluacion_egreso": day.isoformat(),
            "avance_metas": avance(*(estados or ("logrado", "logrado", "en_proceso"))),
            "situacion_al_egreso": situacion, "nuevas_infracciones": False,
            "logros": "Retomó sus estudios y participa en el club deportivo"}


def desistimiento(day: date, situacion: str = "ninguna") -> dict:
    """The coordinator records an early withdrawal."""
    return {"fecha_desistimiento": day.isoformat(), "quien_desiste": "joven",
            "motivo": "Se cambia de barrio con su familia", "situacion_al_egreso": situacion}


STEP_DATA = {
    "registrar_derivacion": derivacion,
    "evaluacion_ingreso": evaluacion_ingreso,
    "pii": pii,
    "tutoria": tutoria,
    "vinculacion_redes": vinculacion_redes,
    "revision_pii": revision_pii,
    "atender_alerta": atender_alerta,
    "evaluacion_egreso": evaluacion_egreso,
    "aprobar_egreso": lambda day: {"aprobado": True},
    "registrar_desistimiento": desistimiento,
}
KEEPS_UP = ("vinculacion_redes", "revision_pii")  # the dupla keeps referrals and reviews on time

_ENTERED = [("registrar_derivacion", 1), ("evaluacion_ingreso", 9)]


def _tutored(nivel: str, sessions: int, every: int) -> list[tuple]:
    entered = [_ENTERED[0], ("evaluacion_ingreso", 9, nivel), ("pii", 20)]
    return entered + [("tutoria", every)] * sessions


def _young(name: str, days_ago: int, steps: list, stage: str) -> dict:
    return {"family": name, "programme": "comunidad_crece", "territory": "coquimbo",
            "caseworker": "valentina", "members": household(name), "days_ago": days_ago,
            "steps": steps, "stage": stage,
            "people": {"tutor": "tomas", "coordinador": "rodrigo"}}


DEMO_CASES = [
    _young("Matías Rojas", 2, [], "derivación recién recibida"),
    _young("Camila Araya", 12, _ENTERED[:1], "evaluación de ingreso"),
    _young("Benjamín Tapia", 30, _ENTERED, "plan de intervención (PII) en elaboración"),
    _young("Sofía Muñoz", 140, _tutored("alto", 15, 7), "tutorías semanales, riesgo alto"),
    _young("Diego Castillo", 90, _tutored("medio", 4, 14) + [("tutoria", 3, "ninguna", True)],
           "alerta de vulneración de derechos para la coordinación"),
    _young("Fernanda Díaz", 100, _tutored("bajo", 3, 21) + [("tutoria", 5, "desistimiento"),
                                                           ("registrar_desistimiento", 2)],
           "cerrado: desistimiento"),
    _young("Ignacio Vega", 400, _tutored("medio", 24, 14) + [("evaluacion_egreso", 12),
                                                            ("aprobar_egreso", 2)],
           "cerrado: egreso exitoso"),
]
