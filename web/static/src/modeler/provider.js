// The Acompaña group of the properties panel: what Acompaña gives meaning to, for each
// element — a lane's role, a user task's form, instructions, who gets it and its deadline,
// a timer's deadline, wait or repeat. Labels come from the page (Flask-Babel).
import { SelectEntry, TextAreaEntry, TextFieldEntry, NumberFieldEntry,
  isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited,
  isNumberFieldEntryEdited } from '@bpmn-io/properties-panel';
import { useState } from '@bpmn-io/properties-panel/preact/hooks';
import { jsx, jsxs } from '@bpmn-io/properties-panel/preact/jsx-runtime';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

import { getInstructions, getProperty, setInstructions, setProperty,
  timerDefinition } from './extensions.js';
import { readTimer, UNITS, writeTimer } from './timers.js';

function useServices() {
  return { bpmnFactory: useService('bpmnFactory'), commandStack: useService('commandStack') };
}

function options(none, pairs) {
  return [{ value: '', label: none }, ...pairs.map(([value, label]) => ({ value, label }))];
}

function LaneRole(props) {
  const { element } = props;
  const ctx = useService('acompanaContext');
  const eventBus = useService('eventBus');
  const name = getBusinessObject(element).name || '';
  return jsx(SelectEntry, {
    element, id: 'acompana-role', label: ctx.t('role'),
    description: name ? ctx.t('role_help') : ctx.t('role_needs_name'),
    disabled: !name,
    getValue: () => ctx.roleOf(name),
    setValue: (value) => { ctx.setRole(name, value); eventBus.fire('elements.changed', { elements: [element] }); },
    getOptions: () => options(ctx.t('no_role'), ctx.roles.map((r) => [r, ctx.roleName(r)])),
  });
}

function FormKey(props) {
  const { element } = props;
  const ctx = useService('acompanaContext');
  const services = useServices();
  return jsx(SelectEntry, {
    element, id: 'acompana-formKey', label: ctx.t('form'), description: ctx.t('form_help'),
    getValue: () => getProperty(element, 'formKey'),
    setValue: (value) => setProperty(element, 'formKey', value, services),
    getOptions: () => {
      const keys = Object.keys(ctx.formTitles()).sort();
      const current = getProperty(element, 'formKey');
      if (current && !keys.includes(current)) keys.push(current);
      return options(ctx.t('no_form'), keys.map((k) => [k, `${ctx.formTitles()[k] || k} (${k})`]));
    },
  });
}

// A new form for the step: a key suggested from the task (checked as it is typed: a safe
// key of the programme, not taken) and the button opening the form editor on it.
function CreateForm(props) {
  const { element } = props;
  const ctx = useService('acompanaContext');
  const bo = getBusinessObject(element);
  // the key the step already names (a form the draft lacks), else one from the step
  const [key, setKey] = useState(() => {
    const named = getProperty(element, 'formKey');
    return named && !ctx.formKeyProblem(named) ? named : ctx.suggestFormKey(bo.id, bo.name);
  });
  const problem = ctx.formKeyProblem(key);
  const id = 'bio-properties-panel-acompana-new-form';
  return jsxs('div', { class: 'bio-properties-panel-entry acompana-create-form',
    'data-entry-id': 'acompana-create-form', children: [
      jsx('label', { for: id, class: 'bio-properties-panel-label', children: ctx.t('new_form_key') }),
      jsx('input', { id, class: 'bio-properties-panel-input', value: key, spellcheck: false,
        'aria-invalid': problem ? 'true' : 'false', onInput: (event) => setKey(event.target.value) }),
      problem ? jsx('div', { class: 'bio-properties-panel-error', children: problem }) : null,
      jsx('button', { type: 'button', id: 'acompana-create-form', class: 'acompana-create-form__button',
        disabled: Boolean(problem), onClick: () => ctx.createForm(element, key.trim()),
        children: ctx.t('create_form') }),
      jsx('div', { class: 'bio-properties-panel-description', children: ctx.t('create_form_help') }),
    ] });
}

function Instructions(props) {
  const { element } = props;
  const ctx = useService('acompanaContext');
  const services = useServices();
  const debounce = useService('debounceInput');
  return jsx(TextAreaEntry, {
    element, id: 'acompana-instructions', label: ctx.t('instructions'), debounce, rows: 4,
    getValue: () => getInstructions(element),
    setValue: (value) => setInstructions(element, value || '', services),
  });
}

const ASSIGNEES = ['pool', 'caseworker', 'field'];

function assigneeMode(element) {
  const value = getProperty(element, 'assignee');
  if (value.startsWith('field:')) return 'field';
  return value;
}

