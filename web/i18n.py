"""Languages (Spanish, Italian, English) and local dates for each person."""

from datetime import date, datetime, timedelta

from flask import Flask, request, session
from flask_babel import format_date, format_datetime, get_locale, to_user_timezone
from flask_login import current_user

from .messages import word_actor, word_event, word_incident

LANGUAGES = {"es": "Español", "it": "Italiano", "en": "English"}
COUNTRY_LANGUAGE = {"CL": "es", "IT": "it"}
COUNTRY_ZONE = {"CL": "America/Santiago", "IT": "Europe/Rome"}


CHOSEN = "locale"  # the language chosen before signing in, kept in the session cookie


def select_locale() -> str:
    """The person's chosen language, else the one chosen on the sign-in page, else their
    territory's, else the browser's."""
    if current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    chosen = session.get(CHOSEN)
    if chosen in LANGUAGES:
        return chosen
    person = language_of(current_user) if current_user.is_authenticated else None
    return person or request.accept_languages.best_match(list(LANGUAGES)) or "es"


def language_of(person) -> str | None:
    """A person's language: the one they chose, else their (first) territory's."""
    if person.locale in LANGUAGES:
        return person.locale
    for territory in person.territories:
        return COUNTRY_LANGUAGE.get(territory.country, "es")
    return None


def select_timezone() -> str:
    """The time zone of the person's (first) territory."""
    if current_user.is_authenticated and current_user.territories:
        return current_user.territories[0].timezone
    return "America/Santiago"


def due_day(due_at: datetime) -> date:
    """The last day a step is on time, in the reader's time zone: a step is due at the end of
    its due day, so its ``due_at`` is the midnight that starts the next day (the moment it
    becomes overdue); showing that midnight's date would give people one day too many."""
    return to_user_timezone(due_at - timedelta(microseconds=1)).date()


def register(app: Flask) -> None:
    """Template helpers for local dates."""

    @app.template_filter("day")
    def day(moment: datetime | None) -> str:
        return format_date(moment, "medium") if moment else "—"

    @app.template_filter("due_day")
    def due_day_filter(moment: datetime | None) -> str:
        return format_date(due_day(moment), "medium") if moment else "—"

    @app.template_filter("when")
    def when(moment: datetime | None) -> str:
        return format_datetime(moment, "short") if moment else "—"

    @app.context_processor
    def languages():
        from .notifications.views import unread_count

        return {"LANGUAGES": LANGUAGES, "get_locale": get_locale, "unread_count": unread_count,
                "word_event": word_event, "word_actor": word_actor,
                "word_incident": word_incident}
