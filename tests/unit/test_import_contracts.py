"""The layering is enforced: lint-imports keeps the contracts in pyproject.toml, sees a breach."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def lint_imports(*args: str, cwd: Path = ROOT, pythonpath: Path | None = None):
    env = None
    if pythonpath is not None:
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(pythonpath)}
    return subprocess.run([LINT_IMPORTS, "--no-cache", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_project_keeps_its_import_contracts():
    run = lint_imports()
    assert run.returncode == 0, run.stdout + run.stderr


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_a_breach_of_each_kind_of_contract_is_caught(tmp_path):
    """A tiny package like the engine: a lower layer importing a higher one, and a module
    outside the runtime importing SpiffWorkflow, are both reported."""
    _write(tmp_path, {
        "toy/__init__.py": "",
        "toy/runtime/__init__.py": "import SpiffWorkflow\n",
        "toy/commands/__init__.py": "import SpiffWorkflow\n",
        "toy/core/__init__.py": "from toy import commands\n",
        "contracts.ini": """
            [importlinter]
            root_package = toy
            include_external_packages = True

            [importlinter:contract:spiff]
            name = Only toy.runtime imports SpiffWorkflow
            type = forbidden
            source_modules = toy.commands
                toy.core
            forbidden_modules = SpiffWorkflow
            allow_indirect_imports = True

            [importlinter:contract:layers]
            name = Layers
            type = layers
            containers = toy
            layers = commands
                runtime
                core
        """,
    })
    run = lint_imports("contracts.ini", cwd=tmp_path, pythonpath=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Only toy.runtime imports SpiffWorkflow BROKEN" in run.stdout
    assert "toy.commands -> SpiffWorkflow" in run.stdout
    assert "Layers BROKEN" in run.stdout
    assert "toy.core is not allowed to import toy.commands" in run.stdout