function Assignee(props) {
  const { element } = props;
  const ctx = useService('acompanaContext');
  const services = useServices();
  return jsx(SelectEntry, {
    element, id: 'acompana-assignee', label: ctx.t('assignee'),
    getValue: () => assigneeMode(element),
    setValue: (value) => setProperty(element, 'assignee',
      value === 'field' ? 'field:tutor' : value, services),
    getOptions: () => options(ctx.t('assignee_default'),
      ASSIGNEES.map((a) => [a, ctx.t(`assignee_${a}`)])),
  });
}

function AssigneeField(props) {
  const { element } = props;
  const ctx = useService('acompanaContext');
  const services = useServices();
  const debounce = useService('debounceInput');
  return jsx(TextFieldEntry, {
    element, id: 'acompana-assignee-field', label: ctx.t('assignee_field'), debounce,
    description: ctx.t('assignee_field_help'),
    getValue: () => getProperty(element, 'assignee').replace(/^field:/, ''),
    setValue: (value) => setProperty(element, 'assignee',
      `field:${(value || '').replace(/[^A-Za-z0-9_.]/g, '') || 'tutor'}`, services),
  });
}

const NEW_DEADLINE = '__new__';

function Deadline(props) {
  const { element } = props;
  const ctx = useService('acompanaContext');
  const services = useServices();
  return jsx(SelectEntry, {
    element, id: 'acompana-deadline', label: ctx.t('deadline'), description: ctx.t('deadline_help'),
    getValue: () => getProperty(element, 'deadline'),
    setValue: (value) => {
      const bo = getBusinessObject(element);
      const key = value === NEW_DEADLINE ? ctx.newDeadline(bo.id, bo.name) : value;
      setProperty(element, 'deadline', key, services);
    },
    getOptions: () => [...options(ctx.t('no_deadline'), Object.entries(ctx.deadlines())),
      { value: NEW_DEADLINE, label: ctx.t('deadline_new') }],
  });
}

// The rule of the step's deadline: how long, counted how and from what, and the reminder.
function ruleEntry(props, id, render) {
  const { element } = props;
  const ctx = useService('acompanaContext');
  const eventBus = useService('eventBus');
  const key = getProperty(element, 'deadline');
  const rule = ctx.deadlineRule(key) || {};
  const update = (patch) => {
    ctx.setDeadlineRule(key, patch);
    eventBus.fire('elements.changed', { elements: [element] });
  };
  return render({ element, ctx, rule, update, id });
}

const DeadlineAmount = (props) => ruleEntry(props, 'acompana-deadline-amount',
  ({ element, ctx, rule, update, id }) => jsx(NumberFieldEntry, {
    element, id, label: ctx.t('deadline_amount'), min: 0, max: 999,
    debounce: useService('debounceInput'),
    getValue: () => rule.meses ?? rule.dias ?? '',
    setValue: (value) => update(rule.meses !== undefined
      ? { meses: Number(value) || 0 } : { dias: Number(value) || 0 }),
  }));

const DeadlineUnit = (props) => ruleEntry(props, 'acompana-deadline-unit',
  ({ element, ctx, rule, update, id }) => jsx(SelectEntry, {
    element, id, label: ctx.t('deadline_unit'),
    getValue: () => (rule.meses !== undefined ? 'meses' : (rule.tipo || 'corridos')),
    setValue: (unit) => {
      const amount = rule.meses ?? rule.dias ?? 10;
      update(unit === 'meses' ? { meses: amount, dias: undefined, tipo: 'corridos' }
        : { dias: amount, meses: undefined, tipo: unit });
    },
    getOptions: () => ['corridos', 'habiles', 'meses'].map((u) => ({ value: u, label: ctx.t(`deadline_${u}`) })),
  }));

const DeadlineFrom = (props) => ruleEntry(props, 'acompana-deadline-from',
  ({ element, ctx, rule, update, id }) => jsx(SelectEntry, {
    element, id, label: ctx.t('deadline_from'),
    getValue: () => rule.desde || 'inicio_paso',
    setValue: (desde) => update({ desde }),
    getOptions: () => ctx.anchors().map((a) => ({ value: a, label: a === 'inicio_paso' ? ctx.t('deadline_step_start') : a })),
  }));

const DeadlineReminder = (props) => ruleEntry(props, 'acompana-deadline-reminder',
  ({ element, ctx, rule, update, id }) => jsx(NumberFieldEntry, {
    element, id, label: ctx.t('deadline_reminder'), min: 0, max: 999,
    debounce: useService('debounceInput'),
    getValue: () => rule.aviso_dias ?? 0,
    setValue: (value) => update({ aviso_dias: Number(value) || 0 }),
  }));

