// The live preview: the server draws the form with the caseworker's renderer; the HTML goes
// into a sandboxed frame (no scripts run there) with the app's own stylesheets.

import { h } from "./dom.js";

export function previewFrame(stylesheets, title) {
  const frame = h("iframe", { class: "fe-preview-frame", sandbox: "allow-same-origin", title });
  frame.addEventListener("load", () => {
    try {
      const body = frame.contentDocument && frame.contentDocument.documentElement;
      if (body) frame.style.height = `${Math.max(body.scrollHeight + 16, 120)}px`;
    } catch (error) { /* a frame we cannot measure keeps its height */ }
  });
  const show = (html) => {
    const links = stylesheets.map((href) => `<link rel="stylesheet" href="${href.replace(/"/g, "&quot;")}">`).join("");
    frame.srcdoc = `<!doctype html><html><head><meta charset="utf-8">${links}</head><body class="fe-preview-body"><main>${html}</main></body></html>`;
  };
  return { frame, show };
}

export async function postJson(url, token, body) {
  const response = await fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token, Accept: "application/json" },
    body: JSON.stringify(body),
  });
  let data = null;
  try { data = await response.json(); } catch (error) { data = null; }
  return { status: response.status, data };
}
