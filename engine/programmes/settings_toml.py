"""Parsed settings written back as a ``settings.toml`` (for an imported or exported programme
folder that ``flask deploy`` reads). Only the shapes settings files use are written: tables
of text, numbers, booleans and lists of those; the text is read back and compared, so a value
this writer cannot express is an error, never a silently different file."""

import json
import re
import tomllib

BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def dump(settings: dict) -> str:
    """``settings`` as TOML text that :mod:`tomllib` reads back as exactly ``settings``."""
    lines: list[str] = []
    scalars = {k: v for k, v in settings.items() if not isinstance(v, dict)}
    lines += [f"{_key(k)} = {_value(v)}" for k, v in scalars.items()]
    for key, value in settings.items():
        if isinstance(value, dict):
            _table([key], value, lines)
    text = "\n".join(lines).strip() + "\n"
    if tomllib.loads(text) != settings:
        raise ValueError("these settings cannot be written as TOML faithfully")
    return text


def _table(path: list[str], table: dict, lines: list[str]) -> None:
    scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
    nested = {k: v for k, v in table.items() if isinstance(v, dict)}
    if scalars or not nested:
        lines += ["", f"[{'.'.join(_key(p) for p in path)}]"]
        lines += [f"{_key(k)} = {_value(v)}" for k, v in scalars.items()]
    for key, value in nested.items():
        _table([*path, key], value, lines)


def _key(key: str) -> str:
    return key if BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise ValueError(f"a settings value of type {type(value).__name__} cannot be written")
