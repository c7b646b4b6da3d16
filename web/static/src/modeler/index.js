// The process modeler page: bpmn-js with the properties panel and Acompaña's group, bpmnlint
// in the browser, dmn-js for the decision tables, the server's problems on the diagram,
// explicit save and autosave of the draft, publish and discard.
import BpmnModeler from 'bpmn-js/lib/Modeler';
import DmnModeler from 'dmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import lintModule from 'bpmn-js-bpmnlint';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';
import 'dmn-js/dist/assets/diagram-js.css';
import 'dmn-js/dist/assets/dmn-js-shared.css';
import 'dmn-js/dist/assets/dmn-js-drd.css';
import 'dmn-js/dist/assets/dmn-js-decision-table.css';
import 'dmn-js/dist/assets/dmn-js-decision-table-controls.css';
import 'dmn-js/dist/assets/dmn-js-literal-expression.css';
import 'dmn-js/dist/assets/dmn-font/css/dmn.css';

import { client } from './api.js';
import { importer } from './importing.js';
import lintConfig from './lint-config.js';
import { problemView } from './problems.js';
import AcompanaPropertiesProvider from './provider.js';
import spiffworkflow from './spiffworkflow.json';
import { translateModule } from './translate.js';
import { setProperty } from './extensions.js';

const AUTOSAVE_MS = 3000;
const FORM_PART = /^[a-z0-9_]{1,64}$/;

