"""A programme's files: parsed, linted, bundled with forms and settings, kept as versions.

Layer engine.definitions; it may import: engine.persistence, engine.runtime, engine.programmes,
engine.core. The contracts that hold it are in pyproject.toml ([tool.importlinter]).
"""