// Whom the step is escalated to when its deadline passes (besides whoever holds it).
const ESCALATE_TO = ['supervisor', 'manager', 'caseworker'];
const DeadlineEscalation = (props) => ruleEntry(props, 'acompana-deadline-escalation',
  ({ element, ctx, rule, update, id }) => jsx(SelectEntry, {
    element, id, label: ctx.t('deadline_escalation'), description: ctx.t('deadline_escalation_help'),
    getValue: () => rule.escala_a || 'supervisor',
    setValue: (whom) => update({ escala_a: whom === 'supervisor' ? undefined : whom }),
    getOptions: () => ESCALATE_TO.map((w) => ({ value: w, label: ctx.t(`escalate_${w}`) })),
  }));

function timerUpdate(element, services, change) {
  writeTimer(element, { ...readTimer(element), ...change }, services);
}

function TimerMode(props) {
  const { element } = props;
  const ctx = useService('acompanaContext');
  const services = useServices();
  const modes = element.host ? ['reminder', 'due', 'duration', 'cycle']
    : ['duration', 'cycle', 'settings_cycle', 'due'];
  return jsx(SelectEntry, {
    element, id: 'acompana-timer-mode', label: ctx.t('timer'),
    getValue: () => readTimer(element).mode,
    // a deadline timer starts on its step's deadline (or the first one), a settings cycle on
    // the first cycle: a mode without its value would not be written at all
    setValue: (mode) => timerUpdate(element, services, {
      mode, amount: '1', unit: 'D',
      deadline: readTimer(element).deadline || (element.host && getProperty(element.host, 'deadline'))
        || Object.keys(ctx.deadlines())[0] || '',
      cycle: readTimer(element).cycle || ctx.cycles()[0] || '',
    }),
    getOptions: () => {
      const list = options(ctx.t('timer_none'), modes.map((m) => [m, ctx.t(`timer_${m}`)]));
      if (readTimer(element).mode === 'other') list.push({ value: 'other', label: ctx.t('timer_other') });
      return list;
    },
  });
}

function TimerDeadline(props) {
  const { element } = props;
  const ctx = useService('acompanaContext');
  const services = useServices();
  return jsx(SelectEntry, {
    element, id: 'acompana-timer-deadline', label: ctx.t('deadline'),
    getValue: () => readTimer(element).deadline || '',
    setValue: (deadline) => timerUpdate(element, services, { deadline }),
    getOptions: () => options(ctx.t('no_deadline'), Object.entries(ctx.deadlines())),
  });
}

function TimerAmount(props) {
  const { element } = props;
  const ctx = useService('acompanaContext');
  const services = useServices();
  const debounce = useService('debounceInput');
  return jsx(NumberFieldEntry, {
    element, id: 'acompana-timer-amount', label: ctx.t('timer_amount'), min: 1, max: 999, debounce,
    getValue: () => readTimer(element).amount || '1',
    setValue: (amount) => timerUpdate(element, services, { amount: String(amount || 1) }),
  });
}

function TimerUnit(props) {
  const { element } = props;
  const ctx = useService('acompanaContext');
  const services = useServices();
  return jsx(SelectEntry, {
    element, id: 'acompana-timer-unit', label: ctx.t('timer_unit'),
    getValue: () => readTimer(element).unit || 'D',
    setValue: (unit) => timerUpdate(element, services, { unit }),
    getOptions: () => UNITS.map((u) => ({ value: u, label: ctx.t(`unit_${u}`) })),
  });
}

function TimerRepeat(props) {
  const { element } = props;
  const ctx = useService('acompanaContext');
  const services = useServices();
  const debounce = useService('debounceInput');
  return jsx(NumberFieldEntry, {
    element, id: 'acompana-timer-repeat', label: ctx.t('timer_repeat'), min: 0, max: 999, debounce,
    description: ctx.t('timer_repeat_help'),
    getValue: () => readTimer(element).repeat || '0',
    setValue: (repeat) => timerUpdate(element, services, { repeat: String(repeat || '') }),
  });
}

function TimerCycle(props) {
  const { element } = props;
  const ctx = useService('acompanaContext');
  const services = useServices();
  return jsx(SelectEntry, {
    element, id: 'acompana-timer-cycle', label: ctx.t('timer_settings_cycle'),
    getValue: () => readTimer(element).cycle || '',
    setValue: (cycle) => timerUpdate(element, services, { cycle }),
    getOptions: () => options(ctx.t('timer_none'), ctx.cycles().map((c) => [c, c])),
  });
}

function codeEntry(element, id, label, mode, getValue, setValue) {
  const ctx = useService('acompanaContext');
  const eventBus = useService('eventBus');
  const debounce = useService('debounceInput');
  const verdict = (code) => {
    if (!code) return null;
    const answer = ctx.codeCheck(code, mode, () => eventBus.fire('elements.changed', { elements: [element] }));
    return answer || null;
  };
  const current = getValue();
  const answer = current ? ctx.codeCheck(current, mode, () => {}) : null;
  return jsx(TextAreaEntry, {
    element, id, label, debounce, rows: 5, monospace: true,
    description: current && answer === '' ? ctx.t('code_ok') : (answer === null && current ? ctx.t('code_checking') : ''),
    validate: verdict, getValue, setValue,
  });
}

