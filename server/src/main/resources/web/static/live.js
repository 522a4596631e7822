// New posts on a timeline without reloading: polls the timeline's fragment URL for posts newer
// than the newest shown, puts them on top and announces how many arrived (aria-live). Focus stays
// where it is; polling pauses while the tab is hidden.
import { announce } from "./app.js";

const POLL_MILLIS = 15000;

export function enhanceLive(root) {
  for (const list of root.querySelectorAll("[data-live-url]")) attach(list);
}

function attach(list) {
  const poll = async () => {
    if (document.hidden) return;
    const since = list.dataset.newestId || "";
    try {
      const response = await fetch(list.dataset.liveUrl + "?since_id=" + encodeURIComponent(since), { credentials: "same-origin" });
      if (!response.ok) return;
      const newest = response.headers.get("X-Newest-Id");
      const html = (await response.text()).trim();
      if (!html) return;
      const template = document.createElement("template");
      template.innerHTML = html;
      const items = template.content.querySelectorAll(":scope > li");
      if (items.length === 0) return;
      list.prepend(template.content);
      if (newest) list.dataset.newestId = newest;
      const empty = document.getElementById("timeline-empty");
      if (empty) empty.remove();
      announce(items.length === 1 ? "1 new post" : items.length + " new posts");
    } catch (e) {
      // try again next time
    }
  };
  window.setInterval(poll, POLL_MILLIS);
}
