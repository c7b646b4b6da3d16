"""Move engine/'s flat modules into the sub-packages that show its architecture.

Run from the repository root, on a clean tree::

    .venv/bin/python tools/engine_layout.py            # move, rewrite imports, fix ordering
    .venv/bin/python tools/engine_layout.py --dry-run  # say what would move

It ``git mv``s every module of :data:`MAPPING` whose source exists (an entry whose source is
missing is skipped, so modules that do not exist yet may be listed), writes each sub-package's
``__init__.py`` (its layer and what it may import), and rewrites every reference to a moved
module in engine/, web/, tests/, bench/, tools/, migrations/, wsgi.py and the Markdown docs:

- absolute dotted names anywhere in the text: ``import engine.sweep``, ``from engine.sweep
  import x``, ``"engine.sweep.fire"`` patch targets, ``engine.clock.now()``, docstrings;
- file paths ``engine/store.py``;
- ``from engine import clock, policy`` (split per new package, ``as`` kept where the new
  module's name differs), and every relative import inside engine (``from . import a, b``,
  ``from .x import y``, ``from ..x import y``), recomputed from each file's new place.

A module its package shadows with a name of its own (``engine/__init__.py``'s ``from .deploy
import deploy``: ``engine.deploy`` is the function) is renamed only where an import or a
``:mod:`` reference names it. Comment and docstring lines the longer names push past the line
length are wrapped; a code line that grows too long is left for ``ruff check`` to name. A
moved module's ``Path(__file__).parents[n]`` is deepened by the folders it moved down; any
other use of ``__file__`` in a moved module is printed to be checked by hand.

It refuses to run twice: when no source of the mapping is left it says so and changes nothing;
when a target already exists it stops before touching anything. Afterwards it sorts imports
(``ruff check --select I --fix``) and runs ``ruff check .``, whose status it exits with.
"""

import argparse
import ast
import re
import subprocess
import sys
import textwrap
import tokenize
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCOPE = ["engine", "web", "tests", "bench", "tools", "migrations"]
FILES = ["wsgi.py"]

# old module -> new module; a source that does not exist is skipped
MAPPING = {
    # core: the shared vocabulary every layer may use; imports nothing else of the engine
    "engine.errors": "engine.core.errors",
    "engine.clock": "engine.core.clock",
    "engine.inputs": "engine.core.inputs",
    "engine.national_ids": "engine.core.national_ids",
    "engine.messages": "engine.core.messages",
    "engine.actors": "engine.core.actors",
    "engine.policy.roles": "engine.core.roles",
    # programmes: a programme's settings, calendars and deadline rules, as plain values
    "engine.settings": "engine.programmes.settings",
    "engine.calendars": "engine.programmes.calendars",
    "engine.deadlines": "engine.programmes.deadlines",
    "engine.settings_changes": "engine.programmes.settings_changes",
    "engine.version_settings": "engine.programmes.version_settings",
    # runtime: the SpiffWorkflow adapter, the only layer that imports SpiffWorkflow
    "engine.runtime": "engine.runtime.workflow",
    "engine.steps": "engine.runtime.steps",
    "engine.bpmn_parser": "engine.runtime.parser",
    "engine.scripting": "engine.runtime.scripting",
    "engine.limited_builtins": "engine.runtime.limited_builtins",
    "engine.limits": "engine.runtime.limits",
    "engine.script_guard": "engine.runtime.script_guard",
    "engine.serialization": "engine.runtime.serialization",
    "engine.compaction": "engine.runtime.compaction",
    "engine.timers": "engine.runtime.timers",
    "engine.helpers": "engine.runtime.helpers",
    # persistence: tables, the unit of work and its domain events, the audit trail, mirrors
    "engine.models": "engine.persistence.models",
    "engine.uow": "engine.persistence.uow",
    "engine.events": "engine.persistence.events",
    "engine.audit": "engine.persistence.audit",
    "engine.mirror": "engine.persistence.mirror",
    # definitions: a programme's files read, checked, bundled and kept as versions
    "engine.parsing": "engine.definitions.parsing",
    "engine.lint_sites": "engine.definitions.lint_sites",
    "engine.process_lint": "engine.definitions.process_lint",
    "engine.dead_code": "engine.definitions.dead_code",
    "engine.bundles": "engine.definitions.bundles",
    "engine.manifest": "engine.definitions.manifest",
    "engine.manifest_check": "engine.definitions.manifest_check",
    "engine.forms": "engine.definitions.forms",
    "engine.households": "engine.definitions.households",
    "engine.catalog": "engine.definitions.catalog",
    "engine.versions": "engine.definitions.versions",
    # queries: what an actor may read (besides the existing engine/queries/ modules)
    "engine.views": "engine.queries.views",
    "engine.completions": "engine.queries.completions",
    # commands: what changes a case, a programme or the deployed processes
    "engine.cases": "engine.commands.cases",
    "engine.tasks": "engine.commands.tasks",
    "engine.drafts": "engine.commands.drafts",
    "engine.pauses": "engine.commands.pauses",
    "engine.incidents": "engine.commands.incidents",
    "engine.sweep": "engine.commands.sweep",
    "engine.store": "engine.commands.store",
    "engine.places": "engine.commands.places",
    "engine.household_registry": "engine.commands.household_registry",
    "engine.territories": "engine.commands.territories",
    "engine.programme_territories": "engine.commands.programme_territories",
    "engine.programme_settings": "engine.commands.programme_settings",
    "engine.deploy": "engine.commands.deploy",
    "engine.event_handlers": "engine.commands.event_handlers",
}

