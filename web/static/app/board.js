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

  // A refused or failed change says why (the hub answers errors as {"error": "..."}) instead of nothing: in the
  // editor when it came from there (the open dialog covers the rest), else above the board. A 404 on saving a
  // card means someone deleted it meanwhile. 409 and 422 are not failures: they swap in a form to show.
  var flash = document.getElementById("flash");
  function tell(text, elt) {
    var editor = document.getElementById("card-editor");
    if (editor && elt && editor.contains(elt)) {
      var notice = editor.querySelector(".save-error");
      if (!notice) {
        notice = document.createElement("p");
        notice.className = "notice save-error";
        notice.setAttribute("role", "alert");
        editor.querySelector("form").before(notice);
      }
      notice.textContent = text;
    } else if (flash) {
      flash.textContent = text;
      flash.hidden = false;
    }
  }
  function refused(elt, status, text) {
    if (status === 409 || status === 422) return;
    var editor = document.getElementById("card-editor");
    if (status === 404 && editor && elt && editor.contains(elt)) {
      return tell("Someone deleted this card while you were editing it; it cannot be saved.", elt);
    }
    try { tell(JSON.parse(text).error || ("The site answered " + status + "."), elt); }
    catch (error) { tell("The site answered " + status + ".", elt); }
  }
  function unsent(elt) { tell("The change did not reach the site; try again.", elt); }
  function hideFlash() { if (flash) flash.hidden = true; }
  document.body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    refused(event.detail.elt, xhr.status, xhr.responseText);
  });
  document.body.addEventListener("htmx:response:error", function (event) {
    var ctx = event.detail && event.detail.ctx;
    if (ctx && ctx.response) refused(event.target, ctx.response.status, ctx.text);
  });
  document.body.addEventListener("htmx:sendError", function (event) { unsent(event.detail.elt); });
  document.body.addEventListener("htmx:beforeRequest", hideFlash);
  document.body.addEventListener("htmx:before:request", hideFlash);

  // The card editor's title takes the focus when it opens: htmx 2 focuses the [autofocus] field once it has
  // processed the new form; htmx 4 leaves [autofocus] to the browser (which applies it only while the page
  // loads), so it is focused here once processed. Not sooner: Enter in a form htmx has not processed yet would
  // submit it natively.
  document.body.addEventListener("htmx:after:process", function (event) {
    var editor = document.getElementById("card-editor");
    if (!editor || !editor.contains(event.target) || editor.contains(document.activeElement)) return;
    var field = editor.querySelector("[autofocus]");
    if (field) field.focus();
  });
  // Escape closes the editor (a non-modal <dialog open>, which Escape does not close by itself).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var editor = document.getElementById("editor");
    if (editor && editor.firstElementChild) editor.replaceChildren();
  });
})();
