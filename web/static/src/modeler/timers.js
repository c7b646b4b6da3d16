// The timer builder: what a manager picks (a deadline of the settings, a wait, a repeat)
// and the timer expression Acompaña stores for it. No hand-written ISO 8601.
import { propertyCommands, run, timerDefinition } from './extensions.js';

export const UNITS = ['H', 'D', 'W', 'M'];

function iso(amount, unit) {
  const n = Math.max(1, parseInt(amount, 10) || 1);
  return unit === 'H' ? `PT${n}H` : `P${n}${unit}`;
}

// What a timer says, read from its XML: {mode, deadline, amount, unit, repeat, cycle, from}.
export function readTimer(element) {
  const definition = timerDefinition(element);
  const read = (name) => (definition && definition.get(name) && definition.get(name).body) || '';
  const date = read('timeDate').trim();
  const duration = read('timeDuration').trim().replace(/^"|"$/g, '');
  const cycle = read('timeCycle').trim().replace(/^"|"$/g, '');
  let m = date.match(/^(plazo|recordatorio)\("([^"]+)"\)$/);
  if (m) {
    return { mode: m[1] === 'plazo' ? 'due' : 'reminder', deadline: m[2] };
  }
  m = date.match(/^proximo_ciclo\("([^"]+)",\s*"([^"]+)"\)$/);
  if (m) {
    return { mode: 'settings_cycle', cycle: m[1], from: m[2] };
  }
  m = duration.match(/^PT?(\d+)([HDWM])$/);
  if (m) {
    return { mode: 'duration', amount: m[1], unit: m[2] };
  }
  m = cycle.match(/^R(\d*)\/PT?(\d+)([HDWM])$/);
  if (m) {
    return { mode: 'cycle', repeat: m[1], amount: m[2], unit: m[3] };
  }
  if (date || duration || cycle) {
    return { mode: 'other', text: date || duration || cycle };
  }
  return { mode: '' };
}

// Write ``timer`` (as readTimer gives it) into the element's XML, in one command.
export function writeTimer(element, timer, services) {
  const definition = timerDefinition(element);
  if (!definition) {
    return;
  }
  const expression = (body) => services.bpmnFactory.create('bpmn:FormalExpression', { body });
  const fields = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
  let kind = '';
  let deadline = '';
  if (timer.mode === 'due' || timer.mode === 'reminder') {
    deadline = timer.deadline || '';
    kind = timer.mode === 'due' ? 'escalation' : 'reminder';
    const helper = timer.mode === 'due' ? 'plazo' : 'recordatorio';
    fields.timeDate = deadline ? expression(`${helper}("${deadline}")`) : undefined;
  } else if (timer.mode === 'duration') {
    fields.timeDuration = expression(`"${iso(timer.amount, timer.unit || 'D')}"`);
  } else if (timer.mode === 'cycle') {
    const repeat = parseInt(timer.repeat, 10);
    fields.timeCycle = expression(`"R${repeat > 0 ? repeat : ''}/${iso(timer.amount, timer.unit || 'D')}"`);
  } else if (timer.mode === 'settings_cycle') {
    fields.timeDate = timer.cycle
      ? expression(`proximo_ciclo("${timer.cycle}", "${timer.from || 'fecha_ingreso'}")`) : undefined;
  }
  run(services, [{ cmd: 'element.updateModdleProperties',
    context: { element, moddleElement: definition, properties: fields } }]);
  if (element.host) { // a deadline's reminder or escalation on a step, as processes/ have them
    // one after the other: the second may need the extension elements the first created
    run(services, propertyCommands(element, 'kind', kind, services));
    run(services, propertyCommands(element, 'deadline', deadline, services));
  }
}