LAYERS = {
    "engine.core": (
        "The shared vocabulary of the engine: errors, the clock, actors and roles, input checks,\n"
        "national ids and message codes.",
        "only the standard library and small libraries (python-stdnum); nothing else of the "
        "engine"),
    "engine.programmes": (
        "A programme's rules as plain values: its settings, territory calendars, deadline rules\n"
        "and which settings a change may touch.",
        "engine.core"),
    "engine.runtime": (
        "The SpiffWorkflow adapter: parsing BPMN into specs, the restricted script engine and its\n"
        "limits, clocked timers, serialization, compaction and running a workflow. The only layer\n"
        "that imports SpiffWorkflow or touches its private API.",
        "SpiffWorkflow, engine.programmes, engine.core"),
    "engine.persistence": (
        "The database: tables, one command's unit of work and its domain events, the audit trail\n"
        "and the task/timer tables that mirror what a workflow waits on.",
        "SQLAlchemy, engine.runtime, engine.programmes, engine.core"),
    "engine.definitions": (
        "A programme's files: parsed, linted, bundled with forms and settings, kept as versions.",
        "engine.persistence, engine.runtime, engine.programmes, engine.core"),
    "engine.policy": (
        "Who may do what to which case or programme.",
        "engine.definitions, engine.persistence, engine.core"),
    "engine.commands": (
        "What changes state: starting and completing, pausing, places, incidents, the timer\n"
        "sweep, deploying and programme settings. One command, one unit of work.",
        "engine.policy and every layer below it (not engine.queries: see pyproject.toml)"),
    "engine.reports": (
        "Each programme's outcome report.",
        "engine.commands and every layer below it"),
    "engine.queries": (
        "What an actor may read: inboxes, dashboards, reports, a case's views.",
        "engine.reports, engine.commands and every layer below it"),
}


def module_path(module: str, *, package: bool = False) -> Path:
    """The file of ``module``; ``package`` for its ``__init__.py``."""
    parts = module.split(".")
    return ROOT.joinpath(*parts, "__init__.py") if package else ROOT.joinpath(*parts[:-1],
                                                                              parts[-1] + ".py")


def file_module(path: Path) -> tuple[str, bool]:
    """The dotted module of ``path`` (relative to ROOT) and whether it is a package."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def active_mapping() -> dict[str, str]:
    """The entries of MAPPING whose source exists; stops if one's target exists already."""
    active = {old: new for old, new in MAPPING.items() if module_path(old).exists()}
    clash = [new for new in active.values() if module_path(new).exists()]
    if clash:
        sys.exit(f"refusing: targets already exist: {', '.join(clash)}")
    return active


def new_name(module: str, mapping: dict[str, str]) -> str:
    """Where ``module`` (or the moved module it is inside) now lives."""
    for old in sorted(mapping, key=len, reverse=True):
        if module == old or module.startswith(old + "."):
            return mapping[old] + module[len(old):]
    return module


def new_file_module(path: Path, mapping: dict[str, str]) -> tuple[str, bool]:
    module, is_package = file_module(path)
    return (module, True) if is_package else (new_name(module, mapping), False)


