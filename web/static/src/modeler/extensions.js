// Reading and writing Acompaña's extension XML exactly as processes/*/ store it:
//   <bpmn:extensionElements>
//     <spiffworkflow:instructionsForEndUser>…</spiffworkflow:instructionsForEndUser>
//     <spiffworkflow:properties>
//       <spiffworkflow:property name="formKey" value="familias/ingreso" />
//     </spiffworkflow:properties>
//   </bpmn:extensionElements>
// Every change is one command on the command stack (undo works).
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

const MULTI = 'properties-panel.multi-command-executor';

function extensionOf(bo, type) {
  const ext = bo.get('extensionElements');
  return ext ? ext.get('values').find((v) => is(v, type)) : undefined;
}

export function getProperty(element, name) {
  const props = extensionOf(getBusinessObject(element), 'spiffworkflow:Properties');
  const found = props && props.get('properties').find((p) => p.name === name);
  return found ? found.value : '';
}

export function getInstructions(element) {
  const found = extensionOf(getBusinessObject(element), 'spiffworkflow:InstructionsForEndUser');
  return (found && found.text) || '';
}

function ensureExtensions(element, bo, services, commands) {
  let ext = bo.get('extensionElements');
  if (!ext) {
    ext = services.bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    ext.$parent = bo;
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: bo, properties: { extensionElements: ext } } });
  }
  return ext;
}

function ensureChild(element, ext, type, attrs, services, commands) {
  let child = ext.get('values').find((v) => is(v, type));
  if (!child) {
    child = services.bpmnFactory.create(type, attrs);
    child.$parent = ext;
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: ext, properties: { values: [...ext.get('values'), child] } } });
  }
  return child;
}

// Commands that set (or, for an empty value, remove) spiffworkflow:property ``name``.
export function propertyCommands(element, name, value, services, commands = []) {
  const bo = getBusinessObject(element);
  const existing = extensionOf(bo, 'spiffworkflow:Properties');
  const current = existing && existing.get('properties').find((p) => p.name === name);
  if (!value) {
    if (current) {
      commands.push({ cmd: 'element.updateModdleProperties', context: { element,
        moddleElement: existing,
        properties: { properties: existing.get('properties').filter((p) => p !== current) } } });
    }
    return commands;
  }
  if (current) {
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: current, properties: { value } } });
    return commands;
  }
  const ext = ensureExtensions(element, bo, services, commands);
  const props = ensureChild(element, ext, 'spiffworkflow:Properties', { properties: [] },
    services, commands);
  const property = services.bpmnFactory.create('spiffworkflow:Property', { name, value });
  property.$parent = props;
  commands.push({ cmd: 'element.updateModdleProperties', context: { element,
    moddleElement: props, properties: { properties: [...props.get('properties'), property] } } });
  return commands;
}

export function setProperty(element, name, value, services) {
  run(services, propertyCommands(element, name, value, services));
}

export function setInstructions(element, text, services) {
  const bo = getBusinessObject(element);
  const commands = [];
  const current = extensionOf(bo, 'spiffworkflow:InstructionsForEndUser');
  if (current) {
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: current, properties: { text } } });
  } else if (text) {
    const ext = ensureExtensions(element, bo, services, commands);
    ensureChild(element, ext, 'spiffworkflow:InstructionsForEndUser', { text }, services,
      commands);
  }
  run(services, commands);
}

export function run(services, commands) {
  if (commands.length) {
    services.commandStack.execute(MULTI, commands);
  }
}

export function timerDefinition(element) {
  const bo = getBusinessObject(element);
  return (bo.get('eventDefinitions') || []).find((d) => is(d, 'bpmn:TimerEventDefinition'));
}
