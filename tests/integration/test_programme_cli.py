"""``flask programme enable|disable|list``: which territories run which programme."""

from tests.integration.test_cli import cli  # noqa: F401 - Antofagasta and Ana


def _start(cli, territory: str):  # noqa: F811
    return cli("case", "start", "--programme", "familias", "--territory", territory,
               "--family", "Rojas", "--caseworker", "ana", "--user", "jorge")


def test_a_programme_deployed_first_runs_in_its_countrys_territories(cli):  # noqa: F811
    assert cli("territory", "add", "somma_lombardo", "Ambito di Somma Lombardo", "--country",
               "IT", "--region", "VA", "--tz", "Europe/Rome")[0] == 0
    assert cli("deploy", "familias")[0] == 0
    assert cli("programme", "list") == (0, "familias: antofagasta\n")
    code, output = cli("programme", "enable", "familias", "somma_lombardo")
    assert code == 1
    assert output.strip().splitlines()[-1] == (
        "Error: familias runs in CL; somma_lombardo is in IT: nothing changed")
    assert cli("programme", "list") == (0, "familias: antofagasta\n")


def test_a_territory_added_later_is_given_its_programmes_one_by_one(cli):  # noqa: F811
    assert cli("deploy", "familias")[0] == 0
    assert cli("territory", "add", "calama", "Calama", "--country", "CL", "--region", "AN",
               "--tz", "America/Santiago")[0] == 0
    code, output = _start(cli, "calama")
    assert code == 1 and "familias is not enabled in calama" in output
    assert cli("programme", "enable", "familias", "calama") == (0, "familias enabled in calama\n")
    assert cli("programme", "enable", "familias", "calama") == (
        0, "familias already enabled in calama\n")
    assert cli("programme", "list") == (0, "familias: antofagasta, calama\n")
    assert cli("programme", "disable", "familias", "antofagasta") == (
        0, "familias disabled in antofagasta\n")
    assert _start(cli, "antofagasta")[0] == 1
    code, output = cli("programme", "enable", "nada", "calama")
    assert code == 1 and len(output.strip().splitlines()) == 1 and "nothing changed" in output
