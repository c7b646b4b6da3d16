"""Task forms: JSON Schemas in ``forms/``, named by the user task's ``formKey``.

A property ``{"x-reference": NAME}`` is expanded from ``forms/reference/NAME.json`` (an
indicator grid such as the Matriz de Bienestar), so reference data lives in one file.
Submitted data is validated here, server-side, before the engine touches the case.
"""

import functools
import json
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.exceptions import SchemaError

from ..core import inputs
from ..core.errors import FieldError

REFERENCE_KEY = "x-reference"
GRID_KEYS = (REFERENCE_KEY, "type", "properties", "additionalProperties")
PROVISIONAL = "provisional"  # x-provenance of an indicator written for Acompaña ("conocido": false)


class FormLibrary:
    """The forms of every programme, loaded lazily from one folder."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._schemas: dict[str, dict] = {}
        self._validators: dict[str, Draft202012Validator] = {}
        self._references: dict[str, dict] = {}

    def path(self, form_key: str) -> Path:
        """Where the schema of ``form_key`` lives."""
        return self.root / f"{form_key}.json"

    def exists(self, form_key: str) -> bool:
        """Whether ``form_key`` names a form file."""
        return self.path(form_key).is_file()

    def schema(self, form_key: str) -> dict:
        """The form's JSON Schema with reference data expanded."""
        if form_key not in self._schemas:
            raw = json.loads(self.path(form_key).read_text(encoding="utf-8"))
            self._schemas[form_key] = self._expand(raw)
        return self._schemas[form_key]

    def check(self, form_key: str) -> list[str]:
        """Problems with the form file itself (missing, not JSON, not a valid schema)."""
        if not self.exists(form_key):
            return [f"form '{form_key}' not found at {self.path(form_key)}"]
        try:
            problem = schema_problem(json.dumps(self.schema(form_key), sort_keys=True))
        except (ValueError, OSError) as err:
            problem = str(err)
        return [f"form '{form_key}' is not a valid JSON Schema: {problem}"] if problem else []

    def validate(self, form_key: str, data: dict) -> list[FieldError]:
        """Every problem with ``data`` for this form, one per field, in field order."""
        validator = self._validator(form_key)
        errors = sorted(validator.iter_errors(data), key=_position)
        found = [field for error in errors for field in field_errors_of(error)]
        found += inputs.character_errors(data)
        return list({(f.field, f.code): f for f in found}.values())

    def _validator(self, form_key: str) -> Draft202012Validator:
        if form_key not in self._validators:
            self._validators[form_key] = Draft202012Validator(
                self.schema(form_key), format_checker=FormatChecker()
            )
        return self._validators[form_key]

    def _expand(self, node):
        if isinstance(node, dict):
            if REFERENCE_KEY in node:
                return self.reference_schema(node[REFERENCE_KEY], node)
            return {k: self._expand(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self._expand(v) for v in node]
        return node

    def reference(self, name: str) -> dict:
        """The reference data set ``name`` (e.g. the Matriz de Bienestar indicators)."""
        if name not in self._references:
            path = self.root / "reference" / f"{name}.json"
            self._references[name] = json.loads(path.read_text(encoding="utf-8"))
        return self._references[name]

    def reference_schema(self, name: str, overrides: dict) -> dict:
        """An object schema with one state field per indicator of reference ``name``."""
        data = self.reference(name)
        states = [s["codigo"] for s in data["estados"]]
        properties = {
            item["codigo"]: {"title": item["texto"], "enum": states,
                             "x-dimension": item["dimension"],
                             **({"x-provenance": PROVISIONAL} if item.get("conocido") is False
                                else {})}
            for item in data["indicadores"]
        }
        # a grid expanded before (a draft begun from a version) is drawn again from the data
        extra = {k: v for k, v in overrides.items() if k not in GRID_KEYS}
        return {"type": "object", "properties": properties, "additionalProperties": False,
                "x-reference": name, **extra}


class BundledForms(FormLibrary):
    """The forms of one process version, as stored with it (schemas already expanded).

    Reads nothing from disk: a case keeps the forms of the version it runs on.
    """

    def __init__(self, schemas: dict[str, dict], references: dict[str, dict]):
        super().__init__(Path("(version)"))
        self._schemas = dict(schemas)
        self._references = dict(references)

    def path(self, form_key: str) -> Path:
        """Where ``form_key`` would be: in the version, not on disk."""
        return self.root / form_key

    def exists(self, form_key: str) -> bool:
        """Whether the version has the form ``form_key``."""
        return form_key in self._schemas

    def schema(self, form_key: str) -> dict:
        """The version's schema of ``form_key`` (KeyError if it has none)."""
        return self._schemas[form_key]

    def reference(self, name: str) -> dict:
        """The reference data set ``name`` as it was when the version was deployed."""
        return self._references[name]


def _position(error: ValidationError) -> list[str]:
    return [str(part) for part in error.absolute_path]


def field_errors_of(error: ValidationError) -> list[FieldError]:
    """The field problems one JSON Schema error stands for (also used for household members)."""
    path = _dotted(error.absolute_path)
    if error.validator == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        missing = [k for k in error.validator_value if k not in present]
        return [FieldError(f"{path}.{name}" if path else name, "required",
                           "Este campo es obligatorio.") for name in missing]
    return [FieldError(path or "(formulario)", str(error.validator), _message(error),
                       error.validator_value)]


def _dotted(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _message(error: ValidationError) -> str:  # noqa: C901 - one branch per JSON Schema keyword
    value, kind = error.validator_value, str(error.validator)
    if kind == "type":
        return f"Tipo de dato incorrecto: se esperaba {value}."
    if kind == "enum":
        return "Elija una de las opciones: " + ", ".join(map(str, value)) + "."
    if kind == "format":
        return f"Formato inválido (se esperaba {value}, p. ej. 2026-03-31)."
    if kind == "minimum":
        return f"Debe ser mayor o igual que {value}."
    if kind == "maximum":
        return f"Debe ser menor o igual que {value}."
    if kind == "minLength":
        return "No puede estar vacío." if value == 1 else f"Mínimo {value} caracteres."
    if kind == "maxLength":
        return f"Máximo {value} caracteres."
    if kind == "minItems":
        return f"Agregue al menos {value} elemento(s)."
    if kind == "const":
        return "Debe marcarse." if value is True else f"Debe ser {value!r}."
    if kind == "additionalProperties":
        return "Campo no previsto en el formulario: " + error.message
    return error.message


@functools.lru_cache(maxsize=2048)
def schema_problem(schema_json: str) -> str | None:
    """Why the JSON Schema ``schema_json`` (canonical JSON) is not valid, or None. Checking a
    schema against the meta-schema takes some 25 ms and every deploy checks every form, so
    the answer is kept per schema text for the life of the process."""
    try:
        Draft202012Validator.check_schema(json.loads(schema_json))
    except SchemaError as err:
        return str(err)
    return None