function start(root) {
  const strings = JSON.parse(document.getElementById('modeler-strings').textContent);
  const lang = (root.dataset.lang || 'es').slice(0, 2);
  const api = client(root);
  const programme = root.dataset.programme;
  const $ = (id) => document.getElementById(id);
  const statusLine = $('modeler-status');
  const alertLine = $('modeler-alert');
  const state = { revision: null, sources: {}, forms: {}, settings: {}, formTitles: {},
    deadlines: {}, cycles: [], roles: [], current: null, changes: 0, savedChanges: 0,
    formsChanged: false, conflict: false, saving: null, timer: null, problems: [], lint: [] };

  const ctx = {
    t: (key) => strings[key] || key,
    get roles() { return state.roles; },
    roleName: (role) => (strings.role_names || {})[role] || role,
    roleOf: (lane) => ((state.settings.roles || {})[lane]) || '',
    setRole(lane, role) {
      const roles = { ...(state.settings.roles || {}) };
      if (role) roles[lane] = role; else delete roles[lane];
      state.settings = { ...state.settings, roles };
      changed();
    },
    formTitles: () => state.formTitles,
    deadlines: () => state.deadlines,
    // the deadline rules of the draft's settings ([plazos.<key>]), edited from the panel
    deadlineRule: (key) => ((state.settings.plazos || {})[key]) || null,
    setDeadlineRule(key, patch) {
      const plazos = { ...(state.settings.plazos || {}) };
      const rule = { ...(plazos[key] || {}), ...patch };
      for (const [name, value] of Object.entries(rule)) if (value === undefined) delete rule[name];
      plazos[key] = rule;
      state.settings = { ...state.settings, plazos };
      state.deadlines = { ...state.deadlines, [key]: rule.titulo || key };
      changed();
    },
    newDeadline(id, title) {
      const base = (id || 'plazo').toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 40) || 'plazo';
      let key = base;
      for (let n = 2; (state.settings.plazos || {})[key]; n += 1) key = `${base}_${n}`;
      ctx.setDeadlineRule(key, { titulo: title || key, dias: 10, tipo: 'habiles',
        desde: 'inicio_paso', aviso_dias: 2 });
      return key;
    },
    anchors() {
      const found = new Set(['inicio_paso']);
      for (const rule of Object.values(state.settings.plazos || {})) {
        if (rule && typeof rule.desde === 'string') found.add(rule.desde);
      }
      return [...found];
    },
    cycles: () => state.cycles,
    // a new form's key from the step (``familias/llamada_previa``), free in the draft
    suggestFormKey(id, name) {
      const slug = (text) => (text || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
        .toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60);
      const base = `${programme}/${slug(id) || slug(name) || 'formulario'}`;
      let key = base;
      for (let n = 2; state.formTitles[key]; n += 1) key = `${base}_${n}`;
      return key;
    },
    formKeyProblem(key) {
      const parts = (key || '').trim().split('/');
      if (parts[0] !== programme || parts.length < 2 || parts.length > 4
          || !parts.slice(1).every((part) => FORM_PART.test(part))) {
        return strings.form_key_invalid.replace('{programme}', programme);
      }
      return state.formTitles[key.trim()] ? strings.form_key_taken : '';
    },
    createForm: (element, key) => createForm(element, key),
    // the restricted check's verdict on a script or condition: cached by text, asked for
    // once per text; ``onAnswer`` re-renders the panel when the answer arrives
    codeCheck(code, mode, onAnswer) {
      const id = `${mode}\u0000${code}`;
      if (id in codeAnswers) return codeAnswers[id];
      codeAnswers[id] = null;
      api.checkCode({ code, mode }).then((answer) => {
        const problems = (answer.body && answer.body.problems) || [];
        codeAnswers[id] = answer.ok ? problems.map((p) => p.text).join(' ') : (answer.body.message || strings.failed);
        onAnswer();
      });
      return null;
    },
  };
  const codeAnswers = {};
  let loads = 0;

  const bpmn = new BpmnModeler({
    container: $('modeler-canvas'),
    propertiesPanel: { parent: $('modeler-panel') },
    linting: { bpmnlint: lintConfig, active: true },
    additionalModules: [
      BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, lintModule,
      translateModule(lang, { [lang]: strings.bpmn || {} }),
      { __init__: ['acompanaPropertiesProvider'],
        acompanaPropertiesProvider: ['type', AcompanaPropertiesProvider],
        acompanaContext: ['value', ctx] },
    ],
    moddleExtensions: { spiffworkflow },
  });
  const dmn = new DmnModeler({ container: $('modeler-dmn'), common: { keyboard: { bindTo: window } } });

  const view = problemView($('modeler-problems'), $('modeler-problem-count'),
    $('modeler-problems-none'), strings, select);

  function say(text) { statusLine.textContent = text; }
  function warn(text) { alertLine.textContent = text || ''; alertLine.hidden = !text; }
  function notice(text) { $('modeler-notice').textContent = text || ''; $('modeler-notice').hidden = !text; }
  function isBpmn(name) { return /\.bpmn$/i.test(name || ''); }

  function changed() {
    notice('');
    state.changes += 1;
    say(strings.unsaved);
    $('modeler-save').disabled = state.conflict;
    clearTimeout(state.timer);
    if ($('modeler-autosave').checked && !state.conflict) {
      state.timer = setTimeout(save, AUTOSAVE_MS);
    }
  }

  async function collect() {
    if (!state.current) return;
    const active = isBpmn(state.current) ? bpmn : dmn;
    try {
      const { xml } = await active.saveXML({ format: true });
      state.sources[state.current] = xml;
    } catch (err) { /* nothing imported yet */ }
  }

  async function showTab(name) {
    if (name === state.current) return;
    await collect();
    state.current = name;
    const bpmnTab = isBpmn(name);
    $('modeler-canvas').hidden = !bpmnTab;
    $('modeler-panel').hidden = !bpmnTab;
    $('modeler-dmn').hidden = bpmnTab;
    for (const tab of document.querySelectorAll('#modeler-tabs button')) {
      tab.setAttribute('aria-pressed', String(tab.dataset.file === name));
    }
    try {
      if (bpmnTab) {
        await bpmn.importXML(state.sources[name]);
        bpmn.get('canvas').zoom('fit-viewport');
        view.mark(bpmn, state.problems.filter((p) => p.file === name));
      } else {
        await dmn.importXML(state.sources[name]);
      }
    } catch (err) {
      warn(`${name}: ${err.message}`);
    }
  }

  function tabs() {
    const nav = $('modeler-tabs');
    nav.replaceChildren();
    for (const name of Object.keys(state.sources).sort((a, b) => isBpmn(b) - isBpmn(a) || a.localeCompare(b))) {
      const tab = document.createElement('button');
      tab.type = 'button';
      tab.dataset.file = name;
      tab.textContent = name;
      tab.addEventListener('click', () => showTab(name));
      nav.append(tab);
    }
  }

  function showProblems(problems) {
    state.problems = problems || [];
    if (isBpmn(state.current)) view.mark(bpmn, state.problems.filter((p) => p.file === state.current));
    view.render(state.problems, state.lint);
    $('modeler-publish').disabled = state.conflict;
  }

  async function select(problem) {
    if (problem.file && problem.file !== state.current && state.sources[problem.file]) {
      await showTab(problem.file);
    }
    if (!isBpmn(state.current) || !problem.element) return;
    const element = bpmn.get('elementRegistry').get(problem.element);
    if (element) {
      bpmn.get('selection').select(element);
      bpmn.get('canvas').scrollToElement(element);
    }
  }

  // the process history under the page, again after every save, discard and publication
  async function refreshHistory() {
    const answer = await api.history();
    if (!answer.ok) return;
    const lines = answer.body.lines.length ? answer.body.lines : [answer.body.empty];
    $('modeler-history').replaceChildren(...lines.map((line) => {
      const item = document.createElement('li');
      item.textContent = line;
      return item;
    }));
  }

  // ``problems``: those of an import, shown instead of asking the server to validate again
  async function load(problems) {
    const ticket = ++loads; // a later load (a reload, an import) wins over this one
    const answer = await api.draft();
    if (ticket !== loads) return;
    if (!answer.ok) { warn(answer.body.message || strings.failed); return; }
    const draft = answer.body;
    Object.assign(state, { revision: draft.revision, sources: draft.sources, forms: draft.forms,
      settings: draft.settings, formTitles: draft.form_titles, deadlines: draft.deadlines,
      cycles: draft.cycles, roles: draft.roles, current: null, changes: 0, savedChanges: 0,
      formsChanged: false, conflict: false });
    $('modeler-reload').hidden = true;
    warn('');
    tabs();
    const first = Object.keys(state.sources).find(isBpmn) || Object.keys(state.sources)[0];
    if (first) await showTab(first);
    say(strings.loaded.replace('{revision}', draft.revision)
      .replace('{version}', draft.based_on_version));
    for (const id of ['modeler-save', 'modeler-discard', 'modeler-publish']) $(id).disabled = false;
    imports.enable();
    const checked = Array.isArray(problems) ? { ok: true, body: { problems } } : await api.validate();
    if (checked.ok && ticket === loads) showProblems(checked.body.problems);
    refreshHistory();
  }

  async function save() {
    clearTimeout(state.timer);
    if (state.conflict) return false;
    if (state.saving) { await state.saving; if (state.changes === state.savedChanges) return true; }
    const run = (async () => {
      say(strings.saving);
      await collect();
      const at = state.changes;
      const body = { revision: state.revision, sources: state.sources, settings: state.settings };
      if (state.formsChanged) body.forms = state.forms;
      const answer = await api.save(body);
      if (answer.ok) {
        state.revision = answer.body.revision;
        state.savedChanges = at;
        state.formsChanged = false;
        if (answer.body.form_titles) state.formTitles = answer.body.form_titles;
        warn('');
        refreshHistory();
        say(state.changes === at ? strings.saved.replace('{revision}', state.revision) : strings.unsaved);
        showProblems(answer.body.problems);
        return true;
      }
      if (answer.status === 409) {
        refreshHistory();  // whose save it met is in the list too
        state.conflict = true;
        $('modeler-reload').hidden = false;
        $('modeler-save').disabled = true;
        $('modeler-publish').disabled = true;
      }
      warn(answer.body.message || strings.failed);
      say(strings.unsaved);
      return false;
    })();
    state.saving = run;
    try { return await run; } finally { state.saving = null; }
  }

  // "Crear formulario": the diagram is saved first (nothing of this page is lost), then the
  // form editor opens in another tab on the new key; when it saves the form into the draft,
  // it says so on the programme's channel (formSaved below) and the step gets the form.
  const pendingForms = new Map();
  async function createForm(element, key) {
    if (ctx.formKeyProblem(key)) return;
    const editor = window.open('', `acompana-form-${key}`);  // during the click: no popup block
    if (!(await save())) {
      if (editor) editor.close();
      return;
    }
    pendingForms.set(key, element.id);
    const url = `${root.dataset.formsUrl}/${key}/edit?from=modeler`;
    if (editor) editor.location.href = url; else window.location.assign(url);
    notice(strings.form_opened.replace('{key}', key));
  }

  async function formSaved({ key, schema }) {
    if (!key || !schema || typeof schema !== 'object') return;
    state.forms = { ...state.forms, [key]: schema };
    state.formTitles = { ...state.formTitles, [key]: schema.title || key };
    const elementId = pendingForms.get(key);
    const element = elementId && bpmn.get('elementRegistry').get(elementId);
    pendingForms.delete(key);
    if (element && isBpmn(state.current)) {
      setProperty(element, 'formKey', key, { bpmnFactory: bpmn.get('bpmnFactory'),
        commandStack: bpmn.get('commandStack') });
      notice(strings.form_created.replace('{key}', key));
      await save();  // re-validated: the missing-form marker goes
      return;
    }
    bpmn.get('eventBus').fire('elements.changed', { elements: [] });
    const checked = await api.validate();
    if (checked.ok) showProblems(checked.body.problems);
  }

  async function publish() {
    if (state.changes !== state.savedChanges || state.formsChanged) {
      if (!(await save())) return;
    }
    say(strings.publishing);
    const answer = await api.publish({ revision: state.revision, comment: $('modeler-comment').value });
    if (answer.ok) {
      $('modeler-comment').value = '';
      warn('');
      await load();
      notice(answer.body.message);
      return;
    }
    if (answer.body.problems) showProblems(answer.body.problems);
    warn(answer.body.message || strings.failed);
    say(strings.cannot_publish);
  }

  async function discard() {
    if (!window.confirm(strings.confirm_discard)) return;
    const answer = await api.discard({ revision: state.revision });
    if (!answer.ok) { warn(answer.body.message || strings.failed); return; }
    await load();
    notice(answer.body.message);
  }

  // importing a file clears the command stack: that is no change of the person's
  bpmn.on('commandStack.changed', (event) => { if (event.trigger !== 'clear') changed(); });
  dmn.on('views.changed', () => {
    const viewer = dmn.getActiveViewer();
    if (viewer && !viewer.__acompana) {
      viewer.__acompana = true;
      viewer.on('commandStack.changed', (event) => { if (event.trigger !== 'clear') changed(); });
    }
  });
  bpmn.on('linting.completed', ({ issues }) => {
    const translate = bpmn.get('translate');
    state.lint = Object.entries(issues || {}).flatMap(([id, list]) => list
      .filter((issue) => issue.category === 'error' || issue.category === 'warn')
      .map((issue) => ({ lint: true, element: id, text: translate(issue.message), file: state.current })));
    view.render(state.problems, state.lint);
  });
  // the form editor (web/static/src/form-editor/) says on the programme's channel which form it
  // saved into the draft (it has saved it: the diagram's next save need not send forms)
  if (window.BroadcastChannel) {
    new BroadcastChannel(`acompana-draft:${programme}`).addEventListener('message', (event) => {
      if (event.data && event.data.type === 'form-saved') formSaved(event.data);
    });
  }
  window.addEventListener('acompana:form-saved', (event) => formSaved(event.detail || {}));
  $('modeler-save').addEventListener('click', save);
  $('modeler-reload').addEventListener('click', () => load());
  $('modeler-publish').addEventListener('click', publish);
  $('modeler-discard').addEventListener('click', discard);
  window.addEventListener('beforeunload', (event) => {
    if (state.changes !== state.savedChanges) event.preventDefault();
  });
  const imports = importer(root, {
    state, load, say, warn, notice,
    unsaved: () => state.changes !== state.savedChanges || state.formsChanged,
    async settle() { clearTimeout(state.timer); if (state.saving) await state.saving; },
    conflicted() {
      state.conflict = true;
      $('modeler-reload').hidden = false;
      $('modeler-save').disabled = true;
      $('modeler-publish').disabled = true;
    },
  });
  window.acompanaModeler = { bpmn, dmn, state, save, load };
  load();
}

const root = document.getElementById('modeler');
if (root) start(root);