def shadowed(mapping: dict[str, str]) -> set[str]:
    """Moved modules whose package binds a function or class of the same name over them, as
    ``engine/__init__.py``'s ``from .deploy import deploy``: there ``engine.deploy`` in code
    is the function, so only imports name the module."""
    key = tuple(sorted(mapping))
    if key not in _SHADOWED:
        _SHADOWED[key] = _shadowed(mapping)
    return _SHADOWED[key]


_SHADOWED: dict[tuple, set[str]] = {}


def _shadowed(mapping: dict[str, str]) -> set[str]:
    found = set()
    for package in sorted({old.rsplit(".", 1)[0] for old in mapping}):
        init = module_path(package, package=True)
        if not init.exists():
            continue
        for node in ast.parse(init.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.ImportFrom):
                continue
            source = resolve(node, package)
            found |= {f"{package}.{a.asname or a.name}" for a in node.names
                      if f"{package}.{a.asname or a.name}" in mapping
                      and f"{source}.{a.name}" not in mapping}
    return found


def text_pattern(names: list[str]) -> re.Pattern:
    names = "|".join(re.escape(old) for old in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])({names})(?!\w)")


def path_pattern(mapping: dict[str, str]) -> re.Pattern:
    names = "|".join(re.escape(old.replace(".", "/")) for old in
                     sorted(mapping, key=len, reverse=True))
    return re.compile(rf"(?<![\w/.])({names})\.py\b")


def rewrite_text(text: str, mapping: dict[str, str]) -> str:
    """Absolute dotted names and file paths of moved modules, anywhere in ``text``; a
    shadowed module's name only in ``:mod:`` references (imports are rewritten as code)."""
    hidden = shadowed(mapping)
    plain = [old for old in mapping if old not in hidden]
    text = text_pattern(plain).sub(lambda m: mapping[m.group(1)], text)
    if hidden:
        names = "|".join(re.escape(old) for old in sorted(hidden))
        text = re.sub(rf"(:mod:`~?)({names})`", lambda m: m.group(1) + mapping[m.group(2)] + "`",
                      text)
    paths = {old.replace(".", "/"): new.replace(".", "/") for old, new in mapping.items()}
    return path_pattern(mapping).sub(lambda m: paths[m.group(1)] + ".py", text)


def resolve(node: ast.ImportFrom, package: str) -> str:
    """The absolute module an ImportFrom names, for a file in ``package``."""
    if not node.level:
        return node.module
    base = package.split(".")
    base = base[:len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def relative(target: str, package: str) -> tuple[int, str]:
    """(level, module) naming absolute ``target`` from a file in ``package``."""
    pkg, tgt = package.split("."), target.split(".")
    common = 0
    while common < min(len(pkg), len(tgt)) and pkg[common] == tgt[common]:
        common += 1
    return len(pkg) - common + 1, ".".join(tgt[common:])


def spell(target: str, package: str | None) -> str:
    """The ``from`` part naming ``target``: relative from ``package``, or absolute."""
    if package is None:
        return target
    level, module = relative(target, package)
    return "." * level + module


def _alias(name: ast.alias, leaf: str | None = None) -> str:
    leaf = leaf or name.name
    local = name.asname or name.name
    return leaf if local == leaf else f"{leaf} as {local}"


def rewrite_import(node: ast.ImportFrom, old_pkg: str, new_pkg: str,
                   mapping: dict[str, str], original: str) -> str | None:
    """The new statement(s) for ``node`` (source text ``original``), or None when it stays."""
    source = resolve(node, old_pkg)
    if not (source == "engine" or source.startswith("engine.")):
        return None
    parents = {old.rsplit(".", 1)[0] for old in mapping}
    if not node.level and source not in parents and source not in mapping:
        return None  # absolute dotted names were rewritten as text already
    relative_to = new_pkg if node.level else None
    hidden = shadowed(mapping) if source in parents else set()
    moved = [name for name in node.names
             if f"{source}.{name.name}" in mapping and f"{source}.{name.name}" not in hidden]
    if not moved:
        spelled = spell(new_name(source, mapping), relative_to)
        if spelled == "." * node.level + (node.module or ""):
            return None
        return f"from {spelled} import " + original.split(" import ", 1)[1]
    groups: dict[str, list[str]] = {}
    for name in node.names:
        full = f"{source}.{name.name}"
        if full in mapping and full not in hidden:
            parent, leaf = mapping[full].rsplit(".", 1)
            groups.setdefault(parent, []).append(_alias(name, leaf))
        else:
            groups.setdefault(new_name(source, mapping), []).append(_alias(name))
    return "\n".join(f"from {spell(parent, relative_to)} import {', '.join(names)}"
                     for parent, names in groups.items())


def rewrite_imports(text: str, path: Path, mapping: dict[str, str]) -> str:
    """Relative imports in engine, and ``from <engine package> import <module>`` anywhere."""
    old_module, is_package = file_module(path)
    old_pkg = old_module if is_package else old_module.rsplit(".", 1)[0]
    new_module, _ = new_file_module(path, mapping)
    new_pkg = new_module if is_package else new_module.rsplit(".", 1)[0]
    lines = text.splitlines(keepends=True)
    edits = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.ImportFrom) or (not node.level and node.module != "engine"
                                                    and not (node.module or "").startswith(
                                                        "engine.")):
            continue
        original = ast.get_source_segment(text, node)
        replacement = rewrite_import(node, old_pkg, new_pkg, mapping, original)
        if replacement is not None:
            edits.append((node, replacement))
    for node, replacement in sorted(edits, key=lambda e: e[0].lineno, reverse=True):
        first, last = node.lineno - 1, node.end_lineno - 1
        head, tail = lines[first][:node.col_offset], lines[last][node.end_col_offset:]
        indent = head if head.strip() == "" else ""
        comment = tail.rstrip("\n") if tail.strip().startswith("#") else ""
        body = replacement.replace("\n", comment + "\n" + indent)  # a noqa holds for each
        lines[first:last + 1] = [head + body + tail]
    return "".join(lines)


