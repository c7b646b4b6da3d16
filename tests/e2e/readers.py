"""The world of the reader's-language tests (history, names): Chiara, an Antofagasta
supervisor who reads Acompaña in Italian; a Familias case late on 10 April 2026; the history
section of a case page. ``chiara`` is a fixture (tests/e2e/conftest.py offers it)."""

from datetime import UTC, datetime

import pytest
import time_machine

from engine.persistence.models import Territory
from tests.entry import sweep
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

MARCH_2 = datetime(2026, 3, 2, 12, tzinfo=UTC)
APRIL_10 = datetime(2026, 4, 10, 12, tzinfo=UTC)  # the first contact and the entry are late


@pytest.fixture
def chiara(web_app):
    """Chiara Conti, a supervisor of Antofagasta who reads Acompaña in Italian."""
    from tests.e2e.conftest import PASSWORD  # the conftest offers this fixture

    with web_app.app_context():
        antofagasta = db.session.query(Territory).filter_by(code="antofagasta").one()
        db.session.add(User(username="chiara", full_name="Chiara Conti", roles="supervisor",
                            locale="it", password_hash=hash_password(PASSWORD),
                            territories=[antofagasta]))
        db.session.commit()
    return "chiara"


def late_on_april_10(web_app, start_case, meanwhile=None) -> int:
    """A Familias case ana holds, opened on 2 March; then ``meanwhile(case_id, traveller)``
    (the clock frozen, to be moved on); on 10 April the sweep has fired its deadlines."""
    with time_machine.travel(MARCH_2, tick=False) as traveller:
        case_id = start_case()
        if meanwhile:
            meanwhile(case_id, traveller)
        traveller.move_to(APRIL_10)
        with web_app.app_context():
            sweep(db.session)
    return case_id


def timeline(page: str) -> str:
    """The history section of a case page."""
    return page.split('<ol class="timeline">')[1].split("</ol>")[0]
