"""What one process version is made of, gathered at deploy and hashed as one.

A version bundle is the programme's BPMN and DMN, the forms its user tasks name by
``formKey`` (schemas with their reference data expanded, so nothing is read from ``forms/``
afterwards), the household schema its manifest names (the members a new case's household
must have; kept with the forms, under ``household``), the programme's names in each language
when it has a ``names.toml`` (:mod:`names`, under ``names``) and its settings schema: every
deadline, cycle, place and target table of the settings file it was deployed with, each key
with its value as the default. One hash covers all of it, so a changed form, household
schema or default is a new version and nothing else is.
"""

import copy
import hashlib
import json
from dataclasses import dataclass

from .field_order import ORDER_KEY, orders_of
from .forms import REFERENCE_KEY, FormLibrary
from .names import BUNDLE_KEY as NAMES_KEY
from .parsing import ParsedProcess, content_hash

HOUSEHOLD_KEY = "household"  # the household schema, among the bundle's forms
PROGRAMME_TABLE = "programa"  # the programme's name and country: the programme's, not a version's


@dataclass(frozen=True)
class BundleContent:
    """A version's forms and settings schema, and the hash over them and its sources."""

    forms: dict
    settings_schema: dict
    content_hash: str


def gather(parsed: ParsedProcess, raw_settings: dict, library: FormLibrary,
           household_schema: dict | None = None, names: dict | None = None) -> BundleContent:
    """The bundle of a parsed (and checked) process, its settings file, the form library,
    the programme's household schema (None: the default one) and its names (None: none)."""
    schemas = {key: library.schema(key) for key in sorted(form_keys(parsed))}
    references = {name: library.reference(name) for name in sorted(_reference_names(schemas))}
    forms = {"schemas": schemas, "references": references,
             HOUSEHOLD_KEY: copy.deepcopy(household_schema)}
    if names:  # only when there are some: a version without names keeps its hash
        forms[NAMES_KEY] = copy.deepcopy(names)
    schema = settings_schema(raw_settings)
    content_hash = bundle_hash(parsed.sources, forms, schema)  # as before the order was kept
    return BundleContent({**forms, ORDER_KEY: orders_of(schemas)}, schema, content_hash)


def form_keys(parsed: ParsedProcess) -> set[str]:
    """The form keys the process's user tasks name (in the main process and its subprocesses)."""
    keys = set()
    for process in (parsed.spec, *parsed.subprocess_specs.values()):
        for task_spec in process.task_specs.values():
            props = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
            if props.get("formKey"):
                keys.add(props["formKey"])
    return keys


def settings_schema(raw_settings: dict) -> dict:
    """Every settings table but the programme's own, with the file's values as defaults."""
    return {name: copy.deepcopy(value) for name, value in raw_settings.items()
            if name != PROGRAMME_TABLE}


def bundle_hash(sources: dict[str, str], forms: dict, schema: dict) -> str:
    """One hash that changes exactly when a source, a form or a settings default changes."""
    digest = hashlib.sha256(content_hash(sources).encode())
    for part in (forms, schema):
        digest.update(b"\0" + json.dumps(part, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def _reference_names(node) -> set[str]:
    if isinstance(node, dict):
        found = {node[REFERENCE_KEY]} if isinstance(node.get(REFERENCE_KEY), str) else set()
        return found.union(*(_reference_names(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_reference_names(v) for v in node))
    return set()
