"""Every command-line failure as one line on standard error and exit status 1, never a
traceback: arguments the database cannot store are refused before the command runs, and any
error the command raises is reported by its kind and first line."""

import functools
from datetime import datetime

import click

from engine.core.errors import InvalidTaskData
from engine.core.inputs import has_unstorable


def one_line(command: click.Command) -> click.Command:
    """Give ``command`` (and, for a group, each of its subcommands) one-line errors."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            one_line(sub)
    elif command.callback is not None and not getattr(command.callback, "one_line", False):
        command.callback = _guarded(command.callback)
    return command


def _guarded(callback):
    @functools.wraps(callback)
    def run(*args, **kwargs):
        _refuse_unstorable(kwargs)
        try:
            return callback(*args, **kwargs)
        except (click.exceptions.Exit, click.Abort):
            raise
        except click.ClickException as error:
            raise click.ClickException(flat(error.format_message())) from error
        except InvalidTaskData as error:
            lines = "; ".join(f"{e.field}: {e.message}" for e in error.errors)
            raise click.ClickException(f"nothing changed; {lines}") from error
        except Exception as error:  # noqa: BLE001 - the promise is: no traceback, ever
            raise click.ClickException(f"{type(error).__name__}: {flat(str(error))}") from error

    run.one_line = True
    return run


def _refuse_unstorable(params: dict) -> None:
    for name, value in params.items():
        values = value if isinstance(value, tuple | list) else (value,)
        if any(isinstance(v, str) and has_unstorable(v) for v in values):
            raise click.ClickException(
                f"{name.replace('_', '-')}: contains a character that cannot be stored "
                "(a NUL or an invalid byte)")


def flat(text: str) -> str:
    """``text`` on one line (the first line of a database error, the rest joined by '; ')."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and lines[0].startswith("("):  # SQLAlchemy: "(driver.Error) message\n[SQL: …]"
        lines = lines[:1]
    return "; ".join(lines)


def moment(value: str | None, option: str = "--at") -> datetime | None:
    """An ISO date-time option, or a one-line error naming it."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise click.ClickException(
            f"{option}: {value!r} is not an ISO date-time (e.g. 2026-03-02T09:00)") from None
