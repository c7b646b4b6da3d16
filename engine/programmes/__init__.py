"""A programme's rules as plain values: its settings, territory calendars, deadline rules
and which settings a change may touch.

Layer engine.programmes; it may import: engine.core. The contracts that hold it are in
pyproject.toml ([tool.importlinter]).
"""
