"""Is a task form one Acompaña can draw and validate? Every problem at once, each with a path.

A form is a JSON Schema (draft 2020-12) restricted to what the renderer (``web/formkit``)
draws, plus Acompaña's ``x-`` keywords; ``form_meta.schema.json`` beside this module
describes both. :func:`form_problems` checks a form against that meta-schema and then checks
what a meta-schema cannot say: ``required`` names a field that exists, ``x-labels`` label
options that exist, the reference data a grid or list names exists, an expanded grid has the
reference's indicators, states and dimensions, minimums are not above maximums, patterns
compile, defaults are valid answers. Each problem carries a JSON pointer (``/properties/metas
/items/properties/meta``), a stable code registered in ``engine.core.messages.PROBLEMS`` and
plain params; the web words it. Pure: no files, no database.
"""

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, ValidationError

META_SCHEMA_PATH = Path(__file__).with_name("form_meta.schema.json")
MAX_DEPTH = 24  # nesting of JSON values; deeper is refused before anything else runs
GRID_KEYS = {"x-reference", "title", "description", "$comment", "type", "properties",
             "additionalProperties"}
CONDITIONS = ("if", "then", "else", "not")
CONDITION_LISTS = ("allOf", "anyOf")
RANGES = (("minLength", "maxLength"), ("minimum", "maximum"), ("minItems", "maxItems"))
_BOUNDS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
           "maxLength", "minItems", "maxItems", "maxProperties", "minProperties"}


@dataclass(frozen=True)
class FormProblem:
    """One problem of a form: where (a JSON pointer into the schema), which rule, its params,
    and an English sentence for logs and the command line."""

    path: str
    code: str
    message: str
    params: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        """Plain values for an API answer (without wording)."""
        return {"path": self.path, "code": self.code, "params": self.params}


