// The modeler's JSON endpoints: every answer is {ok, status, body}; a refusal's body has a
// worded ``message`` (the server words it in the person's language).
export function client(root) {
  const csrf = root.dataset.csrf;
  async function call(method, url, body) {
    let response;
    try {
      response = await fetch(url, {
        method, credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf, Accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      return { ok: false, status: 0, body: {} };
    }
    let parsed = {};
    try {
      parsed = await response.json();
    } catch (err) {
      parsed = {};
    }
    return { ok: response.ok, status: response.status, body: parsed };
  }
  return {
    draft: () => call('GET', root.dataset.draftUrl),
    save: (body) => call('PUT', root.dataset.draftUrl, body),
    validate: () => call('POST', root.dataset.validateUrl, {}),
    publish: (body) => call('POST', root.dataset.publishUrl, body),
    discard: (body) => call('POST', root.dataset.discardUrl, body),
    checkCode: (body) => call('POST', root.dataset.checkCodeUrl, body),
    history: () => call('GET', root.dataset.historyUrl),
  };
}
