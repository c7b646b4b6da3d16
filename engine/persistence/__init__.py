"""The database: tables, one command's unit of work and its domain events, the audit trail
and the task/timer tables that mirror what a workflow waits on.

Layer engine.persistence; it may import: SQLAlchemy, engine.runtime, engine.programmes,
engine.core. The contracts that hold it are in pyproject.toml ([tool.importlinter]).
"""
