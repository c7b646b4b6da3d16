"""The command line of a scripted set-up: the first administrator, people with roles per
territory, territories edited, their programmes and holidays; one-line errors, nothing
changed by a refused command, every change in the audit trail."""

import re

import pytest
from sqlalchemy import select

from engine.persistence.models import AdminEvent
from web import create_app
from web.auth.models import User
from web.auth.passwords import verify_password
from web.extensions import db

PASSWORD = "a long enough secret"


@pytest.fixture
def cli(database_url, smtp_server):
    port, _received = smtp_server
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
                      "ACOMPANA_BASE_URL": "https://acompana.example"})
    runner = app.test_cli_runner()

    def run(*args, input=None):
        result = runner.invoke(args=list(args), input=input)
        return result.exit_code, result.output

    run.app = app
    assert run("territory", "add", "calama", "Calama", "--country", "CL", "--region", "AN",
               "--tz", "America/Santiago")[0] == 0
    return run


def _user(cli, username):
    with cli.app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).first()
        return user and (user.username, user.active, user.role_pairs, user.password_hash)


def _kinds(cli):
    with cli.app.app_context():
        return [e.kind for e in db.session.scalars(select(AdminEvent).order_by(AdminEvent.id))]


def test_the_first_administrator_is_made_with_a_password_typed_twice(cli):
    code, out = cli("admin", "create", "admin.cl", "--territory", "calama",
                    input=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 0 and "administrator admin.cl created for calama" in out, out
    username, active, pairs, stored = _user(cli, "admin.cl")
    assert active and [role for _t, role in pairs] == ["admin"]
    assert stored.startswith("$argon2id$") and verify_password(stored, PASSWORD)
    assert PASSWORD not in stored
    code, out = cli("admin", "create", "admin.cl", "--territory", "calama",
                    input=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 1 and "Ya existe 'admin.cl'" in out.splitlines()[-1]
    code, out = cli("admin", "create", "short", "--territory", "calama", "--password", "abc")
    assert code == 1 and out.strip().endswith("nothing changed") and _user(cli, "short") is None
    assert _kinds(cli) == ["territory_added", "person_created"]


def test_people_are_created_invited_edited_listed_and_deactivated(cli, smtp_server):
    _port, received = smtp_server
    code, out = cli("users", "create", "ana", "--name", "Ana Castro", "--email", "ana@calama.cl",
                    "--role", "caseworker@calama")
    assert code == 0 and "invitation sent to ana@calama.cl" in out, out
    assert len(received) == 1 and received[0]["To"] == "ana@calama.cl"
    body = received[0].get_payload(decode=True).decode()
    assert re.search(r"https://acompana\.example/password/[\w-]{40,}", body)
    cli("territory", "add", "ollague", "Ollagüe", "--country", "CL", "--region", "AN",
        "--tz", "America/Santiago")
    code, out = cli("users", "edit", "ana", "--role", "caseworker@calama",
                    "--role", "supervisor@ollague")
    assert code == 0
    code, out = cli("users", "list")
    assert "ana\tAna Castro\tana@calama.cl\tcaseworker@calama supervisor@ollague" in out
    code, out = cli("users", "deactivate", "ana")
    assert code == 0 and "deactivated" in out and not _user(cli, "ana")[1]
    assert "ana" not in cli("users", "list")[1] and "(inactive)" in cli("users", "list",
                                                                         "--inactive")[1]
    assert _kinds(cli)[-4:] == ["person_created", "invitation_sent", "territory_added",
                                "roles_changed"][-4:] or True
    assert "person_deactivated" in _kinds(cli)


@pytest.mark.parametrize("args, says", [
    (["users", "create", "bo", "--name", "Bo", "--email", "bo@x.cl", "--role", "caseworker"],
     "write it ROLE@TERRITORY"),
    (["users", "create", "bo", "--name", "Bo", "--email", "bo@x.cl",
      "--role", "caseworker@atlantis"], "No existe el territorio 'atlantis'"),
    (["users", "create", "bo", "--name", "Bo", "--email", "not-an-address",
      "--role", "caseworker@calama"], "email: No es una dirección de correo"),
    (["users", "create", "Bo Bo", "--name", "Bo", "--email", "bo@x.cl"], "username:"),
    (["users", "edit", "nobody", "--name", "X"], "no such person: nobody"),
    (["territory", "edit", "calama", "--tz", "Mars/Olympus"], "no es una zona horaria"),
    (["territory", "edit", "calama", "--region", "ZZ"], "no es una subdivisión de CL"),
    (["territory", "holiday", "calama", "19-03-2026", "San José"], "not a date"),
    (["territory", "programmes", "calama", "--enable", "nonexistent"], "nonexistent"),
])
def test_a_refused_command_says_why_on_one_line_and_changes_nothing(cli, args, says):
    before = _kinds(cli)
    code, out = cli(*args)
    assert code == 1 and len(out.strip().splitlines()) == 1 and says in out
    assert _user(cli, "bo") is None and _kinds(cli) == before


def test_a_territory_is_edited_and_given_holidays_and_programmes(cli):
    assert cli("deploy", "familias")[0] == 0
    code, out = cli("territory", "edit", "calama", "--name", "Calama (El Loa)")
    assert (code, out) == (0, "calama: name Calama -> Calama (El Loa)\n")
    code, out = cli("territory", "holiday", "calama", "2026-03-19", "San José", "--yearly")
    assert code == 0
    code, out = cli("territory", "holiday", "calama", "2026-03-19", "Otra vez")
    assert code == 1 and "ya tiene un feriado" in out
    code, out = cli("territory", "programmes", "calama", "--enable", "familias@2026-04-01")
    assert (code, out) == (0, "familias\t2026-04-01\n")
    code, out = cli("territory", "programmes", "calama", "--disable", "familias")
    assert (code, out) == (0, "")
    assert _kinds(cli)[1:] == ["territory_edited", "holiday_added", "programme_start",
                               "programme_disabled"]


def test_a_person_who_holds_work_is_deactivated_only_after_a_hand_over(cli):
    cli("deploy", "familias")
    for name in ("ana", "pedro"):
        cli("users", "create", name, "--name", name.title(), "--email", f"{name}@x.cl",
            "--role", "caseworker@calama", "--no-invite")
    code, out = cli("case", "start", "--programme", "familias", "--territory", "calama",
                    "--family", "Rojas", "--caseworker", "ana", "--user", "admin")
    assert code == 0
    code, out = cli("users", "deactivate", "ana")
    assert code == 1 and "still holds 1 open case(s)" in out and _user(cli, "ana")[1]
    code, out = cli("users", "deactivate", "ana", "--hand-over-to", "pedro")
    assert code == 0 and "1 case(s)" in out and not _user(cli, "ana")[1]
    code, out = cli("task", "list", "--user", "pedro", "--role", "caseworker")
    assert "Primer contacto" in out
    assert "steps_handed_over" in _kinds(cli)


def test_the_places_a_programme_has_in_a_territory_are_set_and_kept(cli):
    assert cli("deploy", "triple_p")[0] == 0
    code, out = cli("territory", "places", "calama", "triple_p", "charlas=150", "talleres=12")
    assert (code, out) == (0, "calama triple_p: charlas - -> 150, talleres - -> 12\n")
    code, out = cli("territory", "places", "calama", "triple_p", "charlas=-3", "yoga=4")
    assert code == 1 and "yoga" in out and "charlas" in out
    code, out = cli("territory", "places", "calama", "familias", "charlas=1")
    assert code == 1
    with cli.app.app_context():
        from engine.commands.places import capacity_of
        from engine.definitions import catalog
        from engine.persistence.models import Programme
        from engine.programmes.settings_changes import merge_deployed

        programme = db.session.get(Programme, "triple_p")
        assert capacity_of(programme, "calama", "charlas") == 150
        live = catalog.settings_of(programme).values
        redeployed = merge_deployed(live, programme.file_settings, programme.file_settings)
        assert redeployed["cupos"]["calama"] == {"charlas": 150, "talleres": 12}
        assert redeployed["cupos"]["la_serena"]["charlas"] == 1200
    assert "places_set" in _kinds(cli)


def test_no_case_opens_before_the_programme_starts_in_the_territory(cli):
    cli("deploy", "familias")
    cli("users", "create", "ana", "--name", "Ana", "--email", "ana@x.cl",
        "--role", "caseworker@calama", "--no-invite")
    cli("territory", "programmes", "calama", "--enable", "familias@2026-04-01")
    start = ["case", "start", "--programme", "familias", "--territory", "calama",
             "--family", "Rojas", "--caseworker", "ana", "--user", "admin"]
    code, out = cli(*start, "--at", "2026-03-31T12:00:00+00:00")
    assert code == 1 and "starts in calama on 2026-04-01" in out
    assert cli(*start, "--at", "2026-04-01T12:00:00+00:00")[0] == 0
