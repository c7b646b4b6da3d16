"""What a BPMN script or expression may and may not do."""

import pytest

from engine.core.errors import UnsafeScript
from engine.runtime.scripting import RestrictedEnvironment, lint


@pytest.fixture
def env():
    return RestrictedEnvironment(lambda data: {"hoy": lambda: "2026-03-02"})


def test_scripts_read_and_write_task_data(env):
    data = {"sesiones": 2, "acciones": [1]}
    script = "sesiones = sesiones + 1\nacciones = acciones + [2]\nresumen = {'n': len(acciones)}"
    env.execute(script, data)
    assert data == {"sesiones": 3, "acciones": [1, 2], "resumen": {"n": 2}}


def test_helpers_are_available_but_not_stored(env):
    data = {}
    env.execute("fecha = hoy()", data)
    assert data == {"fecha": "2026-03-02"}


def test_loops_comprehensions_and_inplace_operators_work(env):
    data = {"xs": [1, 2, 3]}
    env.execute("total = 0\nfor x in xs:\n    total += x\npares = [x for x in xs if x % 2 == 0]",
                data)
    assert data["total"] == 6 and data["pares"] == [2]


def test_expressions_see_task_data(env):
    assert env.evaluate('respuesta == "acepta" and max(1, n) == 3', {"respuesta": "acepta", "n": 3})


@pytest.mark.parametrize("source", [
    "import os", "from os import system", "open('/etc/passwd')", "__import__('os')",
    "().__class__.__base__.__subclasses__()", "getattr((), '__class__')", "eval('1')",
    "exec('x=1')", "type(1)", "globals()", "x.__dict__",
])
def test_escapes_are_rejected_before_running(env, source):
    assert lint(source) != []
    with pytest.raises(UnsafeScript):
        env.execute(source, {"x": 1})


def test_format_string_attribute_tricks_are_blocked(env):
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do, but it must refuse
        env.evaluate("'{0.__class__}'.format(1)", {})
