"""P.I.P.P.I. in the demo: families of the Ambito di Somma Lombardo and what their équipe
"enters" at each step.

The form-data builders double as sample data for the tests. The territory and the people
(giulia, assistente sociale; marco, referente territoriale) come from :mod:`web.demo_data`.
"""

from datetime import date, timedelta

# -- Il Mondo del Bambino ------------------------------------------------------------------
SIDE_ITEMS = {
    "crescere": ("salute_crescita", "emozioni_comportamenti", "identita_autostima", "autonomia",
                 "relazioni", "apprendimento", "gioco_tempo_libero"),
    "risposte_genitoriali": ("cura_sicurezza", "calore_affetto", "guida_regole", "stimoli",
                             "autorealizzazione"),
    "ambiente": ("storia_familiare", "famiglia_allargata", "casa", "lavoro_reddito",
                 "partecipazione_sociale", "scuola_servizi"),
}


def mondo(crescere, risposte_genitoriali, ambiente) -> dict:
    """Il Mondo del Bambino: each side one score for every item, or one score per item."""
    given = {"crescere": crescere, "risposte_genitoriali": risposte_genitoriali,
             "ambiente": ambiente}
    sides = {}
    for side, items in SIDE_ITEMS.items():
        scores = given[side]
        scores = list(scores) if isinstance(scores, list | tuple) else [scores] * len(items)
        if len(scores) != len(items):
            raise ValueError(f"{side} has {len(items)} items, not {len(scores)}")
        sides[side] = dict(zip(items, scores, strict=True))
    return sides


T0_SCORES = mondo(2, 3, 3)
T1_SCORES = mondo(3, 3, 4)
T2_SCORES = mondo(4, 5, 4)


# -- one builder per form ------------------------------------------------------------------
def segnalazione(day: date, *, vulnerabilita: bool = True, rischio_immediato: bool = False,
                 eta_bambino: int = 7, disponibilita_famiglia: bool = True) -> dict:
    """A referral from the school, and the équipe's pre-assessment."""
    return {"data_segnalazione": (day - timedelta(days=3)).isoformat(),
            "fonte_segnalazione": "scuola", "bambino_riferimento": "Luca",
            "eta_bambino": eta_bambino,
            "motivi_segnalazione": "Assenze frequenti e scarsa cura personale",
            "vulnerabilita": vulnerabilita, "rischio_immediato": rischio_immediato,
            "disponibilita_famiglia": disponibilita_famiglia,
            "equipe": ["assistente_sociale", "psicologo", "educatore", "insegnante"]}


def consenso(day: date, dato: bool = True) -> dict:
    """The welcome meeting: the parents sign the consent (or decline)."""
    if not dato:
        return {"data_accoglienza": day.isoformat(), "consenso_dato": False,
                "motivo_rifiuto": "I genitori non ritengono di aver bisogno di aiuto"}
    return {"data_accoglienza": day.isoformat(), "consenso_dato": True,
            "data_consenso": day.isoformat(), "firmatari": ["Maria Colombo", "Paolo Colombo"],
            "informativa_privacy": True}


def assessment_t0(day: date, scores: dict | None = None) -> dict:
    """The initial assessment with Il Mondo del Bambino."""
    return {"data_t0": day.isoformat(), "mondo_t0": scores or T0_SCORES,
            "partecipanti": ["genitori", "bambino", "assistente_sociale", "educatore"],
            "punto_di_vista_bambino": "Vorrei andare a scuola con i compagni",
            "sintesi": "Bisogni di cura e di regole; buona disponibilità dei genitori"}


def progetto_quadro(day: date, dispositivi=("educativa_domiciliare",
                                            "gruppi_genitori_bambini")) -> dict:
    """A Progetto Quadro with one expected outcome and the chosen dispositivi."""
    azione = {"azione": "Accompagnare Luca a scuola ogni mattina", "chi": "Maria (madre)",
              "quando": (day + timedelta(days=60)).isoformat()}
    return {"data_progetto_quadro": day.isoformat(),
            "esiti": [{"lato": "risposte_genitoriali",
                       "esito_atteso": "Luca frequenta la scuola con regolarità",
                       "azioni": [azione]}],
            "punto_di_vista_famiglia": "Vogliamo organizzare meglio le mattine",
            "dispositivi": list(dispositivi), "firmato_famiglia": True}


