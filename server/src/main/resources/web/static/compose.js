// The compose box's live character count. The count comes from the server (POST /web/count, the
// same twitter-text weighting that validates posts), asked at most every 250 ms while typing, so
// the number shown is the number the server will enforce.
const DEBOUNCE_MILLIS = 250;

export function enhanceCompose(root) {
  for (const form of root.querySelectorAll("form[data-compose]")) attach(form);
}

function attach(form) {
  const text = form.querySelector("textarea[name=text]");
  const counter = form.querySelector("[data-counter]");
  const submit = form.querySelector("button[type=submit]");
  if (!text || !counter) return;
  let timer = 0;
  let sequence = 0;
  const update = async () => {
    const mine = ++sequence;
    try {
      const response = await fetch("/web/count", {
        method: "POST",
        body: new URLSearchParams({ text: text.value }),
        credentials: "same-origin",
      });
      if (!response.ok || mine !== sequence) return;
      const result = await response.json();
      const left = result.max - result.weighted_length;
      counter.textContent = left + " characters left";
      counter.classList.toggle("over", !result.valid && text.value.trim().length > 0);
      if (submit) submit.disabled = text.value.trim().length > 0 && !result.valid;
    } catch (e) {
      // the server decides on submit anyway
    }
  };
  text.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, DEBOUNCE_MILLIS);
  });
  if (text.value) update();
}
