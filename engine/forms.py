"""Task forms: JSON Schemas in ``forms/``, named by the user task's ``formKey``.

A property ``{"x-reference": NAME}`` is expanded from ``forms/reference/NAME.json`` (an
indicator grid such as the Matriz de Bienestar), so reference data lives in one file.
Submitted data is validated here, server-side, before the engine touches the case.
"""

import json
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.exceptions import SchemaError

from .errors import FieldError

REFERENCE_KEY = "x-reference"


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
            Draft202012Validator.check_schema(self.schema(form_key))
        except (ValueError, SchemaError, OSError) as err:
            return [f"form '{form_key}' is not a valid JSON Schema: {err}"]
        return []

    def validate(self, form_key: str, data: dict) -> list[FieldError]:
        """Every problem with ``data`` for this form, one per field, in field order."""
        validator = self._validator(form_key)
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        return [_field_error(e, data) for e in errors]

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
                             "x-dimension": item["dimension"]}
            for item in data["indicadores"]
        }
        extra = {k: v for k, v in overrides.items() if k != REFERENCE_KEY}
        return {"type": "object", "properties": properties, "additionalProperties": False,
                "x-reference": name, **extra}


def _field_error(error: ValidationError, data: dict) -> FieldError:
    path = _dotted(error.absolute_path)
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in (error.instance or {})]
        name = missing[0] if missing else "?"
        field = f"{path}.{name}" if path else name
        return FieldError(field, "required", "Este campo es obligatorio.")
    return FieldError(path or "(formulario)", str(error.validator), _message(error))


def _dotted(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _message(error: ValidationError) -> str:
    value = error.validator_value
    messages = {
        "type": f"Tipo de dato incorrecto: se esperaba {value}.",
        "enum": "Elija una de las opciones: " + ", ".join(map(str, value or [])) + ".",
        "format": f"Formato inválido (se esperaba {value}, p. ej. 2026-03-31).",
        "minimum": f"Debe ser mayor o igual que {value}.",
        "maximum": f"Debe ser menor o igual que {value}.",
        "minLength": "No puede estar vacío." if value == 1 else f"Mínimo {value} caracteres.",
        "maxLength": f"Máximo {value} caracteres.",
        "minItems": f"Agregue al menos {value} elemento(s).",
        "additionalProperties": "Campo no previsto en el formulario: " + error.message,
        "const": f"Debe ser {value!r}.",
    }
    return messages.get(str(error.validator), error.message)
