"""What changed between two versions of a programme, as codes and params (no words).

:func:`compare` takes two :class:`Side` bundles (the BPMN and DMN sources, the form schemas
by form key, the settings tables) and returns a :class:`VersionDiff`: the differences grouped
as the compare page shows them (``diagram``, ``forms``, ``deadlines``, ``rules``, ``other``),
each a :class:`Difference` ``(code, params)``, and the element ids added, removed and changed
on the diagram (what the page highlights). Codes:

- ``diagram.element_added`` / ``diagram.element_removed`` ``{element, type, name}`` (a flow
  also ``source_name``, ``target_name``; a boundary event ``host_name``);
  ``diagram.element_changed`` ``{element, type, name, …, changes: [{attribute, before,
  after}]}``
  with ``attribute`` one of :data:`bpmn.ATTRIBUTES` (name, type, lane, form, deadline,
  assignee, timer, condition, script, documentation, instructions, decision, called, default,
  attached_to, source, target, properties; a change of what a flow joins, what an event is
  attached to or a default flow also has ``before_name``/``after_name``);
- ``form.added`` / ``form.removed`` ``{form, title}``; ``form.changed`` ``{form, title,
  changes}`` for the form's own title; ``form.field_added`` ``{form, field, title, type,
  required}``, ``form.field_removed`` ``{form, field, title}``, ``form.field_changed``
  ``{form, field, title, changes: [{attribute, before, after}]}`` (title, type, required,
  enum (``added``/``removed`` values too), format);
- ``deadline.added`` ``{deadline, title, rule}`` / ``deadline.removed`` ``{deadline, title}``
  / ``deadline.changed`` ``{deadline, title, changes}`` (title, days, months, kind, anchor,
  reminder_days, escalate_to); ``cycle.added`` / ``cycle.removed`` / ``cycle.changed``
  ``{cycle, before, after}``; ``settings.table_changed`` ``{table}`` for any other table
  (roles, places, targets…);
- ``rules.decision_added`` / ``rules.decision_removed`` ``{decision, name}``;
  ``rules.hit_policy_changed`` ``{decision, name, before, after}``;
  ``rules.columns_changed`` ``{decision, name, before, after}`` (column labels);
  ``rules.row_added`` / ``rules.row_removed`` ``{decision, name, row, number, inputs,
  outputs}`` (``[{column, text}]``); ``rules.row_changed`` ``{decision, name, row, number,
  changes: [{column, before, after}]}``.
"""

from .compare import Difference, Side, VersionDiff, compare

__all__ = ["Difference", "Side", "VersionDiff", "compare"]
