"""RUT and codice fiscale validation: check digits, the ways people write them, one stored form."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cl import rut
from stdnum.it import codicefiscale

from engine.core import national_ids

RUT = "12.345.678-5"
CODICE = "RSSMRA85T10A562S"


@pytest.mark.parametrize("written", ["12.345.678-5", "12345678-5", "123456785", " 12.345.678-5 ",
                                     "12 345 678 5"])
def test_a_rut_written_any_usual_way_is_stored_the_same(written):
    assert national_ids.id_errors("rut", "CL", written) == []
    assert national_ids.normalised("CL", written) == "123456785"


def test_a_rut_with_k_as_check_digit_is_valid_in_either_case():
    assert national_ids.normalised("CL", "7.654.321-6") == "76543216"
    assert rut.calc_check_digit("10000013") == "K"
    assert national_ids.normalised("CL", "10.000.013-k") == "10000013K"
    assert national_ids.normalised("CL", "10.000.013-K") == "10000013K"


@pytest.mark.parametrize("wrong", ["12.345.678-4", "12.345.678-K", "7.654.321-1"])
def test_a_rut_with_the_wrong_check_digit_is_refused_as_such(wrong):
    [error] = national_ids.id_errors("national_id", "CL", wrong)
    assert (error.field, error.code, error.limit) == ("national_id", "national_id_checksum",
                                                      "RUT")
    assert error.message == "El dígito verificador del RUT no corresponde."


@pytest.mark.parametrize("junk", ["abc", "1-9", "", "1234567890123", "12.345.67a-5"])
def test_something_that_is_not_a_rut_is_refused_as_such(junk):
    [error] = national_ids.id_errors("national_id", "CL", junk)
    assert error.code == "national_id_format" and error.limit == "RUT"


def test_a_rut_is_shown_the_way_people_write_it():
    assert national_ids.shown("CL", "123456785") == "12.345.678-5"
    assert national_ids.shown("CL", None) == ""


@pytest.mark.parametrize("written", [CODICE, CODICE.lower(), "RSS MRA 85T10 A562S",
                                     " rssmra85t10a562s "])
def test_a_codice_fiscale_in_any_case_and_spacing_is_stored_upper_case(written):
    assert national_ids.id_errors("cf", "IT", written) == []
    assert national_ids.normalised("IT", written) == CODICE


def test_a_codice_fiscale_with_the_wrong_check_character_is_refused_as_such():
    [error] = national_ids.id_errors("national_id", "IT", CODICE[:-1] + "A")
    assert (error.code, error.limit) == ("national_id_checksum", "codice fiscale")


@pytest.mark.parametrize("junk", ["RSSMRA85", "12345678901234567", "RSSMRA85T10A56"])
def test_something_that_is_not_a_codice_fiscale_is_refused_as_such(junk):
    [error] = national_ids.id_errors("national_id", "IT", junk)
    assert error.code == "national_id_format" and error.limit == "codice fiscale"


def test_a_rut_is_no_codice_fiscale():
    assert national_ids.id_errors("national_id", "IT", RUT)[0].code == "national_id_format"


@given(st.integers(min_value=1_000_000, max_value=99_999_999), st.booleans())
def test_every_rut_with_its_own_check_digit_is_valid_however_written(number, dotted):
    digit = rut.calc_check_digit(str(number))
    written = f"{number:,}".replace(",", ".") if dotted else str(number)
    assert national_ids.normalised("CL", f"{written}-{digit.lower()}") == f"{number}{digit}"


@given(st.integers(min_value=1_000_000, max_value=99_999_999), st.sampled_from("0123456789K"))
def test_every_other_check_digit_is_refused(number, digit):
    if digit == rut.calc_check_digit(str(number)):
        return
    assert national_ids.id_errors("rut", "CL", f"{number}-{digit}")[0].code \
        == "national_id_checksum"


LETTER = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
DIGIT = st.sampled_from("0123456789")


@given(st.tuples(*[LETTER] * 6, DIGIT, DIGIT, st.sampled_from("ABCDEHLMPRST"),
                 st.sampled_from(["01", "15", "28", "41", "55", "68"]), LETTER,
                 DIGIT, DIGIT, DIGIT))
def test_every_codice_fiscale_with_its_check_character_is_valid_in_lower_case(parts):
    body = "".join(parts)
    code = body + codicefiscale.calc_check_digit(body)
    assert national_ids.normalised("IT", code.lower()) == code
    wrong = next(c for c in "ABC" if c != code[-1])
    assert national_ids.id_errors("cf", "IT", body + wrong)[0].code == "national_id_checksum"


def test_a_country_without_a_known_document_keeps_the_number_trimmed():
    assert national_ids.normalised("AR", " 20-1234 ") == "20-1234"
    assert national_ids.id_errors("x", "AR", "20-1234") == []


@pytest.mark.parametrize("country", ["CL", "IT", "AR"])
def test_characters_no_database_stores_are_refused_in_any_country(country):
    assert [e.code for e in national_ids.id_errors("national_id", country, "12\x00")] == [
        "characters"]
