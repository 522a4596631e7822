// Starling web app entry module: loaded on every page. Everything works without it; it only
// makes things nicer. Each feature module attaches to elements marked with data attributes.
import { enhanceActions } from "./actions.js";
import { enhanceCompose } from "./compose.js";
import { enhanceLive } from "./live.js";

/** The CSRF token of this page, for state-changing fetches (sent as X-CSRF-Token). */
export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

/** Announces a short message to screen readers (the page's polite live region). */
export function announce(message) {
  const region = document.getElementById("live-status");
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => { region.textContent = message; }, 50);
}

function start() {
  enhanceActions(document);
  enhanceCompose(document);
  enhanceLive(document);
  const notice = document.getElementById("notice");
  if (notice && notice.dataset.focus === "true") notice.focus();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
