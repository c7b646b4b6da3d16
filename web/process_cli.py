"""``flask process import FILE [--programme KEY] [--process ID] (--check | -o DIR)`` and
``flask process export KEY [--version N] -o FILE``.

Import reads a ``.bpmn`` written by another tool (engine.definitions.importing) or a version
zip exported here (engine.definitions.bundle_zip), and prints every problem, one line each
(``file:line [element "name"]: reason: fix``), then what was carried over or left out
(``note:`` lines). It exits 0 when the result is publishable, 1 when it has problems and 2 when
the file cannot be used at all (empty, cut short, not XML, not BPMN, not a bundle); never a
traceback. With ``-o DIR`` it writes the normalised files (BPMN and DMN, ``settings.toml``, and
for a zip its forms as ``bundle_forms.json``) into DIR, which ``flask deploy --draft DIR`` then
deploys.
"""

import json
import re
import tomllib
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

import engine
from engine.commands import process_import as imports
from engine.definitions import bundle_zip, bundles, importing, names
from engine.definitions.forms import BundledForms, FormLibrary
from engine.definitions.parsing import read_sources
from engine.programmes import settings_toml

from .extensions import db

PUBLISHABLE, HAS_PROBLEMS, UNUSABLE = 0, 1, 2
PROGRAMME_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
BUNDLE_FORMS = "bundle_forms.json"


@click.group(cls=AppGroup)
def process() -> None:
    """Import process files from other tools, export versions as zip files."""


@process.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--programme", help="the programme key (its settings in processes/KEY are used)")
@click.option("--process", "process_id", help="which process of the file to import")
@click.option("--country", default="CL", type=click.Choice(["CL", "IT"]),
              help="the country of a new programme's starter settings")
@click.option("--check", is_flag=True, help="only check: print the problems, write nothing")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="write the imported programme folder here (for flask deploy --draft)")
def process_import(file: Path, programme, process_id, country, check, output) -> None:
    """Import FILE (a .bpmn from another tool, or a version .zip) and list its problems."""
    if not check and output is None:
        raise click.UsageError("give --check, or -o DIR to write the imported files")
    if programme is not None and not PROGRAMME_KEY.fullmatch(programme):
        raise click.UsageError(f"--programme: {programme!r} is not a programme key (lower case "
                               "letters, digits and _, starting with a letter)")
    try:
        data = file.read_bytes()
    except OSError as error:
        _unusable(f"{file}: cannot be read ({error.strerror})")
    try:
        if bundle_zip.is_zip(data):
            status = _import_zip(data, file.name, check, output)
        else:
            status = _import_bpmn(data, file.name, programme, process_id, country, check,
                                  output)
    except importing.UnusableImport as error:
        _unusable(str(error))
    raise click.exceptions.Exit(status)


def _import_bpmn(data, name, programme, process_id, country, check, output) -> int:
    raw_settings = _programme_settings(programme)
    decisions = read_sources(_folder(programme)) if raw_settings is not None else {}
    result = importing.import_and_check(data, name, _forms(), programme=programme,
                                        process_id=process_id, raw_settings=raw_settings,
                                        country=country, decisions=decisions)
    _print(result.problems, result.notes)
    if result.chosen is None:
        for found in result.processes:
            pool = f", pool '{found.pool}'" if found.pool else ""
            click.echo(f"  process {found.id}: {found.name or '(no name)'}{pool}, "
                       f"{found.steps} element(s)")
        return HAS_PROBLEMS
    if not check:
        _write(output, result.sources, result.settings)
    return _verdict(result.problems)


def _import_zip(data, name, check, output) -> int:
    bundle = bundle_zip.read_zip(data, name)
    problems, content_hash = bundle_zip.check_bundle(bundle)
    _print(problems, [])
    if content_hash:
        click.echo(f"content hash: {content_hash}")
    if not check:
        _write(output, bundle.sources, bundle.settings)
        (output / BUNDLE_FORMS).write_text(json.dumps(bundle.forms, ensure_ascii=False),
                                           encoding="utf-8")
        _write_household(output, bundle.forms.get(bundles.HOUSEHOLD_KEY))
        if bundle.forms.get(bundles.NAMES_KEY):
            (output / names.FILE).write_text(names.to_toml(bundle.forms[bundles.NAMES_KEY]),
                                             encoding="utf-8")
    return _verdict(problems)


def _verdict(problems) -> int:
    if problems:
        click.echo(f"{len(problems)} problem(s): not publishable yet")
        return HAS_PROBLEMS
    click.echo("publishable")
    return PUBLISHABLE


@process.command("export")
@click.argument("key")
@click.option("--version", "version", type=int, help="which version (default: the latest)")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="the zip file to write")
@click.option("--by", default="cli", help="who exports (kept in the programme's history)")
def process_export(key: str, version: int | None, output: Path, by: str) -> None:
    """Export a version of programme KEY (BPMN with its diagram, DMN, forms, settings)."""
    try:
        with engine.unit_of_work(db.session):
            definition, data = imports.version_zip(db.session, key, version)
            output.write_bytes(data)
            imports.record_export(db.session, definition, by, "cli")
    except engine.EngineError as error:
        raise click.ClickException(f"{key}: no such version; nothing written") from error
    click.echo(f"{key}: version {definition.version} written to {output} "
               f"(content hash {definition.content_hash})")


def folder_forms(folder: Path) -> FormLibrary | None:
    """The forms an imported version zip brought into ``folder`` (None when it has none)."""
    path = Path(folder) / BUNDLE_FORMS
    if not path.is_file():
        return None
    forms = json.loads(path.read_text(encoding="utf-8"))
    return BundledForms(forms.get("schemas", {}), forms.get("references", {}))


def _forms() -> FormLibrary:
    return current_app.extensions["acompana.forms"]


def _folder(programme: str) -> Path:
    return Path(current_app.config["PROCESSES_DIR"]) / programme


def _programme_settings(programme: str | None) -> dict | None:
    """The settings of programme ``programme``'s folder in processes/, if it has one."""
    if not programme:
        return None
    path = _folder(programme) / "settings.toml"
    if not path.is_file():
        return None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{path}: not valid TOML ({error})") from error


def _print(problems, notes) -> None:
    for problem in problems:
        click.echo(str(problem))
    for note in notes:
        click.echo(f"note: {note}")


def _write(folder: Path, sources: dict[str, str], settings: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in sources.items():
        (folder / Path(name).name).write_text(text, encoding="utf-8")
    (folder / "settings.toml").write_text(settings_toml.dump(settings), encoding="utf-8")
    click.echo(f"written to {folder} (deploy it with: flask deploy --draft {folder})")


def _write_household(folder: Path, schema: dict | None) -> None:
    """The version's household schema, named by a manifest as ``processes/<p>/`` has it."""
    if schema is None:
        return
    (folder / bundle_zip.HOUSEHOLD_FILE).write_text(json.dumps(schema, ensure_ascii=False),
                                                    encoding="utf-8")
    (folder / "manifest.toml").write_text(f'household_schema = "{bundle_zip.HOUSEHOLD_FILE}"\n',
                                          encoding="utf-8")


def _unusable(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    raise click.exceptions.Exit(UNUSABLE)