@cache
def meta_schema() -> dict:
    """Acompaña's meta-schema for forms (``form_meta.schema.json``)."""
    return json.loads(META_SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _meta_validator() -> Draft202012Validator:
    return Draft202012Validator(meta_schema())


def form_problems(schema: object, references: Mapping[str, dict] | None = None
                  ) -> list[FormProblem]:
    """Every problem of the form ``schema``, in document order (empty: the form is fine).

    ``references`` holds the reference data sets by name (``forms/reference/*.json``) that
    ``x-reference`` and ``x-codigos-de`` may name; ``None`` skips those checks.
    """
    if not isinstance(schema, dict):
        return [_problem((), "form.not_an_object", "the form must be a JSON object")]
    deep = _too_deep(schema)
    if deep is not None:
        return [_problem(deep, "form.too_deep", f"nested deeper than {MAX_DEPTH} levels",
                         limit=MAX_DEPTH)]
    found = [p for error in _meta_validator().iter_errors(schema) for p in _from_meta(error)]
    found += _Semantics(references).field(schema, ())
    if drawn_fields(schema) > MAX_DRAWN:
        found.append(_problem((), "form.too_many_fields", f"the form would draw more than "
                              f"{MAX_DRAWN} fields (repeating rows included)", limit=MAX_DRAWN))
    unique = {(p.path, p.code, json.dumps(p.params, sort_keys=True, default=str)): p
              for p in found}
    return sorted(unique.values(), key=lambda p: _order(p.path))


def pointer(parts) -> str:
    """The JSON pointer of ``parts`` (``("properties", "a/b")`` → ``/properties/a~1b``)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _order(path: str) -> list:
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in path.split("/")]


def _problem(parts, code: str, message: str, **params) -> FormProblem:
    return FormProblem(pointer(parts), code, message, params)


def _too_deep(value, parts=()) -> tuple | None:
    """Where ``value`` nests deeper than MAX_DEPTH (without recursing that deep)."""
    stack = [(value, parts)]
    while stack:
        node, where = stack.pop()
        if len(where) > MAX_DEPTH:
            return where[:MAX_DEPTH]
        if isinstance(node, dict):
            stack += [(v, (*where, k)) for k, v in node.items()]
        elif isinstance(node, list):
            stack += [(v, (*where, n)) for n, v in enumerate(node)]
    return None


def _from_meta(error: ValidationError) -> Iterator[FormProblem]:  # noqa: C901 - one per keyword
    """The problems one meta-schema error stands for."""
    where, kind, value = tuple(error.absolute_path), str(error.validator), error.validator_value
    instance = error.instance
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        for keyword in instance:
            if keyword not in known:
                yield _problem((*where, keyword), "form.unknown_keyword",
                               f"'{keyword}' is not a keyword Acompaña's forms use",
                               keyword=str(keyword))
    elif "propertyNames" in error.schema_path:
        yield _problem((*where, instance), "form.bad_field_name",
                       f"field name {instance!r} must be letters, digits and _", name=instance)
    elif kind == "type":
        expected = value if isinstance(value, list) else [value]
        yield _problem(where, "form.wrong_type", f"must be of type {'/'.join(expected)}",
                       expected=" / ".join(expected))
    elif kind in ("enum", "const"):
        allowed = value if kind == "enum" else [value]
        yield _problem(where, "form.value_not_allowed", f"must be one of {allowed}",
                       allowed=", ".join(map(str, allowed)))
    elif kind == "anyOf" and where and where[-1] == "type":
        yield _problem(where, "form.value_not_allowed", "not a JSON Schema type",
                       allowed="string, integer, number, boolean, object, array, null")
    elif kind == "required":
        present = instance if isinstance(instance, dict) else {}
        for keyword in value:
            if keyword not in present:
                yield _problem(where, "form.missing_keyword", f"'{keyword}' is missing",
                               keyword=keyword)
    elif kind in _BOUNDS:
        yield _problem(where, "form.out_of_range", error.message, limit=value)
    elif kind == "uniqueItems":
        yield _problem(where, "form.duplicate", "has the same value twice")
    elif kind == "pattern":
        yield _problem(where, "form.bad_name", f"{instance!r} is not a valid name",
                       value=str(instance)[:100])
    else:
        yield _problem(where, "form.invalid", error.message, detail=error.message[:300])


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _type_of(node: dict) -> str | None:
    declared = node.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), None)
    if isinstance(declared, str):
        return declared
    if "properties" in node or "x-reference" in node:
        return "object"
    return "array" if "items" in node else None


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


class _Semantics:
    """The checks the meta-schema cannot express, walking fields and their conditions."""

    def __init__(self, references: Mapping[str, dict] | None):
        self.references = references

    def field(self, node, where: tuple) -> list[FormProblem]:
        """The problems of one field (an object's property, an array's items, the form)."""
        if not isinstance(node, dict):
            return []
        if "x-reference" in node:
            return self.grid(node, where)
        found = [*self.labels(node, where), *self.ranges(node, where),
                 *self.pattern(node, where), *self.default(node, where),
                 *self.codes(node, where), *self.widget(node, where)]
        properties = _dict(node.get("properties"))
        found += self.required(node, properties, where, "form.required_unknown")
        for name, child in properties.items():
            found += self.field(child, (*where, "properties", name))
        items = node.get("items")
        if isinstance(items, dict):
            if _type_of(items) == "object" and not _dict(items.get("properties")) \
                    and "x-reference" not in items:
                found.append(_problem((*where, "items"), "form.group_without_fields",
                                      "a repeating group needs at least one field"))
            found += self.field(items, (*where, "items"))
        found += self.conditions(node, properties, where)
        return found

    def conditions(self, node: dict, properties: dict, where: tuple) -> list[FormProblem]:
        """if/then/else/not/allOf/anyOf may only name fields of the object they sit in."""
        found = []
        parts = [((*where, key), node.get(key)) for key in CONDITIONS]
        parts += [((*where, key, n), sub) for key in CONDITION_LISTS
                  for n, sub in enumerate(_list(node.get(key)))]
        for place, condition in parts:
            if not isinstance(condition, dict):
                continue
            for name in _dict(condition.get("properties")):
                if name not in properties:
                    found.append(_problem((*place, "properties", name),
                                          "form.condition_unknown_field",
                                          f"the condition names '{name}', which is not a field",
                                          name=name))
            found += self.required(condition, properties, place, "form.required_unknown")
            found += self.conditions(condition, properties, place)
        return found

    @staticmethod
    def required(node: dict, properties: dict, where: tuple, code: str) -> list[FormProblem]:
        """Each name in ``required`` is a field of ``properties``."""
        return [_problem((*where, "required", n), code, f"'{name}' is required but no field "
                         "has that name", name=name)
                for n, name in enumerate(_list(node.get("required")))
                if isinstance(name, str) and name not in properties]

    @staticmethod
    def labels(node: dict, where: tuple) -> list[FormProblem]:
        """``x-labels`` label options of ``enum`` (as text), and need an ``enum``."""
        labels = node.get("x-labels")
        if not isinstance(labels, dict):
            return []
        if not isinstance(node.get("enum"), list):
            return [_problem((*where, "x-labels"), "form.labels_without_options",
                             "x-labels without enum: there are no options to label")]
        options = {_text(v) for v in node["enum"]}
        return [_problem((*where, "x-labels", key), "form.label_not_an_option",
                         f"'{key}' is labelled but is not one of the options", option=key)
                for key in labels if key not in options]

    @staticmethod
    def ranges(node: dict, where: tuple) -> list[FormProblem]:
        """minLength ≤ maxLength, minimum ≤ maximum, minItems ≤ maxItems."""
        found = []
        for low, high in RANGES:
            a, b = node.get(low), node.get(high)
            numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (a, b))
            if numbers and a > b:
                found.append(_problem((*where, low), "form.min_over_max",
                                      f"{low} {a} is above {high} {b}", low=a, high=b))
        return found

    @staticmethod
    def pattern(node: dict, where: tuple) -> list[FormProblem]:
        """A ``pattern`` is a regular expression that compiles."""
        text = node.get("pattern")
        if not isinstance(text, str):
            return []
        try:
            re.compile(text)
        except (re.error, RecursionError, OverflowError) as error:
            return [_problem((*where, "pattern"), "form.pattern_invalid",
                             f"not a regular expression: {error}", detail=str(error)[:200])]
        return []

    @staticmethod
    def default(node: dict, where: tuple) -> list[FormProblem]:
        """A ``default`` is itself a valid answer of the field."""
        if "default" not in node:
            return []
        own = {k: v for k, v in node.items() if k not in ("default", "pattern", "$schema")}
        try:
            valid = Draft202012Validator(own).is_valid(node["default"])
        except Exception:  # noqa: BLE001 - a broken schema is reported by the meta-schema
            return []
        return [] if valid else [_problem((*where, "default"), "form.default_invalid",
                                          "the default is not a valid answer of this field")]

    def codes(self, node: dict, where: tuple) -> list[FormProblem]:
        """``x-codigos-de`` names reference data that exists."""
        name = node.get("x-codigos-de")
        return self.unknown_reference(name, (*where, "x-codigos-de"))

    @staticmethod
    def widget(node: dict, where: tuple) -> list[FormProblem]:
        """``x-widget: textarea`` only on text."""
        if "x-widget" in node and _type_of(node) not in (None, "string"):
            return [_problem((*where, "x-widget"), "form.textarea_not_text",
                             "x-widget textarea is for text fields only")]
        return []

    def unknown_reference(self, name, where: tuple) -> list[FormProblem]:
        """The reference ``name`` is unknown (when references are checked at all)."""
        if self.references is None or not isinstance(name, str) or name in self.references:
            return []
        return [_problem(where, "form.reference_unknown", f"no reference data '{name}'",
                         name=name, known=", ".join(sorted(self.references)))]

    def grid(self, node: dict, where: tuple) -> list[FormProblem]:
        """A Matriz grid: its reference exists and is well formed, nothing else beside it,
        and (when expanded, as in a stored version) its rows are the reference's."""
        found = [_problem((*where, key), "form.grid_extra",
                          f"'{key}' cannot stand beside x-reference", keyword=key)
                 for key in node if key not in GRID_KEYS]
        name = node.get("x-reference")
        unknown = self.unknown_reference(name, (*where, "x-reference"))
        if unknown or self.references is None or not isinstance(name, str):
            return found + unknown
        shape = reference_shape(self.references[name])
        if isinstance(shape, str):
            return [*found, _problem((*where, "x-reference"), "form.reference_broken",
                                     f"reference data '{name}' is malformed: {shape}",
                                     name=name, detail=shape)]
        if "properties" in node:
            found += _expanded_grid(node, where, name, shape)
        return found


@dataclass(frozen=True)
class ReferenceShape:
    """What a well-formed reference data set holds: states, dimensions, indicators."""

    states: tuple[str, ...]
    dimensions: tuple[str, ...]
    indicators: dict[str, str]  # code → dimension


def reference_shape(data) -> ReferenceShape | str:
    """The shape of a reference data set, or what is wrong with it (in English)."""
    if not isinstance(data, dict):
        return "not a JSON object"
    lists = {}
    for key in ("estados", "dimensiones", "indicadores"):
        entries = data.get(key)
        wrong = _coded_list_problem(key, entries)
        if wrong:
            return wrong
        lists[key] = entries
    dimensions = tuple(d["codigo"] for d in lists["dimensiones"])
    indicators = {}
    for entry in lists["indicadores"]:
        if entry.get("dimension") not in dimensions:
            return f"indicator {entry['codigo']} names an unknown dimension"
        if not isinstance(entry.get("texto"), str):
            return f"indicator {entry['codigo']} has no 'texto'"
        indicators[entry["codigo"]] = entry["dimension"]
    return ReferenceShape(tuple(s["codigo"] for s in lists["estados"]), dimensions, indicators)


def _coded_list_problem(key: str, entries) -> str | None:
    """What is wrong with a list of ``{"codigo": …}`` entries, if anything."""
    if not isinstance(entries, list) or not entries:
        return f"'{key}' must be a non-empty list"
    codes = [e.get("codigo") if isinstance(e, dict) else None for e in entries]
    if not all(isinstance(c, str) and c for c in codes):
        return f"every entry of '{key}' needs a 'codigo'"
    if len(set(codes)) != len(codes):
        return f"'{key}' has the same codigo twice"
    return None


def _expanded_grid(node: dict, where: tuple, name: str, shape: ReferenceShape
                   ) -> list[FormProblem]:
    rows = _dict(node.get("properties"))
    found = [_problem((*where, "properties"), "form.grid_indicator_missing",
                      f"indicator {code} of '{name}' is missing", indicator=code, name=name)
             for code in shape.indicators if code not in rows]
    for code, row in rows.items():
        place = (*where, "properties", code)
        if code not in shape.indicators:
            found.append(_problem(place, "form.grid_indicator_unknown",
                                  f"'{name}' has no indicator {code}", indicator=code,
                                  name=name))
            continue
        row = _dict(row)
        found += [_problem((*place, "enum"), "form.grid_state_unknown",
                           f"'{name}' has no state {state}", state=_text(state), name=name)
                  for state in _list(row.get("enum")) if state not in shape.states]
        dimension = row.get("x-dimension")
        if dimension is not None and dimension not in shape.dimensions:
            found.append(_problem((*place, "x-dimension"), "form.grid_dimension_unknown",
                                  f"'{name}' has no dimension {dimension}",
                                  dimension=_text(dimension), name=name))
    return found


MAX_DRAWN = 5000  # fields one form may put on a page, repeating rows and templates included
GRID_ESTIMATE = 100  # rows of a grid not yet expanded from its reference data


def drawn_fields(node, limit: int = MAX_DRAWN) -> int:
    """How many fields the renderer draws for ``node`` on an empty form (each repeating group
    shows ``max(minItems, 1)`` rows and a template row); stops counting past ``limit``."""
    if not isinstance(node, dict):
        return 0
    if "x-reference" in node:
        return len(_dict(node.get("properties"))) or GRID_ESTIMATE
    total = 0
    for child in _dict(node.get("properties")).values():
        total += _drawn_field(child, limit - total)
        if total > limit:
            return limit + 1
    return total


def _drawn_field(node, limit: int) -> int:
    if not isinstance(node, dict):
        return 0
    items = node.get("items")
    if _type_of(node) == "array" and isinstance(items, dict) and _type_of(items) == "object":
        minimum = node.get("minItems")
        rows = (minimum if isinstance(minimum, int) and not isinstance(minimum, bool)
                and minimum > 1 else 1) + 1
        return 1 + rows * drawn_fields(items, max(limit // rows, 1))  # at most ~limit + rows
    if _type_of(node) == "object" or "x-reference" in node:
        return 1 + drawn_fields(node, limit)
    return 1