LINE_LENGTH = 100


def _prose_lines(text: str) -> tuple[set[int], dict[int, int]]:
    """Line numbers (0-based) inside multi-line strings or holding only a comment, and the
    column of the comment that ends a line of code."""
    inside, trailing = set(), {}
    for token in tokenize.generate_tokens(StringIO(text).readline):
        (row, col), (end_row, _) = token.start, token.end
        if token.type == tokenize.STRING and end_row > row:
            inside |= set(range(row - 1, end_row))
        elif token.type == tokenize.COMMENT:
            if token.line[:col].strip():
                trailing[row - 1] = col
            else:
                inside.add(row - 1)
    return inside, trailing


def _split(line: str, start: int) -> tuple[str, str] | None:
    """``line`` cut at its last space before the line length (not before ``start``)."""
    cut = line.rfind(" ", start + 1, LINE_LENGTH + 1)
    return (line[:cut].rstrip(), line[cut + 1:]) if cut > start else None


def _wrap(line: str, trailing_at: int | None) -> tuple[str, tuple[str, str] | None]:
    """``line`` cut to the line length, and the (prefix, words) cut off, if it can be cut."""
    indent = line[:len(line) - len(line.lstrip())]
    comment = trailing_at is not None or line.lstrip().startswith("#")
    prefix = indent + ("# " if comment else "")
    parts = _split(line, trailing_at if trailing_at is not None else len(prefix))
    if parts is None:
        return line, None
    return parts[0], (prefix, parts[1])


def _continues(line: str, prefix: str) -> bool:
    """Whether ``line`` goes on the paragraph of a line whose continuations start ``prefix``."""
    rest = line[len(prefix):]
    return (line.startswith(prefix) and rest.strip() != "" and not rest[0].isspace()
            and not rest.startswith(("-", ":", "*", ">", "`", '"' * 3, "'" * 3)))


def wrap_long_lines(text: str, before: str) -> str:
    """Comment and docstring lines the rewrite made too long, wrapped at a space, the words
    cut carried into the next line of the same paragraph; code lines are left for ruff."""
    old = set(before.splitlines())
    inside, trailing = _prose_lines(text)
    out, carry = [], None
    for number, raw in enumerate(text.splitlines(keepends=True)):
        line = raw.rstrip("\n")
        ending = raw[len(line):]
        if carry is not None:
            prefix, words = carry
            if number in inside and _continues(line, prefix):
                line = prefix + words + " " + line[len(prefix):]
            else:
                out.append(prefix + words + "\n")
            carry = None
        if (number in inside or number in trailing) and len(line) > LINE_LENGTH \
                and line not in old:
            line, carry = _wrap(line, trailing.get(number))
        out.append(line + ending)
    if carry is not None:
        out.append(carry[0] + carry[1] + "\n")
    return "".join(out)


