"""Decision tables compared: by decision id, their hit policy and columns, and their rows by
rule id (by position for rows without one), each row as its input entries and outputs."""

from .common import Difference, local, parse, text_of

DEFAULT_HIT_POLICY = "UNIQUE"


def differences(old_sources: list[str], new_sources: list[str]) -> list[Difference]:
    """Decisions removed, added and changed, row by row."""
    old, new = _decisions(old_sources), _decisions(new_sources)
    found = [Difference("rules.decision_removed", {"decision": k, "name": old[k]["name"]})
             for k in old if k not in new]
    found += [Difference("rules.decision_added", {"decision": k, "name": new[k]["name"]})
              for k in new if k not in old]
    for key in (k for k in new if k in old):
        found += _decision(key, old[key], new[key])
    return found


def _decisions(sources: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for text in sources:
        root = parse(text)
        if root is None:
            continue
        for node in root.iter():
            if local(node) == "decision" and node.get("id"):
                found.setdefault(node.get("id"), _table(node))
    return found


def _table(decision) -> dict:
    table = next((c for c in decision if local(c) == "decisionTable"), None)
    name = (decision.get("name") or "").strip() or decision.get("id")
    if table is None:
        return {"name": name, "hit_policy": None, "inputs": [], "outputs": [], "rows": {}}
    inputs = [_label(c) for c in table if local(c) == "input"]
    outputs = [_label(c) for c in table if local(c) == "output"]
    rows = {}
    for number, rule in enumerate((c for c in table if local(c) == "rule"), start=1):
        entries = {kind: [text_of(e) or "-" for e in rule if local(e) == kind]
                   for kind in ("inputEntry", "outputEntry")}
        rows[rule.get("id") or f"#{number}"] = {
            "number": number, "inputs": entries["inputEntry"],
            "outputs": entries["outputEntry"]}
    return {"name": name, "hit_policy": table.get("hitPolicy") or DEFAULT_HIT_POLICY,
            "inputs": inputs, "outputs": outputs, "rows": rows}


def _label(column) -> str:
    label = (column.get("label") or "").strip()
    if label:
        return label
    expression = next((c for c in column if local(c) == "inputExpression"), None)
    return (text_of(expression) if expression is not None else None) or column.get(
        "name") or column.get("id") or "?"


def _decision(key: str, old: dict, new: dict) -> list[Difference]:
    named = {"decision": key, "name": new["name"]}
    found = []
    if old["hit_policy"] != new["hit_policy"]:
        found.append(Difference("rules.hit_policy_changed", {
            **named, "before": old["hit_policy"], "after": new["hit_policy"]}))
    columns = (old["inputs"] + old["outputs"], new["inputs"] + new["outputs"])
    if columns[0] != columns[1]:
        found.append(Difference("rules.columns_changed",
                                {**named, "before": columns[0], "after": columns[1]}))
    found += [Difference("rules.row_removed", {**named, **_row(rid, row, old)})
              for rid, row in old["rows"].items() if rid not in new["rows"]]
    found += [Difference("rules.row_added", {**named, **_row(rid, row, new)})
              for rid, row in new["rows"].items() if rid not in old["rows"]]
    for rid, row in new["rows"].items():
        if rid in old["rows"]:
            changed = _cells(old["rows"][rid], old, row, new)
            if changed:
                found.append(Difference("rules.row_changed", {
                    **named, "row": rid, "number": row["number"], "changes": changed}))
    return found


def _row(rid: str, row: dict, table: dict) -> dict:
    return {"row": rid, "number": row["number"],
            "inputs": _entries(table["inputs"], row["inputs"]),
            "outputs": _entries(table["outputs"], row["outputs"])}


def _entries(columns: list[str], texts: list[str]) -> list[dict]:
    return [{"column": columns[i] if i < len(columns) else f"#{i + 1}", "text": text}
            for i, text in enumerate(texts)]


def _cells(old_row: dict, old: dict, new_row: dict, new: dict) -> list[dict]:
    """``[{column, before, after}]`` of the cells that differ, matched by column label."""
    before = {e["column"]: e["text"] for kind in ("inputs", "outputs")
              for e in _entries(old[kind], old_row[kind])}
    after = {e["column"]: e["text"] for kind in ("inputs", "outputs")
             for e in _entries(new[kind], new_row[kind])}
    return [{"column": c, "before": before.get(c), "after": after.get(c)}
            for c in [*after, *(k for k in before if k not in after)]
            if before.get(c) != after.get(c)]
