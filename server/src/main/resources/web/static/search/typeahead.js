// Search typeahead: as the person types in the search box, asks the server for matching people and
// hashtags (GET /search/suggest?q=, an HTML fragment rendered and escaped by the server) and shows them
// as links under the box. ArrowDown moves into the suggestions, ArrowUp/ArrowDown move between them,
// Escape closes them and returns to the box. Without this module the search form works as usual.
const DEBOUNCE_MILLIS = 200;
const MIN_CHARS = 1;

function enhance(input) {
  const box = document.getElementById(input.getAttribute("aria-controls"));
  const url = input.dataset.suggest;
  if (!box || !url) return;
  let timer = 0;
  let seq = 0;

  const clear = () => { box.replaceChildren(); };
  const links = () => Array.from(box.querySelectorAll("a.suggestion"));

  async function load(q) {
    const mine = ++seq;
    try {
      const res = await fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!res.ok || mine !== seq) return;
      const html = await res.text();
      if (mine !== seq || input.value.trim() !== q) return;
      const doc = new DOMParser().parseFromString(html, "text/html");
      box.replaceChildren(...doc.body.childNodes);
    } catch (e) {
      // Suggestions are a convenience: the search itself still works.
    }
  }

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < MIN_CHARS || q.includes(" ")) { seq++; clear(); return; }
    timer = window.setTimeout(() => load(q), DEBOUNCE_MILLIS);
  });

  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && links().length > 0) { e.preventDefault(); links()[0].focus(); }
    else if (e.key === "Escape") { clear(); }
  });

  box.addEventListener("keydown", (e) => {
    const all = links();
    const i = all.indexOf(document.activeElement);
    if (i < 0) return;
    if (e.key === "ArrowDown") { e.preventDefault(); all[Math.min(all.length - 1, i + 1)].focus(); }
    else if (e.key === "ArrowUp") { e.preventDefault(); if (i === 0) input.focus(); else all[i - 1].focus(); }
    else if (e.key === "Escape") { e.preventDefault(); clear(); input.focus(); }
  });
}

function start() {
  document.querySelectorAll("input[data-suggest]").forEach(enhance);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
