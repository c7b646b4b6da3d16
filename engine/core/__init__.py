"""The shared vocabulary of the engine: errors, the clock, actors and roles, input checks,
national ids and message codes.

Layer engine.core; it may import: only the standard library and small libraries (python-
stdnum); nothing else of the engine. The contracts that hold it are in pyproject.toml
([tool.importlinter]).
"""
