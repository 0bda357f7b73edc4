// The demo chat: htmx's SSE extension holds the stream; each message is added as text (never as HTML), so
// what a visitor types cannot inject markup. A file of its own, so the page's policy allows no inline script.
const feed = document.getElementById("feed");
const status = document.getElementById("status");
document.body.addEventListener("htmx:sseOpen", () => { status.replaceChildren(small("live")); });
document.body.addEventListener("htmx:sseError", () => { status.replaceChildren(small("reconnecting…")); });
feed.addEventListener("htmx:sseBeforeMessage", (event) => {
  event.preventDefault();
  const item = document.createElement("li");
  item.textContent = event.detail.data;
  feed.prepend(item);
});
document.querySelector("form").addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.successful) event.target.reset();
});

function small(text) {
  const element = document.createElement("small");
  element.textContent = text;
  return element;
}
