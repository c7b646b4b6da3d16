"""Household members written as text, one per line (or per ``|``): ``Carla Rojas, 34, jefa
de hogar, 12.345.678-5`` — name, age, relationship, national id — as the new-case form takes
them and as a registry export's members column may hold them; relationships in the words
caseworkers type in Spanish, Italian or English."""

RELATIONSHIP_WORDS = {  # what caseworkers type, in Spanish, Italian or English
    "head": ("jefe/a de hogar", "jefe de hogar", "jefa de hogar", "jefe", "jefa",
             "capofamiglia", "persona di riferimento", "head"),
    "partner": ("pareja", "esposo", "esposa", "cónyuge", "conviviente", "coniuge", "partner",
                "marito", "moglie", "coniuge/partner"),
    "child": ("hijo/a", "hijo", "hija", "figlio/a", "figlio", "figlia", "child"),
    "parent": ("padre/madre", "padre", "madre", "genitore", "parent"),
    "sibling": ("hermano/a", "hermano", "hermana", "fratello/sorella", "fratello", "sorella",
                "sibling"),
    "grandparent": ("abuelo/a", "abuelo", "abuela", "nonno/a", "nonno", "nonna",
                    "grandparent"),
    "grandchild": ("nieto/a", "nieto", "nieta", "nipote", "grandchild"),
    "other_relative": ("otro familiar", "altro parente", "other relative", "other_relative"),
    "other": ("otra persona", "altra persona", "other person", "other"),
}
_RELATIONSHIP = {word: code for code, words in RELATIONSHIP_WORDS.items() for word in words}


def relationship_code(word: str) -> str:
    """The relationship code of ``word`` (``hija`` is ``child``); unknown words as typed, for
    the household schema to refuse beside the field."""
    return _RELATIONSHIP.get(word.strip().lower(), word.strip())


def parse_members(text: str, separators: str = "\n") -> list[dict]:
    """``Carla Rojas, 34, jefa de hogar, 12.345.678-5`` lines (split at any of
    ``separators``) into canonical members (``{"name", "age", "relationship",
    "national_id"}``); every column after the name may be left out or blank. An age that is
    not a plain number is left out; a relationship that is not recognised is kept as typed."""
    lines = [text or ""]
    for separator in separators:
        lines = [part for line in lines for part in line.split(separator)]
    members = []
    for line in lines:
        name, age, relationship, national_id = ([*line.split(",", 3), "", "", ""])[:4]
        if not name.strip():
            continue
        entry = {"name": name.strip()}
        if age.strip().isascii() and age.strip().isdecimal() and len(age.strip()) <= 3:
            entry["age"] = int(age.strip())  # "²" or "٣" are digits, but not ages
        if relationship.strip():
            entry["relationship"] = relationship_code(relationship)
        if national_id.strip():
            entry["national_id"] = national_id.strip()
        members.append(entry)
    return members