def sources() -> list[Path]:
    found = [ROOT / name for name in FILES if (ROOT / name).exists()]
    for folder in SCOPE:
        found += sorted(p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)
    return [p for p in found if p.resolve() != Path(__file__).resolve()]


def docs() -> list[Path]:
    found = sorted(ROOT.glob("*.md"))
    if (ROOT / "docs").is_dir():
        found += sorted((ROOT / "docs").rglob("*.md"))
    return found


def layer_note(package: str) -> str:
    """What layer ``package`` is and what it may import, wrapped to the line length."""
    _what, may = LAYERS[package]
    return textwrap.fill(f"Layer {package}; it may import: {may}. The contracts that hold it "
                         "are in pyproject.toml ([tool.importlinter]).", width=95)


def layer_docstring(package: str) -> str:
    return f'"""{LAYERS[package][0]}\n\n{layer_note(package)}\n"""\n'


def write_packages(mapping: dict[str, str]) -> None:
    """Each layer's ``__init__.py``: written when new, its layer noted when it exists."""
    packages = {new.rsplit(".", 1)[0] for new in mapping.values()} | set(LAYERS)
    for package in sorted(packages):
        init = module_path(package, package=True)
        init.parent.mkdir(parents=True, exist_ok=True)
        if not init.exists():
            init.write_text(layer_docstring(package), encoding="utf-8")
            git("add", str(init))
            continue
        text = init.read_text(encoding="utf-8")
        if package in LAYERS and "it may import:" not in text and text.startswith('"""'):
            end = text.index('"""', 3)
            note = f"\n\n{layer_note(package)}\n"
            init.write_text(text[:end].rstrip() + note + text[end:], encoding="utf-8")


def git(*args: str) -> None:
    subprocess.run(["git", *args], cwd=ROOT, check=True)


FILE_PARENTS = re.compile(r"(Path\(__file__\)(?:\.resolve\(\))?)(\.parents\[(\d+)\]|(?:\.parent)+)")


def rewrite_file_paths(text: str, path: Path, mapping: dict[str, str]) -> str:
    """``Path(__file__).parents[n]`` (or ``.parent.parent``) in a moved module, deepened by
    as many folders as the module moved down; other uses of ``__file__`` are printed."""
    old, is_package = file_module(path)
    new, _ = new_file_module(path, mapping)
    deeper = new.count(".") - old.count(".")
    if is_package or deeper == 0 or "__file__" not in text:
        return text

    def deepen(match: re.Match) -> str:
        if match.group(3) is not None:
            return f"{match.group(1)}.parents[{int(match.group(3)) + deeper}]"
        return match.group(1) + match.group(2) + ".parent" * deeper

    text = FILE_PARENTS.sub(deepen, text)
    for number, line in enumerate(text.splitlines(), 1):
        if "__file__" in line and not FILE_PARENTS.search(line):
            print(f"check by hand: {path.relative_to(ROOT)}:{number}: {line.strip()}")
    return text


def rewrite_everything(mapping: dict[str, str]) -> None:
    """Every reference to a moved module, in the sources and the docs, before the move."""
    for path in sources():
        text = path.read_text(encoding="utf-8")
        new = rewrite_imports(rewrite_text(text, mapping), path, mapping)
        new = wrap_long_lines(rewrite_file_paths(new, path, mapping), text)
        if new != text:
            path.write_text(new, encoding="utf-8")
    for path in docs():
        text = path.read_text(encoding="utf-8")
        if (new := rewrite_text(text, mapping)) != text:
            path.write_text(new, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="only say what would move")
    args = parser.parse_args()
    mapping = active_mapping()
    if not mapping:
        print("engine layout already applied: no module of the mapping is left to move")
        return
    for old, new in mapping.items():
        print(f"{module_path(old).relative_to(ROOT)} -> {module_path(new).relative_to(ROOT)}")
    if args.dry_run:
        return
    rewrite_everything(mapping)
    write_packages(mapping)
    for old, new in mapping.items():
        module_path(new).parent.mkdir(parents=True, exist_ok=True)
        git("mv", str(module_path(old)), str(module_path(new)))
    ruff = str(ROOT / ".venv" / "bin" / "ruff")
    subprocess.run([ruff, "check", "--select", "I", "--fix", "-q", *SCOPE, *FILES], cwd=ROOT)
    sys.exit(subprocess.run([ruff, "check", "."], cwd=ROOT).returncode)


if __name__ == "__main__":
    main()
