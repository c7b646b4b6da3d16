// "Importar…" on the modeler page: a .bpmn from another tool or a version .zip becomes the
// draft (web/modeler/importing.py). The person confirms that it replaces the draft's diagram,
// chooses the process when the file has several pools, then sees the import's problems in
// the list and on the diagram, and the import in the page's history.
export function importer(root, page) {
  const $ = (id) => document.getElementById(id);
  const box = $('modeler-import');
  if (!box) return { enable() {} };
  const strings = JSON.parse($('modeler-import-strings').textContent);
  const input = $('modeler-import-file');
  const button = $('modeler-import-button');
  const choice = $('modeler-choose');
  const limit = Number(box.dataset.limit) || 0;
  let file = null;

  async function send(process) {
    const body = new FormData();
    body.append('file', file, file.name);
    body.append('revision', String(page.state.revision));
    if (process) body.append('process', process);
    page.say(strings.importing);
    button.disabled = true;
    let answer;
    try {
      const response = await fetch(box.dataset.importUrl, {
        method: 'POST', credentials: 'same-origin', body,
        headers: { 'X-CSRFToken': root.dataset.csrf, Accept: 'application/json' },
      });
      let parsed = {};
      try { parsed = await response.json(); } catch (err) { parsed = {}; }
      answer = { ok: response.ok, status: response.status, body: parsed };
    } catch (err) {
      answer = { ok: false, status: 0, body: {} };
    } finally {
      button.disabled = false;
    }
    if (!answer.ok) {
      page.warn(answer.body.message || strings.failed);
      if (answer.status === 409) page.conflicted();
      page.say('');
      return;
    }
    if (answer.body.choose) { choose(answer.body); return; }
    choice.hidden = true;
    await page.load(answer.body.problems || []);
    page.notice(answer.body.message);
    notes(answer.body.notes || []);
    remember(answer.body.history);
  }

  function choose(answer) {
    page.say('');
    $('modeler-choose-text').textContent = answer.message;
    const list = $('modeler-choose-list');
    list.replaceChildren();
    answer.processes.forEach((process, index) => {
      const label = document.createElement('label');
      label.className = 'modeler__choice';
      const radio = document.createElement('input');
      radio.type = 'radio';
      radio.name = 'modeler-process';
      radio.value = process.id;
      radio.checked = index === 0;
      const named = [process.name, process.pool ? strings.pool.replace('{pool}', process.pool) : '',
        strings.steps.replace('{steps}', process.steps)].filter(Boolean).join(' · ');
      const id = document.createElement('code');
      id.textContent = process.id;
      label.append(radio, ' ', named, ' (', id, ')');
      list.append(label);
    });
    choice.hidden = false;
    choice.scrollIntoView({ block: 'nearest' });
  }

  function notes(items) {
    const details = $('modeler-import-notes');
    const list = details.querySelector('ul');
    list.replaceChildren(...items.map((note) => {
      const item = document.createElement('li');
      item.textContent = note.text;
      return item;
    }));
    details.hidden = items.length === 0;
  }

  function remember(line) {
    const history = $('modeler-history');
    if (!history || !line) return;
    const item = document.createElement('li');
    item.textContent = line;
    if (history.dataset.empty !== undefined) { history.replaceChildren(); delete history.dataset.empty; }
    history.prepend(item);
  }

  button.addEventListener('click', () => input.click());
  input.addEventListener('change', async () => {
    [file] = input.files;
    input.value = '';
    if (!file) return;
    if (limit && file.size > limit) { page.warn(strings.too_large); return; }
    const unsaved = page.unsaved();
    const ask = (unsaved ? strings.confirm_unsaved : strings.confirm)
      .replace('{revision}', page.state.revision).replace('{file}', file.name);
    if (!window.confirm(ask)) return;
    await page.settle();
    await send(null);
  });
  $('modeler-choose-ok').addEventListener('click', () => {
    const picked = choice.querySelector('input[name=modeler-process]:checked');
    if (picked && file) send(picked.value);
  });
  $('modeler-choose-cancel').addEventListener('click', () => { choice.hidden = true; file = null; });
  return { enable() { button.disabled = false; } };
}