function Script(props) {
  const { element } = props;
  const ctx = useService('acompanaContext');
  const modeling = useService('modeling');
  const bo = getBusinessObject(element);
  return codeEntry(element, 'acompana-script', ctx.t('script'), 'exec',
    () => bo.get('script') || '',
    (value) => modeling.updateProperties(element, { script: value || '' }));
}

function Condition(props) {
  const { element } = props;
  const ctx = useService('acompanaContext');
  const modeling = useService('modeling');
  const bpmnFactory = useService('bpmnFactory');
  const bo = getBusinessObject(element);
  return codeEntry(element, 'acompana-condition', ctx.t('condition'), 'eval',
    () => (bo.get('conditionExpression') && bo.get('conditionExpression').body) || '',
    (value) => modeling.updateProperties(element, { conditionExpression: value
      ? bpmnFactory.create('bpmn:FormalExpression', { body: value }) : undefined }));
}

function isConditional(element) {
  const source = element.source;
  return is(element, 'bpmn:SequenceFlow') && source
    && (is(source, 'bpmn:ExclusiveGateway') || is(source, 'bpmn:InclusiveGateway'))
    && getBusinessObject(source).get('default') !== getBusinessObject(element);
}

function entry(id, component, isEdited, element) {
  return { id, component, isEdited, element };
}

function entriesFor(element, ctx) {
  if (is(element, 'bpmn:Lane')) {
    return [entry('acompana-role', LaneRole, isSelectEntryEdited, element)];
  }
  if (is(element, 'bpmn:UserTask')) {
    const list = [
      entry('acompana-formKey', FormKey, isSelectEntryEdited, element),
    ];
    if (!ctx.formTitles()[getProperty(element, 'formKey')]) {  // none yet, or not in the draft
      list.push(entry('acompana-create-form', CreateForm, () => false, element));
    }
    list.push(entry('acompana-instructions', Instructions, isTextAreaEntryEdited, element),
      entry('acompana-assignee', Assignee, isSelectEntryEdited, element));
    if (assigneeMode(element) === 'field') {
      list.push(entry('acompana-assignee-field', AssigneeField, isTextFieldEntryEdited, element));
    }
    list.push(entry('acompana-deadline', Deadline, isSelectEntryEdited, element));
    if (getProperty(element, 'deadline')) {
      list.push(entry('acompana-deadline-amount', DeadlineAmount, isNumberFieldEntryEdited, element));
      list.push(entry('acompana-deadline-unit', DeadlineUnit, isSelectEntryEdited, element));
      list.push(entry('acompana-deadline-from', DeadlineFrom, isSelectEntryEdited, element));
      list.push(entry('acompana-deadline-reminder', DeadlineReminder, isNumberFieldEntryEdited, element));
      list.push(entry('acompana-deadline-escalation', DeadlineEscalation, isSelectEntryEdited, element));
    }
    return list;
  }
  if (is(element, 'bpmn:ScriptTask')) {
    return [entry('acompana-script', Script, isTextAreaEntryEdited, element)];
  }
  if (isConditional(element)) {
    return [entry('acompana-condition', Condition, isTextAreaEntryEdited, element)];
  }
  if (timerDefinition(element)) {
    const { mode } = readTimer(element);
    const list = [entry('acompana-timer-mode', TimerMode, isSelectEntryEdited, element)];
    if (mode === 'due' || mode === 'reminder') {
      list.push(entry('acompana-timer-deadline', TimerDeadline, isSelectEntryEdited, element));
    }
    if (mode === 'duration' || mode === 'cycle') {
      list.push(entry('acompana-timer-amount', TimerAmount, isNumberFieldEntryEdited, element));
      list.push(entry('acompana-timer-unit', TimerUnit, isSelectEntryEdited, element));
    }
    if (mode === 'cycle') {
      list.push(entry('acompana-timer-repeat', TimerRepeat, isNumberFieldEntryEdited, element));
    }
    if (mode === 'settings_cycle') {
      list.push(entry('acompana-timer-cycle', TimerCycle, isSelectEntryEdited, element));
    }
    return list;
  }
  return [];
}

export default function AcompanaPropertiesProvider(propertiesPanel, acompanaContext) {
  this.getGroups = (element) => (groups) => {
    const entries = entriesFor(element, acompanaContext);
    if (entries.length) {
      groups.splice(1, 0, { id: 'acompana', label: acompanaContext.t('group'), entries });
    }
    return groups;
  };
  propertiesPanel.registerProvider(500, this);
}

AcompanaPropertiesProvider.$inject = ['propertiesPanel', 'acompanaContext'];
