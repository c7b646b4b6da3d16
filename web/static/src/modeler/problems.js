// Problems on the diagram: a marker and a badge on each element named, and a list where
// clicking a line selects its element (switching to its file's tab first).
const MARKER = 'acompana-problem';

export function problemView(list, count, none, strings, select) {
  let shown = [];
  function clear(modeler) {
    if (!modeler) return;
    const canvas = modeler.get('canvas');
    const overlays = modeler.get('overlays');
    for (const id of shown) {
      try { canvas.removeMarker(id, MARKER); } catch (err) { /* element gone */ }
    }
    overlays.remove({ type: MARKER });
    shown = [];
  }

  function mark(modeler, problems) {
    clear(modeler);
    const registry = modeler.get('elementRegistry');
    const canvas = modeler.get('canvas');
    const overlays = modeler.get('overlays');
    const seen = new Set();
    for (const problem of problems) {
      const id = problem.element;
      if (!id || seen.has(id) || !registry.get(id)) continue;
      seen.add(id);
      canvas.addMarker(id, MARKER);
      const badge = document.createElement('span');
      badge.className = 'acompana-problem-badge';
      badge.textContent = '!';
      badge.title = problem.text;
      overlays.add(id, MARKER, { position: { top: -8, right: 8 }, html: badge });
      shown.push(id);
    }
  }

  function render(problems, lintIssues) {
    list.replaceChildren();
    const all = [...problems, ...lintIssues];
    count.textContent = all.length ? strings.problems.replace('{count}', all.length) : '';
    none.hidden = problems.length > 0;
    for (const problem of all) {
      const item = document.createElement('li');
      item.className = problem.lint ? 'modeler__problem modeler__problem--lint' : 'modeler__problem';
      item.dataset.element = problem.element || '';
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link';
      const where = [problem.lint ? strings.lint : problem.file, problem.element,
        problem.line ? `${strings.line} ${problem.line}` : ''].filter(Boolean).join(' · ');
      const head = document.createElement('strong');
      head.textContent = where;
      const text = document.createElement('span');
      text.textContent = `: ${problem.text}`;
      button.append(head, text);
      button.addEventListener('click', () => select(problem));
      item.append(button);
      if (problem.fix) {
        const fix = document.createElement('p');
        fix.className = 'modeler__fix';
        fix.textContent = problem.fix;
        item.append(fix);
      }
      if (problem.detail && !problem.text.includes(problem.detail)) {
        // the engine's own (English) text, for whoever fixes it: folded, secondary
        const folded = document.createElement('details');
        folded.className = 'modeler__detail';
        const summary = document.createElement('summary');
        summary.textContent = strings.technical;
        const code = document.createElement('code');
        code.textContent = problem.detail;
        folded.append(summary, code);
        item.append(folded);
      }
      list.append(item);
    }
  }

  return { mark, clear, render };
}
