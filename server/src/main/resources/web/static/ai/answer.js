// AI answers that stream in: forms marked data-stream (Ask, Explain this post, Summarize thread) are
// sent with fetch to their /stream twin. The answer's text appears as the model writes it; the last
// event carries the server's rendering of the finished answer (citations linked to the posts, the list
// of sources), which replaces the streamed text, and focus moves to it. Any failure falls back to the
// plain form post, which renders the same answer on a new page.
import { csrfToken, announce } from "../app.js";

function parseEvent(raw) {
  let event = "message";
  const data = [];
  for (const line of raw.split("\n")) {
    if (line.startsWith("event:")) event = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
  }
  return { event, data: data.length ? JSON.parse(data.join("\n")) : null };
}

function showFinal(target, html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  target.replaceChildren(...doc.body.childNodes);
  target.removeAttribute("aria-busy");
  const focus = target.querySelector("#answer-heading, #answer-error");
  if (focus) focus.focus();
}

function enhance(form) {
  const target = document.getElementById(form.dataset.target);
  if (!target || !window.ReadableStream || !window.TextDecoderStream) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    const live = document.createElement("p");
    live.id = "answer-streaming";
    live.className = "answer-streaming";
    live.style.whiteSpace = "pre-wrap";
    target.setAttribute("aria-busy", "true");
    target.replaceChildren(live);
    announce("Writing the answer…");
    let finished = false;
    try {
      const response = await fetch(form.dataset.stream, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { "X-CSRF-Token": csrfToken(), Accept: "text/event-stream" },
        credentials: "same-origin",
      });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || !response.body || !type.startsWith("text/event-stream")) throw new Error("HTTP " + response.status);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      while (!finished) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while (!finished && (end = buffer.indexOf("\n\n")) >= 0) {
          const ev = parseEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (ev.event === "text" && ev.data) live.textContent += ev.data.text;
          else if (ev.event === "final" && ev.data) {
            showFinal(target, ev.data.html);
            finished = true;
            announce(ev.data.status === 200 ? "Answer ready." : "No answer.");
          }
        }
      }
      if (!finished) throw new Error("the answer stream ended early");
    } catch (e) {
      target.removeAttribute("aria-busy");
      HTMLFormElement.prototype.submit.call(form);
    } finally {
      if (button) button.disabled = false;
    }
  });
}

function start() {
  document.querySelectorAll("form[data-stream]").forEach(enhance);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
