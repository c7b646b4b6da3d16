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
