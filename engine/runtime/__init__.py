"""The SpiffWorkflow adapter: parsing BPMN into specs, the restricted script engine and its
limits, clocked timers, serialization, compaction and running a workflow. The only layer
that imports SpiffWorkflow or touches its private API.

Layer engine.runtime; it may import: SpiffWorkflow, engine.programmes, engine.core. The
contracts that hold it are in pyproject.toml ([tool.importlinter]).
"""
