"""CORS and JWT in real Chromium (Debian's, driven by Playwright): a page served on one loopback port uses a hub
on another. EventSource with `access_token` in the URL, EventSource `withCredentials` with the token in a cookie,
and a `fetch` POST /broadcast with `Authorization` (preflighted) all work from the allowed origin; the event
reaches both streams; a refusal (401) is readable by the page; the stream of a token that expires gets the
`token-expired` event and ends. The same page from an origin not allowed (`localhost` instead of `127.0.0.1`)
cannot read a stream and its preflight is refused. Run by scripts/test-browser."""
import base64
import hashlib
import hmac
import http.server
import json
import os
import sys
import tempfile
import threading
import time

from playwright.sync_api import sync_playwright

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from demo_site_test import conclude, start_hub, stop_hub  # noqa: E402

SECRET = "a browser test secret of more than 32 bytes"


def token(claims):
    """An HS256 JWT (RFC 7515 §7.1) signed with Python's standard library."""
    def part(value):
        return base64.urlsafe_b64encode(value).rstrip(b"=").decode()
    signing_input = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + part(json.dumps(claims).encode())
    signature = hmac.new(SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + part(signature)


def serve_page():
    """A blank page on a free loopback port, the other origin; answers the server and its port."""
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<!doctype html><title>another origin</title><p>page</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


# Runs in the page: opens the streams, publishes, and reports what each saw.
SCENARIO = """async ({hub, queryToken, publishToken}) => {
  const opened = (source) => new Promise((resolve) => {
    source.onopen = () => resolve("open");
    source.onerror = () => resolve("error " + source.readyState);
  });
  const message = (source) => new Promise((resolve) => { source.onmessage = (event) => resolve(event.data); });
  const byQuery = new EventSource(hub + "/events/news?access_token=" + queryToken);
  const byCookie = new EventSource(hub + "/events/news", {withCredentials: true});
  const states = [await opened(byQuery), await opened(byCookie)];
  const arrivals = [message(byQuery), message(byCookie)];
  const published = await fetch(hub + "/broadcast", {
    method: "POST",
    headers: {"Authorization": "Bearer " + publishToken, "Content-Type": "application/json"},
    body: JSON.stringify({channel: "news", data: "across origins"}),
  });
  const publishAnswer = [published.status, await published.json()];
  const received = await Promise.all(arrivals);
  byQuery.close();
  byCookie.close();
  const refused = await fetch(hub + "/events/news");
  return {states, publishAnswer, received, refused: [refused.status, await refused.json()]};
}"""

EXPIRY = """async ({hub, shortToken}) => {
  const source = new EventSource(hub + "/events/news?access_token=" + shortToken);
  const expired = await new Promise((resolve) => {
    source.addEventListener("token-expired", (event) => resolve(JSON.parse(event.data)));
    setTimeout(() => resolve("no token-expired event"), 10000);
  });
  // The stream ends after the event; EventSource reconnects with the expired token, gets a 401, and stops.
  const closed = await new Promise((resolve) => {
    const check = () => source.readyState === EventSource.CLOSED ? resolve(true) : setTimeout(check, 50);
    check();
    setTimeout(() => resolve(false), 10000);
  });
  return {expired, closed};
}"""

# From an origin that is not allowed: the stream cannot be read and the preflight is refused.
STRANGER = """async ({hub, queryToken, publishToken}) => {
  const source = new EventSource(hub + "/events/news?access_token=" + queryToken);
  const state = await new Promise((resolve) => {
    source.onopen = () => resolve("open");
    source.onerror = () => resolve("error");
  });
  source.close();
  let publish;
  try {
    const answer = await fetch(hub + "/broadcast", {
      method: "POST",
      headers: {"Authorization": "Bearer " + publishToken, "Content-Type": "application/json"},
      body: JSON.stringify({channel: "news", data: "from a stranger"}),
    });
    publish = "answered " + answer.status;
  } catch (error) {
    publish = "refused: " + error.name;
  }
  return {state, publish};
}"""


def main():
    page_server, page_port = serve_page()
    page_origin = f"http://127.0.0.1:{page_port}"
    database = os.path.join(tempfile.mkdtemp(prefix="ssehub-browser-"), "demo.sqlite3")
    hub, port = start_hub(database, extra=[
        "--jwt-secret", SECRET, "--jwt-cookie", "hub_token", "--jwt-leeway", "0", "--cors-origin", page_origin])
    hub_base = f"http://127.0.0.1:{port}"
    failures = []
    now = int(time.time())
    tokens = {
        "hub": hub_base,
        "queryToken": token({"exp": now + 600, "ssehub": {"subscribe": ["news"]}}),
        "publishToken": token({"exp": now + 600, "ssehub": {"publish": ["news"]}}),
    }
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            context = browser.new_context()
            # The cookie belongs to the hub's host (cookies ignore ports), as a login on the hub's site would set it.
            context.add_cookies([{"name": "hub_token", "value": tokens["queryToken"], "url": hub_base}])
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.goto(page_origin + "/")
            seen = page.evaluate(SCENARIO, tokens)
            if seen["states"] != ["open", "open"]:
                failures.append(f"streams did not open from the allowed origin: {seen['states']}")
            if seen["publishAnswer"][0] != 200 or seen["publishAnswer"][1].get("subscribers") != 2:
                failures.append(f"the preflighted publish failed: {seen['publishAnswer']}")
            if seen["received"] != ["across origins", "across origins"]:
                failures.append(f"the event did not reach both streams: {seen['received']}")
            if seen["refused"][0] != 401 or "needs a token" not in seen["refused"][1].get("error", ""):
                failures.append(f"the page could not read why it was refused: {seen['refused']}")

            short = {"hub": hub_base, "shortToken": token({"exp": int(time.time()) + 2, "ssehub": {"subscribe": ["news"]}})}
            ended = page.evaluate(EXPIRY, short)
            if ended["expired"] != {"reason": "the token expired"} or not ended["closed"]:
                failures.append(f"the expiring stream did not end in-band: {ended}")

            stranger = context.new_page()
            stranger.set_default_timeout(15_000)
            stranger.goto(f"http://localhost:{page_port}/")
            refused = stranger.evaluate(STRANGER, tokens)
            if refused != {"state": "error", "publish": "refused: TypeError"}:
                failures.append(f"an origin not allowed could use the hub: {refused}")
            browser.close()
    finally:
        stop_hub(hub)
        page_server.shutdown()
    conclude(failures, "browser: CORS and JWT across origins passed in Chromium")


if __name__ == "__main__":
    main()