def esito_azione(day: date, esito: str = "raggiunto") -> dict:
    """The équipe records how one action of the Progetto Quadro went."""
    return {"data_esito": day.isoformat(), "esito_azione": esito,
            "note_esito": "Verificato con la famiglia"}


def avvio(day: date) -> dict:
    """A dispositivo starts."""
    return {"data_avvio": day.isoformat(), "conduttore": "Sara Villa (educatrice)",
            "frequenza": "settimanale", "obiettivi": "Routine del mattino e compiti"}


def registro(day: date, esito: str = "prosegue") -> dict:
    """A diary entry: ``prosegue``, ``concluso`` or ``sicurezza`` (a safety concern)."""
    data = {"data_registro": day.isoformat(), "incontri_svolti": 4,
            "attivita": "Visite domiciliari e accompagnamento a scuola",
            "preoccupazione_sicurezza": esito == "sicurezza",
            "dispositivo_concluso": esito == "concluso"}
    if esito == "sicurezza":
        data["descrizione_preoccupazione"] = "Il bambino riferisce percosse del padre"
    if esito == "concluso":
        data["data_conclusione"] = day.isoformat()
    return data


def incontro_em(day: date, sicurezza: bool = False) -> dict:
    """An EM meeting (with the family)."""
    data = {"data_incontro": day.isoformat(),
            "partecipanti": ["genitori", "assistente_sociale", "psicologo", "educatore"],
            "famiglia_presente": True, "temi": "Frequenza scolastica",
            "decisioni": "Proseguire con l'educativa domiciliare",
            "preoccupazione_sicurezza": sicurezza}
    if sicurezza:
        data["descrizione_preoccupazione"] = "Segni di maltrattamento riferiti dalla scuola"
    return data


def _review(stato: str) -> list[dict]:
    return [{"esito_atteso": "Luca frequenta la scuola con regolarità", "stato": stato}]


def assessment_t1(day: date, scores: dict | None = None) -> dict:
    """The intermediate assessment, with the re-planning."""
    return {"data_t1": day.isoformat(), "mondo_t1": scores or T1_SCORES,
            "partecipanti": ["genitori", "bambino", "assistente_sociale"],
            "sintesi": "Frequenza scolastica migliorata", "revisione_esiti": _review("in_parte"),
            "riprogettazione": "Aggiungere il sostegno ai compiti due volte a settimana"}


def assessment_t2(day: date, scores: dict | None = None) -> dict:
    """The final assessment."""
    return {"data_t2": day.isoformat(), "mondo_t2": scores or T2_SCORES,
            "partecipanti": ["genitori", "bambino", "assistente_sociale"],
            "sintesi": "Obiettivi raggiunti", "bilancio_esiti": _review("raggiunto"),
            "bambino_in_famiglia": True}


def chiusura(day: date, esito: str = "A") -> dict:
    """The équipe's closing proposal with its outcome A, B or C."""
    data = {"data_chiusura": day.isoformat(), "esito": esito,
            "motivazione": "Bilancio dell'assessment finale", "bambino_in_famiglia": esito != "C"}
    if esito == "B":
        data["sostegni_successivi"] = "Centro diurno e sostegno ai compiti"
    if esito == "C":
        data["misura_protezione"] = "Segnalazione al Tribunale per i minorenni"
    return data


def validazione(day: date, validata: bool = True) -> dict:
    """The referente validates the closure (or sends it back)."""
    if validata:
        return {"chiusura_validata": True}
    return {"chiusura_validata": False, "osservazioni": "Manca la motivazione dell'esito"}


def valutazione_sicurezza(day: date) -> dict:
    """The referente's urgent response to a safety concern."""
    return {"data_valutazione": day.isoformat(), "misura": "segnalazione_autorita_giudiziaria",
            "data_segnalazione_autorita": day.isoformat(),
            "descrizione": "Segnalazione alla Procura presso il Tribunale per i minorenni",
            "bambino_in_famiglia": False}


def revisione(day: date) -> dict:
    """The referente's review of an overdue step."""
    return {"azione": "sollecitare_equipe"}


def preassessment(day: date, ammessa: bool = True) -> dict:
    """The pre-assessment of a family that does (or, without vulnerability, does not) fit."""
    return segnalazione(day, vulnerabilita=ammessa)


