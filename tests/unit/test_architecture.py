"""Dependencies point one way: web → engine → SpiffWorkflow/SQLAlchemy."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(package: str) -> set[str]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_engine_never_imports_flask():
    assert not {m for m in imported_modules("engine") if m.startswith("flask")}


def test_web_never_imports_spiffworkflow():
    assert "SpiffWorkflow" not in imported_modules("web")


def test_wsgi_only_creates_the_app():
    assert (ROOT / "wsgi.py").read_text().strip().splitlines()[-1] == "app = create_app()"


def _web_sources():
    for path in sorted((ROOT / "web").rglob("*.py")):
        if not path.name.startswith("demo_data"):  # seed data: the demo people and their roles
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _field_names(tree: ast.AST) -> set[int]:
    """ids of the string nodes used as dict keys or subscripts (field names such as a
    form's ``"caseworker"`` field, not roles)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            names |= {id(key) for key in node.keys if key is not None}
        elif isinstance(node, ast.Subscript):
            names.add(id(node.slice))
    return names


def test_web_names_no_role_the_policy_does_not():
    """Roles are named once, in engine.policy; a page that needs one asks the policy."""
    from engine.policy import ROLES, SYSTEM_ROLE

    found = []
    for path, tree in _web_sources():
        fields = _field_names(tree)
        found += [f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}"
                  for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and node.value in {*ROLES, SYSTEM_ROLE}
                  and id(node) not in fields]
    assert found == []


# who works in which comunas (the people a picker offers), not what the reader may see
PEOPLE_BY_TERRITORY = {"web/auth/people.py"}


def test_web_filters_no_territory_itself():
    """The territory filter is the engine's (engine.policy.visible), never a web module's."""
    found = [f"{path.relative_to(ROOT)}:{node.lineno}"
             for path, tree in _web_sources() for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr == "in_"
             and isinstance(node.value, ast.Attribute) and node.value.attr == "territory_id"
             and path.relative_to(ROOT).as_posix() not in PEOPLE_BY_TERRITORY]
    assert found == []


def test_web_has_no_query_modules():
    """Inbox, dashboard and report queries live in engine.queries."""
    assert sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "web").rglob("queries.py")) \
        == ["web/programmes/queries.py"]  # settings-page wording, no access rule


def test_only_the_runtime_reaches_into_private_attributes():
    """SpiffWorkflow's private API (``task._get_internal_data``, ``_children``…) is used in
    engine/runtime/ only; lxml's element type ``etree._Element`` is the one other name."""
    found = []
    for path in sorted((ROOT / "engine").rglob("*.py")):
        if (ROOT / "engine" / "runtime") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__")
                    and not (isinstance(node.value, ast.Name)
                             and node.value.id in {"self", "cls", "etree"})):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
    assert found == []
