// A programme's versions, read-only: one version's diagram and decision tables
// (templates/versions/show.html), and two versions side by side (compare.html) with what
// changed highlighted.
//
// Which elements changed comes from the engine (engine/definitions/version_diff, the same
// list the page words): it reads lanes, form keys, deadlines and timers the way the engine
// runs them. bpmn-js-differ runs here on the two diagrams for what the engine does not
// compare on purpose, the drawing: an element only moved, resized or re-routed is marked
// "moved". Its own added/removed/changed sets are kept on the page (data-differ-*) so a test
// can check that both agree.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import DmnViewer from 'dmn-js/lib/Viewer';
import { BpmnModdle } from 'bpmn-moddle';
import { diff } from 'bpmn-js-differ';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn.css';
import 'dmn-js/dist/assets/dmn-js-shared.css';
import 'dmn-js/dist/assets/dmn-js-decision-table.css';
import 'dmn-js/dist/assets/dmn-font/css/dmn.css';

function json(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

async function showDiagram(box) {
  const viewer = new NavigatedViewer({ container: box });
  try {
    await viewer.importXML(json(box.dataset.bpmn));
    viewer.get('canvas').zoom('fit-viewport');
    box.dataset.ready = 'true';
  } catch (error) {
    box.dataset.ready = 'error';
    console.error(error);
  }
}

async function showDecisions(box) {
  // one viewer per decision table, each opened on its table (not on the requirements graph)
  const xml = json(box.dataset.dmn);
  try {
    const probe = new DmnViewer({ container: document.createElement('div') });
    await probe.importXML(xml);
    const tables = probe.getViews().filter((view) => view.type === 'decisionTable');
    probe.destroy();
    for (const table of tables) {
      const holder = document.createElement('div');
      holder.className = 'version-dmn__table';
      box.appendChild(holder);
      const viewer = new DmnViewer({ container: holder });
      await viewer.importXML(xml);
      const view = viewer.getViews().find((v) => v.element.id === table.element.id);
      await viewer.open(view);
    }
    box.dataset.ready = 'true';
  } catch (error) {
    box.dataset.ready = 'error';
    console.error(error);
  }
}

function marker(viewer, ids, cls) {
  const registry = viewer.get('elementRegistry');
  const canvas = viewer.get('canvas');
  ids.forEach((id) => { if (registry.get(id)) { canvas.addMarker(id, cls); } });
}

async function differSets(oldXml, newXml) {
  const moddle = new BpmnModdle();
  const [before, after] = await Promise.all([moddle.fromXML(oldXml), moddle.fromXML(newXml)]);
  const found = diff(before.rootElement, after.rootElement);
  return {
    added: Object.keys(found._added), removed: Object.keys(found._removed),
    changed: Object.keys(found._changed), layout: Object.keys(found._layoutChanged),
  };
}

function bounds(elements) {
  const points = elements.flatMap((el) => (el.waypoints ? el.waypoints
    : [{ x: el.x, y: el.y }, { x: el.x + el.width, y: el.y + el.height }]));
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  return { x: Math.min(...xs), y: Math.min(...ys), right: Math.max(...xs), bottom: Math.max(...ys) };
}

// Show ``ids`` (what changed) large enough to read: their bounding box with a margin, never
// closer than 1:1; the whole diagram when none of them is on it.
function focus(viewer, ids, margin = 160, least = { width: 900, height: 450 }) {
  const registry = viewer.get('elementRegistry');
  const canvas = viewer.get('canvas');
  const found = ids.map((id) => registry.get(id)).filter((el) => el && !el.hidden);
  if (!found.length) { canvas.zoom('fit-viewport'); return; }
  const box = bounds(found);
  const width = Math.max(box.right - box.x + 2 * margin, least.width);
  const height = Math.max(box.bottom - box.y + 2 * margin, least.height);
  const middle = { x: (box.x + box.right) / 2, y: (box.y + box.bottom) / 2 };
  canvas.viewbox({ x: middle.x - width / 2, y: middle.y - height / 2, width, height });
}

function select(viewer, id) {
  const element = viewer.get('elementRegistry').get(id);
  if (!element) { viewer.get('selection').select(null); return false; }
  viewer.get('selection').select(element);
  focus(viewer, [id], 200, { width: 800, height: 400 });
  return true;
}

// Panning or zooming one diagram moves the other the same way while "together" is ticked
// (both drawings mostly share their layout, so the same place shows on both).
function together(first, second, box) {
  let following = false;
  const follow = (from, to) => from.on('canvas.viewbox.changed', ({ viewbox }) => {
    if (following || (box && !box.checked)) { return; }
    following = true;
    to.get('canvas').viewbox({ x: viewbox.x, y: viewbox.y, width: viewbox.width, height: viewbox.height });
    following = false;
  });
  follow(first, second);
  follow(second, first);
}

async function showComparison(panes) {
  const data = json('compare-data');
  const old = new NavigatedViewer({ container: document.getElementById('compare-old') });
  const now = new NavigatedViewer({ container: document.getElementById('compare-new') });
  try {
    await old.importXML(data.old);
    await now.importXML(data.new);
    marker(old, data.marks.removed, 'diff-removed');
    marker(old, data.marks.changed, 'diff-changed');
    marker(now, data.marks.added, 'diff-added');
    marker(now, data.marks.changed, 'diff-changed');
    const sets = await differSets(data.old, data.new);
    const engine = new Set([...data.marks.added, ...data.marks.removed, ...data.marks.changed]);
    const moved = sets.layout.filter((id) => !engine.has(id));
    marker(old, moved, 'diff-moved');
    marker(now, moved, 'diff-moved');
    Object.entries(sets).forEach(([kind, ids]) => { panes.dataset[`differ${kind[0].toUpperCase()}${kind.slice(1)}`] = ids.join(' '); });
    panes.dataset.moved = moved.join(' ');
    const marked = [...data.marks.added, ...data.marks.removed, ...data.marks.changed];
    focus(old, marked);
    focus(now, marked);
    together(old, now, document.getElementById('compare-together'));
    panes.dataset.ready = 'true';
  } catch (error) {
    panes.dataset.ready = 'error';
    console.error(error);
    return;
  }
  document.querySelectorAll('.diff-goto').forEach((button) => {
    button.addEventListener('click', () => {
      const id = button.dataset.element;
      const shown = [select(old, id), select(now, id)];
      document.querySelectorAll('.diff-goto[aria-current]').forEach((b) => b.removeAttribute('aria-current'));
      button.setAttribute('aria-current', 'true');
      panes.dataset.selected = shown.some(Boolean) ? id : '';
      panes.scrollIntoView({ behavior: 'smooth', block: 'start' });
    });
  });
}

document.querySelectorAll('[data-bpmn]').forEach(showDiagram);
document.querySelectorAll('[data-dmn]').forEach(showDecisions);
const panes = document.getElementById('compare');
if (panes) { showComparison(panes); }
