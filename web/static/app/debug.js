// The debug page's live tail: reads the channel's event stream itself (fetch, not EventSource, so events of
// every name show, `reset` included) and adds each as text, never as HTML: a publisher's data cannot inject
// markup into the operator's page. A file of its own, so the page's policy allows no inline script.
const list = document.getElementById("events");
const state = document.getElementById("stream-state");
const kept = 200;

if (list) tail(list.dataset.stream, null);

async function tail(url, lastEventId) {
  const headers = lastEventId ? { "Last-Event-ID": lastEventId } : {};
  try {
    const response = await fetch(url, { headers, cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    state.textContent = "live";
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let event = { name: "message", id: null, data: [] };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let newline;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1));
        // WHATWG HTML §9.2.6: a blank line dispatches; a leading colon is a comment.
        if (line === "") {
          if (event.data.length > 0) show(event);
          if (event.id !== null) lastEventId = event.id;
          event = { name: "message", id: null, data: [] };
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? "" : line.slice(colon + 1);
        if (text.startsWith(" ")) text = text.slice(1);
        if (field === "event") event.name = text;
        else if (field === "data") event.data.push(text);
        else if (field === "id") event.id = text;
      }
    }
  } catch (error) {
    state.textContent = `disconnected (${error.message})`;
  }
  state.textContent = "reconnecting…";
  setTimeout(() => tail(url, lastEventId), 2000);
}

function show(event) {
  const item = document.createElement("li");
  const head = document.createElement("small");
  head.textContent = `${event.name}${event.id ? " · " + event.id : ""}`;
  const data = document.createElement("pre");
  data.textContent = event.data.join("\n");
  item.append(head, data);
  list.prepend(item);
  while (list.children.length > kept) list.lastElementChild.remove();
}
