"""What changes state: starting and completing, pausing, places, incidents, the timer
sweep, deploying and programme settings. One command, one unit of work.

Layer engine.commands; it may import: engine.policy and every layer below it (not
engine.queries: see pyproject.toml). The contracts that hold it are in pyproject.toml
([tool.importlinter]).
"""
