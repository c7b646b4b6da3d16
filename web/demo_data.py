"""The demo's territories, cases and the form data its caseworkers "enter"."""

TERRITORIES = [
    # code, name, country, holiday subdivision, time zone
    ("antofagasta", "Antofagasta", "CL", "AN", "America/Santiago"),
    ("la_serena", "La Serena", "CL", "CO", "America/Santiago"),
    ("somma_lombardo", "Ambito di Somma Lombardo", "IT", "VA", "Europe/Rome"),
]

DEMO_CASES: list[dict] = []

STEP_DATA: dict = {}
