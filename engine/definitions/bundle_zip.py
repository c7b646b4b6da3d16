"""A process version as a zip file, and back, as pure functions.

The zip holds everything a version is made of (see :mod:`bundles`): its BPMN (with the
diagram) and DMN files under ``process/``, each form schema under ``forms/<key>.json``, each
reference data set under ``references/<name>.json``, the settings (the programme's table and
the version's settings schema) as ``settings.json``, and ``bundle.json`` saying which
programme and version it is and the content hash recorded when it was deployed. Written the
same way every time (sorted, fixed timestamps), so the same version gives the same bytes;
reading it back and hashing it gives the same content hash (:func:`bundles.bundle_hash`).
Zips are hostile input: the size, the number of members and their names are checked.
"""

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..core.errors import InvalidProcess, ProcessProblem
from ..programmes.settings import settings_from_dict
from . import bundles
from .checks import check_sources
from .field_order import ORDER_KEY, reordered
from .forms import BundledForms
from .importing import MAX_BYTES, UnusableImport
from .parsing import parse_process

FORMAT = "acompana-bundle/1"
MAX_MEMBERS = 500
HOUSEHOLD_FILE = "household.schema.json"  # the household schema, when the version has one
NAMES_FILE = "names.json"  # the programme's names by language, when the version has them
STAMP = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class ExportedBundle:
    """One version's files: sources by name, forms (``schemas`` and ``references``), the
    settings (``[programa]`` and the settings schema) and, when known, its content hash."""

    programme: str
    version: int | None
    sources: dict[str, str]
    forms: dict
    settings: dict
    content_hash: str | None = None

    @property
    def settings_schema(self) -> dict:
        """The settings schema the hash covers (every table but ``[programa]``)."""
        return bundles.settings_schema(self.settings)

    def library(self) -> BundledForms:
        """The bundle's forms as a form library (nothing read from disk)."""
        return BundledForms(self.forms.get("schemas", {}), self.forms.get("references", {}))


def from_version(definition, programme_table: dict) -> ExportedBundle:
    """The bundle of a stored version (a ``ProcessDefinition``) and its programme's table."""
    stored = definition.forms or {}
    forms = {"schemas": reordered(stored.get("schemas", {}), stored.get(ORDER_KEY)),
             "references": stored.get("references", {}),
             bundles.HOUSEHOLD_KEY: stored.get(bundles.HOUSEHOLD_KEY)}
    if stored.get(bundles.NAMES_KEY):
        forms[bundles.NAMES_KEY] = stored[bundles.NAMES_KEY]
    settings = {bundles.PROGRAMME_TABLE: dict(programme_table or {}),
                **(definition.settings_schema or {})}
    return ExportedBundle(definition.programme_key, definition.version,
                          dict(definition.sources), forms, settings, definition.content_hash)


def write_zip(bundle: ExportedBundle) -> bytes:
    """The zip file of ``bundle`` (the same bytes for the same bundle)."""
    members = {"bundle.json": _json({"format": FORMAT, "programme": bundle.programme,
                                     "version": bundle.version,
                                     "content_hash": bundle.content_hash})}
    members |= {f"process/{name}": text for name, text in bundle.sources.items()}
    members |= {f"forms/{key}.json": _json(schema, in_order=True)
                for key, schema in bundle.forms.get("schemas", {}).items()}
    members |= {f"references/{name}.json": _json(data, in_order=True)
                for name, data in bundle.forms.get("references", {}).items()}
    if bundle.forms.get(bundles.HOUSEHOLD_KEY) is not None:
        members[HOUSEHOLD_FILE] = _json(bundle.forms[bundles.HOUSEHOLD_KEY], in_order=True)
    if bundle.forms.get(bundles.NAMES_KEY):
        members[NAMES_FILE] = _json(bundle.forms[bundles.NAMES_KEY])
    members["settings.json"] = _json(bundle.settings)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            archive.writestr(zipfile.ZipInfo(name, STAMP), members[name].encode("utf-8"),
                             zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def is_zip(data: bytes) -> bool:
    """Whether ``data`` starts like a zip file."""
    return data[:4] == b"PK\x03\x04"


def read_zip(data: bytes, file: str) -> ExportedBundle:
    """The bundle in the zip ``data``; :class:`UnusableImport` when it is not one."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as err:
        raise UnusableImport(file, f"not a readable zip file ({err})", "not_zip") from None
    if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > 4 * MAX_BYTES:
        raise UnusableImport(file, "the zip is too large", "too_large")
    members = {}
    for info in infos:
        if info.is_dir():
            continue
        if not _safe(info.filename):
            raise UnusableImport(file, f"the zip has a member outside it: {info.filename}",
                                 "unsafe_zip")
        try:
            members[info.filename] = archive.read(info).decode("utf-8")
        except (UnicodeDecodeError, zipfile.BadZipFile, OSError, EOFError) as err:
            raise UnusableImport(file, f"{info.filename} cannot be read ({err})",
                                 "not_zip") from None
    return _bundle(members, file)


def check_bundle(bundle: ExportedBundle) -> tuple[list[ProcessProblem], str | None]:
    """Every problem of the bundle (:func:`check_sources`, with the bundle's own forms) and,
    when there are none, the content hash a deploy of it stores."""
    library = bundle.library()
    problems = check_sources(bundle.sources, bundle.settings, library)
    if problems:
        return problems, None
    try:
        parsed = parse_process(bundle.sources, settings_from_dict(bundle.settings), library)
    except InvalidProcess as err:
        return err.problems, None
    household = bundle.forms.get(bundles.HOUSEHOLD_KEY)
    return [], bundles.gather(parsed, bundle.settings, library, household,
                              bundle.forms.get(bundles.NAMES_KEY)).content_hash


def _bundle(members: dict[str, str], file: str) -> ExportedBundle:
    try:
        head = json.loads(members.pop("bundle.json"))
        settings = json.loads(members.pop("settings.json"))
        household = json.loads(members.pop(HOUSEHOLD_FILE, "null"))
        programme_names = json.loads(members.pop(NAMES_FILE, "null"))
        sources, schemas, references = {}, {}, {}
        for name, text in members.items():
            path = PurePosixPath(name)
            if path.parts[0] == "process" and path.suffix in (".bpmn", ".dmn"):
                sources[path.name] = text
            elif path.parts[0] == "forms" and path.suffix == ".json":
                schemas[str(PurePosixPath(*path.parts[1:]).with_suffix(""))] = json.loads(text)
            elif path.parts[0] == "references" and path.suffix == ".json":
                references[str(PurePosixPath(*path.parts[1:]).with_suffix(""))] = json.loads(text)
    except (KeyError, ValueError, TypeError) as err:
        raise UnusableImport(file, f"the zip is not an Acompaña version bundle ({err})",
                             "not_bundle") from None
    if not isinstance(head, dict) or head.get("format") != FORMAT or not isinstance(
            settings, dict):
        raise UnusableImport(file, "the zip is not an Acompaña version bundle", "not_bundle")
    forms = {"schemas": schemas, "references": references, bundles.HOUSEHOLD_KEY: household}
    if isinstance(programme_names, dict) and programme_names:
        forms[bundles.NAMES_KEY] = programme_names
    return ExportedBundle(str(head.get("programme")), head.get("version"), sources, forms,
                          settings, head.get("content_hash"))


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and "\\" not in name


def _json(value, in_order: bool = False) -> str:
    """JSON text; forms keep their keys in order (the order fields are shown in)."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=not in_order) + "\n"
