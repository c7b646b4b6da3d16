// What kind of field a JSON Schema node is, as the caseworker's renderer (web/formkit) sees
// it, and how the editor rewrites a node when its kind, choices or name change.

export const KINDS = ["text", "textarea", "number", "date", "boolean", "choice", "choices",
  "group", "grid"];
const KEPT = ["title", "description", "$comment"];

export function pointer(parts) {
  return parts.map((p) => "/" + String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

function typeOf(node) {
  let declared = node.type;
  if (Array.isArray(declared)) declared = declared.find((t) => t !== "null");
  if (typeof declared === "string") return declared;
  if ("properties" in node || "x-reference" in node) return "object";
  if ("items" in node) return "array";
  if ("enum" in node) return "string";
  return null;
}

function hasChoices(node) {
  return Array.isArray(node.enum) || (Array.isArray(node.oneOf) && node.oneOf.some((o) => o && "const" in o));
}

export function kindOf(node) {
  if (!node || typeof node !== "object" || Array.isArray(node)) return "other";
  if ("x-reference" in node) return "grid";
  const type = typeOf(node);
  if (type === "array") {
    const items = node.items && typeof node.items === "object" ? node.items : {};
    if (typeOf(items) === "object") return "group";
    return hasChoices(items) ? "choices" : "other";
  }
  if (type === "boolean") return "boolean";
  if (hasChoices(node)) return "choice";
  if (type === "integer" || type === "number") return "number";
  if (type === "string" && node.format === "date") return "date";
  if (type === "string") return node["x-widget"] === "textarea" || (node.maxLength || 0) > 200 ? "textarea" : "text";
  return "other";
}

// The node whose enum and x-labels are the field's choices.
export function choiceNode(node) {
  return kindOf(node) === "choices" ? node.items : node;
}

export function choicesText(node) {
  const target = choiceNode(node) || {};
  if (Array.isArray(target.enum)) {
    const labels = target["x-labels"] || {};
    return target.enum.map((v) => {
      const label = labels[String(v)];
      return label && label !== String(v) ? `${v} | ${label}` : String(v);
    }).join("\n");
  }
  return (target.oneOf || []).filter((o) => o && "const" in o)
    .map((o) => (o.title ? `${o.const} | ${o.title}` : String(o.const))).join("\n");
}

export function setChoices(node, text) {
  const target = choiceNode(node);
  const numeric = target.type === "integer" || target.type === "number";
  const values = [];
  const labels = {};
  for (const line of text.split("\n")) {
    const [rawValue, ...rest] = line.split("|");
    const value = rawValue.trim();
    if (!value) continue;
    const label = rest.join("|").trim();
    values.push(numeric && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value);
    if (label) labels[value] = label;
  }
  delete target.oneOf;
  target.enum = values;
  if (Object.keys(labels).length) target["x-labels"] = labels;
  else delete target["x-labels"];
}

function freshNode(kind, old, context) {
  const previous = choiceNode(old) || {};
  const options = Array.isArray(previous.enum) && previous.enum.length ? { enum: previous.enum, ...(previous["x-labels"] ? { "x-labels": previous["x-labels"] } : {}) }
    : { enum: ["opcion_1", "opcion_2"], "x-labels": { opcion_1: "Opción 1", opcion_2: "Opción 2" } };
  switch (kind) {
    case "text": return { type: "string", maxLength: 200 };
    case "textarea": return { type: "string", maxLength: 2000, "x-widget": "textarea" };
    case "number": return { type: "number" };
    case "date": return { type: "string", format: "date" };
    case "boolean": return { type: "boolean" };
    case "choice": return { type: "string", ...options };
    case "choices": return { type: "array", uniqueItems: true, items: { type: "string", ...options } };
    case "group": return { type: "array", items: { type: "object", title: old.title || context.newField, properties: { campo_1: { type: "string", title: context.newField } } } };
    case "grid": return { "x-reference": context.references[0] || "matriz_bienestar" };
    default: return {};
  }
}

// Rewrite ``node`` in place as a field of ``kind``, keeping its label and help.
export function setKind(node, kind, context) {
  const kept = Object.fromEntries(KEPT.filter((k) => k in node).map((k) => [k, node[k]]));
  const fresh = freshNode(kind, node, context);
  for (const key of Object.keys(node)) delete node[key];
  Object.assign(node, fresh, kept);
}

// Rename property ``from`` of ``parent`` (an object schema) to ``to``, keeping its position
// and its place in ``required``.
export function rename(parent, from, to) {
  if (from === to || !to) return false;
  if (parent.properties && to in parent.properties) return false;
  const entries = Object.entries(parent.properties || {}).map(([k, v]) => [k === from ? to : k, v]);
  parent.properties = Object.fromEntries(entries);
  if (Array.isArray(parent.required)) parent.required = parent.required.map((r) => (r === from ? to : r));
  return true;
}

export function move(parent, name, step) {
  const entries = Object.entries(parent.properties || {});
  const at = entries.findIndex(([k]) => k === name);
  const to = at + step;
  if (at < 0 || to < 0 || to >= entries.length) return;
  [entries[at], entries[to]] = [entries[to], entries[at]];
  parent.properties = Object.fromEntries(entries);
}

export function removeField(parent, name) {
  delete parent.properties[name];
  if (Array.isArray(parent.required)) {
    parent.required = parent.required.filter((r) => r !== name);
    if (!parent.required.length) delete parent.required;
  }
}

export function addField(parent, title) {
  parent.properties = parent.properties || {};
  let n = Object.keys(parent.properties).length + 1;
  while (`campo_${n}` in parent.properties) n += 1;
  const name = `campo_${n}`;
  parent.properties[name] = { type: "string", title, maxLength: 200 };
  return name;
}

export function isRequired(parent, name) {
  return Array.isArray(parent.required) && parent.required.includes(name);
}

export function setRequired(parent, name, on) {
  const list = Array.isArray(parent.required) ? parent.required.filter((r) => r !== name) : [];
  if (on) list.push(name);
  if (list.length) parent.required = list;
  else delete parent.required;
}