DISPOSITIVI = ("gruppi", "scuola", "vicinanza", "educativa")
STEP_DATA = {
    "preassessment": preassessment, "consenso": consenso, "assessment_t0": assessment_t0,
    "progetto_quadro": progetto_quadro, "incontro_em": incontro_em,
    "assessment_t1": assessment_t1, "assessment_t2": assessment_t2, "chiusura": chiusura,
    "validazione_chiusura": validazione, "valutazione_sicurezza": valutazione_sicurezza,
    **{f"avvio_{key}": avvio for key in DISPOSITIVI},
    **{f"registro_{key}": registro for key in DISPOSITIVI},
}
KEEPS_UP = ("incontro_em",)  # the équipe meets at least at every step of the demo walk

_ENTERED = [("preassessment", 6), ("consenso", 12), ("assessment_t0", 40),
            ("progetto_quadro", 25)]
_STARTED = [("avvio_educativa", 9), ("avvio_gruppi", 14)]
_MONTH = [("registro_educativa", 15), ("registro_gruppi", 15)]


def _months(count: int) -> list[tuple]:
    return _MONTH * count


_TO_T1 = _ENTERED + _STARTED + _months(5)  # consent on day 18: T1 opens on day ~261
_TO_T2 = _TO_T1 + [("assessment_t1", 10)] + _months(7) + [("registro_gruppi", 1, "concluso")]

USERS = [
    # username, full name, roles, territories: the home educator of the Ambito's families
    ("lorenza", "Lorenza Ferri (educatrice domiciliare)", "caseworker", ["somma_lombardo"]),
]
NAMED = {"educatore_domiciliare": "lorenza", "referente": "marco"}

_CASES = [
    {"family": "Colombo", "programme": "pippi", "territory": "somma_lombardo",
     "caseworker": "giulia", "days_ago": 2, "steps": [], "stage": "segnalazione ricevuta",
     "national_id": "CLMMRA92E41F205J",
     "members": [{"name": "Maria Colombo", "age": 33, "relationship": "head",
                  "national_id": "CLMMRA92E41F205J"},
                 {"name": "Paolo Colombo", "age": 35, "relationship": "partner"},
                 {"name": "Luca Colombo", "age": 7, "relationship": "child"}]},
    {"family": "Ferrari Russo", "programme": "pippi", "territory": "somma_lombardo",
     "caseworker": "giulia", "days_ago": 21, "steps": [],
     "stage": "analisi preliminare in ritardo"},
    {"family": "Esposito", "programme": "pippi", "territory": "somma_lombardo",
     "caseworker": "giulia", "days_ago": 45, "steps": _ENTERED[:2], "stage": "assessment T0"},
    {"family": "Ricci Moretti", "programme": "pippi", "territory": "somma_lombardo",
     "caseworker": "giulia", "days_ago": 160, "steps": _ENTERED + _STARTED + _months(1),
     "stage": "dispositivi in corso, mese 5"},
    {"family": "Marino", "programme": "pippi", "territory": "somma_lombardo",
     "caseworker": "giulia", "days_ago": 150,
     "steps": _ENTERED + _STARTED + [("registro_educativa", 20, "sicurezza")],
     "stage": "preoccupazione per la sicurezza: al referente"},
    {"family": "Bruno Galli", "programme": "pippi", "territory": "somma_lombardo",
     "caseworker": "giulia", "days_ago": 560,
     "steps": _TO_T2 + [("registro_educativa", 1, "concluso"), ("assessment_t2", 40),
                        ("chiusura", 5, "A"), ("validazione_chiusura", 2)],
     "stage": "chiuso: esito A"},
    {"family": "Greco", "programme": "pippi", "territory": "somma_lombardo",
     "caseworker": "giulia", "days_ago": 30, "steps": [("preassessment", 8, False)],
     "stage": "chiuso: famiglia non ammessa"},
]
COMUNI = ("somma_lombardo", "ferno", "lonate_pozzolo", "cardano_al_campo", "arsago_seprio",
          "besnate", "golasecca")  # where each demo family lives: its calendar
DEMO_CASES = [{**case, "people": NAMED, "municipality": comune}
              for case, comune in zip(_CASES, COMUNI, strict=True)]
