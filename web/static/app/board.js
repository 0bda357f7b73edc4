// The board page's few behaviours that htmx attributes cannot say (the page's CSP allows no inline script).
(function () {
  "use strict";
  var status = document.getElementById("connection");
  function show(text) { if (status) status.textContent = text; }

  // htmx 2's SSE extension names its events htmx:sse*, htmx 4's htmx:*:sse:*; the page may use either.
  document.body.addEventListener("htmx:sseOpen", function () { show("live"); });
  document.body.addEventListener("htmx:after:sse:connection", function () { show("live"); });
  // The stream reconnects by itself, sending Last-Event-ID (WHATWG HTML §9.2.3); the hub replays what was
  // missed, or sends `reset`, on which the columns are fetched again.
  document.body.addEventListener("htmx:sseError", function () { show("reconnecting…"); });
  document.body.addEventListener("htmx:sse:error", function () { show("reconnecting…"); });

  // This user was removed from the board: the hub's stream said so in-band and htmx closed it (htmx 4 also
  // reports a close when the element goes away, with another reason).
  document.body.addEventListener("htmx:sse:close", function (event) {
    if (event.detail && event.detail.reason === "message") removed();
  });
  document.body.addEventListener("htmx:sseClose", removed);
  function removed() {
    var board = document.getElementById("live-board");
    if (board) {
      var notice = document.createElement("p");
      notice.className = "notice";
      notice.setAttribute("role", "alert");
      notice.textContent = "You are no longer a member of this board. Reload to see what you still may.";
      board.replaceWith(notice);
    }
    show("closed");
  }

  // A new card's form empties once the card is saved, and the column's last error goes; the card itself
  // arrives through the stream. Only on a 2xx: a 422 (shown, so "successful" to htmx 2) keeps what was typed.
  function saved(form, status) {
    if (!(status >= 200 && status < 300 && form.matches && form.matches("form.new-card"))) return;
    form.reset();
    var error = form.parentNode.querySelector("[id^='new-card-error-']");
    if (error) error.textContent = "";
  }
  document.body.addEventListener("htmx:afterRequest", function (event) {
    saved(event.detail.elt, event.detail.xhr && event.detail.xhr.status);
  });
  document.body.addEventListener("htmx:after:request", function (event) {
    var ctx = event.detail && event.detail.ctx;
    saved(event.target, ctx && ctx.response && ctx.response.status);
  });

  // A save the hub refuses without an editor to show (404: someone deleted the card meanwhile), or that does not
  // reach it, is not swapped by htmx: say so in the editor rather than leave Save doing nothing.
  function unsaved(elt, status) {
    var editor = document.getElementById("card-editor");
    if (!editor || !elt || !editor.contains(elt) || status === 409 || status === 422) return;
    var notice = editor.querySelector(".save-error");
    if (!notice) {
      notice = document.createElement("p");
      notice.className = "notice save-error";
      notice.setAttribute("role", "alert");
      editor.querySelector("form").before(notice);
    }
    notice.textContent = status === 404 ? "Someone deleted this card while you were editing it; it cannot be saved."
      : status ? "The card could not be saved (" + status + "). Try again."
      : "The hub could not be reached. Try again in a moment.";
  }
  document.body.addEventListener("htmx:responseError", function (event) {
    unsaved(event.detail.elt, event.detail.xhr && event.detail.xhr.status);
  });
  document.body.addEventListener("htmx:sendError", function (event) { unsaved(event.detail.elt, 0); });
  document.body.addEventListener("htmx:response:error", function (event) {
    var ctx = event.detail && event.detail.ctx;
    unsaved(event.target, ctx && ctx.response && ctx.response.status);
  });

  // htmx 2 focuses an [autofocus] field it swaps in, once htmx handles it; htmx 4 leaves that to the browser,
  // which does so only while the page loads. Focused once processed, so Enter submits through htmx.
  document.body.addEventListener("htmx:after:process", function (event) {
    var editor = document.getElementById("card-editor");
    if (!editor || !editor.contains(event.target) || editor.contains(document.activeElement)) return;
    var field = editor.querySelector("[autofocus]");
    if (field) field.focus();
  });

  // The card editor is a non-modal <dialog open> (swapped in by htmx), which Escape does not close by itself:
  // Escape cancels it as its Cancel button does.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    var cancel = document.querySelector("#card-editor button[type=button]");
    if (cancel) {
      event.preventDefault();
      cancel.click();
    }
  });

  // The card editor: its title field takes the focus when it opens, and Escape closes it.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var editor = document.getElementById("card-editor");
    if (editor && editor.contains(event.target) || event.target.id === "editor") {
      var title = document.querySelector("#card-editor input[name=title]");
      if (title) title.focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var editor = document.getElementById("editor");
    if (editor && editor.firstElementChild) editor.replaceChildren();
  });

  // A refused or failed change says why (the hub answers errors as {"error": "..."}), instead of nothing.
  var flash = document.getElementById("flash");
  function tell(text) {
    if (!flash) return;
    flash.textContent = text;
    flash.hidden = false;
  }
  function reason(text, status) {
    try { return JSON.parse(text).error || ("The site answered " + status + "."); }
    catch (error) { return "The site answered " + status + "."; }
  }
  document.body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    tell(reason(xhr.responseText, xhr.status));
  });
  document.body.addEventListener("htmx:sendError", function () { tell("The change did not reach the site; try again."); });
  document.body.addEventListener("htmx:beforeRequest", function () { if (flash) flash.hidden = true; });
})();
