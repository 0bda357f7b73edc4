// The board page's few behaviours that htmx attributes cannot say (the page's CSP allows no inline script).
(function () {
  "use strict";
  var status = document.getElementById("connection");
  function show(text) { if (status) status.textContent = text; }

  document.body.addEventListener("htmx:sseOpen", function () { show("live"); });
  // EventSource reconnects by itself, sending Last-Event-ID (WHATWG HTML §9.2.3); the hub replays what was
  // missed, or sends `reset`, on which the columns are fetched again.
  document.body.addEventListener("htmx:sseError", function () { show("reconnecting…"); });

  // This user was removed from the board: the hub's stream said so in-band and htmx closed it.
  document.body.addEventListener("htmx:sseClose", function () {
    var board = document.getElementById("live-board");
    if (board) {
      var notice = document.createElement("p");
      notice.className = "notice";
      notice.setAttribute("role", "alert");
      notice.textContent = "You are no longer a member of this board. Reload to see what you still may.";
      board.replaceWith(notice);
    }
    show("closed");
  });

  // A new card's form empties once the card is saved; the card itself arrives through the stream.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (event.detail.successful && form.matches && form.matches("form.new-card")) form.reset();
  });
})();
