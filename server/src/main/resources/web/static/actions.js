// Post and account actions (like, repost, bookmark, follow...): each is a plain form POST that
// redirects; here they are sent with fetch instead, and the post's new HTML replaces the old,
// keeping focus on the same button. Forms marked data-confirm ask first (delete).
import { csrfToken, announce } from "./app.js";

export function enhanceActions(root) {
  root.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (form.dataset.enhance !== "post") return;
    const article = form.closest("[data-post-id]");
    if (!article) return;
    event.preventDefault();
    const button = event.submitter || form.querySelector("button");
    const buttonId = button ? button.id : null;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { "X-CSRF-Token": csrfToken(), "X-Starling-Fragment": "post" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const html = await response.text();
      const template = document.createElement("template");
      template.innerHTML = html.trim();
      const replacement = template.content.firstElementChild;
      if (replacement) {
        article.replaceWith(replacement);
        const again = buttonId ? document.getElementById(buttonId) : null;
        if (again) again.focus();
      }
      if (form.dataset.done) announce(form.dataset.done);
    } catch (e) {
      form.submit();
    }
  });
}
