"""The demo site in real Chromium (Debian's, driven by Playwright): the live chat between two windows under the
page's Content-Security-Policy, and a sign-up through the real form. Run by scripts/test-browser."""
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time

from playwright.sync_api import sync_playwright, expect

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HUB = os.environ.get("HUB_BINARY", os.path.join(ROOT, ".build", "debug", "hub"))


def start_hub(database, port=0, extra=()):
    """Starts the hub on `port` (0: a free one) over `database`, with `extra` arguments; answers the process and
    its port."""
    log = tempfile.NamedTemporaryFile(prefix="ssehub-browser-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [HUB, "--port", str(port), "--web-root", os.path.join(ROOT, "web"), "--database", database, *extra],
        stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with open(log.name) as output:
            match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", output.read())
        if match:
            return process, int(match.group(1))
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    sys.exit("the hub did not start: " + open(log.name).read())


@contextlib.contextmanager
def chromium_on_hub(extra=()):
    """A hub on a fresh database (with `extra` arguments) and Debian's Chromium; yields the hub's base URL and
    the browser, and stops both."""
    database = os.path.join(tempfile.mkdtemp(prefix="ssehub-browser-"), "demo.sqlite3")
    hub, port = start_hub(database, extra=extra)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            yield f"http://127.0.0.1:{port}", browser
            browser.close()
    finally:
        stop_hub(hub)


def stop_hub(hub):
    hub.terminate()
    hub.wait(timeout=10)


def conclude(failures, success):
    """Fails the run with every failure, or prints `success`."""
    if failures:
        sys.exit("\n".join(failures))
    print(success)


def main():
    database = os.path.join(tempfile.mkdtemp(prefix="ssehub-browser-"), "demo.sqlite3")
    hub, port = start_hub(database)
    base = f"http://127.0.0.1:{port}"
    failures = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            violations = []

            def watch(page):
                page.on("console", lambda message: violations.append(message.text)
                        if "Content Security Policy" in message.text else None)
                page.set_default_timeout(10_000)
                return page

            # Two windows of the chat: a message sent in one shows in both, as text.
            first = watch(browser.new_context().new_page())
            second = watch(browser.new_context().new_page())
            for page in (first, second):
                page.goto(base + "/")
                expect(page.locator("#status")).to_have_text("live")
            first.fill("input[name=data]", "hello <b>both</b>")
            first.click("button[type=submit]")
            for page in (first, second):
                expect(page.locator("#feed li").first).to_have_text("hello <b>both</b>")
                if page.locator("#feed b").count() != 0:
                    failures.append("a message was inserted as markup")
            expect(first.locator("input[name=data]")).to_have_value("")

            # Sign up through the form: lands on the boards, with an HttpOnly session cookie.
            context = browser.new_context()
            page = watch(context.new_page())
            page.goto(base + "/signup")
            page.fill("#email", "browser@example.com")
            page.fill("#name", "Browser")
            page.fill("#password", "short")
            page.click("button[type=submit]")
            expect(page.locator("#password-error")).to_contain_text("at least 10 characters")
            expect(page.locator("#email")).to_have_value("browser@example.com")
            page.fill("#password", "long enough password")
            page.click("button[type=submit]")
            page.wait_for_url(base + "/boards")
            cookies = {cookie["name"]: cookie for cookie in context.cookies()}
            session = cookies.get("ssehub_session")
            if not session or not session["httpOnly"] or session["sameSite"] != "Lax":
                failures.append(f"no HttpOnly, SameSite=Lax session cookie: {session}")
            if violations:
                failures.append("Content-Security-Policy violations: " + "; ".join(violations))
            browser.close()
    finally:
        stop_hub(hub)
    conclude(failures, "browser: demo chat and sign-up passed in Chromium")


if __name__ == "__main__":
    main()
