"""Search text in one normal form, and national ids searched as people type them."""

from engine.core import national_ids, search_text


def test_names_lose_case_accents_and_punctuation():
    assert search_text.normal("  Núñez-PÉREZ, María José ") == "nunez perez maria jose"
    assert search_text.normal("Straße Ça") == "strasse ca"
    assert search_text.terms("% _ ' ;") == []
    assert len(search_text.terms(" ".join("abcdefghijk"))) == search_text.MAX_TERMS


def test_joined_text_has_a_space_around_every_word():
    assert search_text.joined(["Rojas Pérez", None, "", "Tomás"]) == " rojas perez tomas "
    assert search_text.joined([]) == " "  # as the column's default


def test_a_national_id_is_searched_in_every_form_it_is_typed():
    for typed in ("12.345.678-5", "12345678-5", "123456785", "12 345 678 5"):
        assert national_ids.search_keys(typed) == ["123456785"]
    assert national_ids.search_keys("rssmra85t10a562s") == ["RSSMRA85T10A562S"]
    for bad in ("", "   ", "12.345.678-9", "x", "1\x002", "9" * 60):
        assert national_ids.search_keys(bad) == [], bad
