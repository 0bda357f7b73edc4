"""The live board served with htmx 4 (`/boards/{id}?htmx=4`: `hx-sse:connect`) in real Chromium: two users
on one board see each other's new card, edit, move and delete live, under the page's Content-Security-Policy,
and the htmx 2 page on the same board sees the same changes (one broadcast serves both). Run by
scripts/test-browser."""
import os
import sys
import tempfile

from playwright.sync_api import sync_playwright, expect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from board_test import Session  # noqa: E402
from demo_site_test import conclude, start_hub, stop_hub  # noqa: E402


def main():
    database = os.path.join(tempfile.mkdtemp(prefix="ssehub-browser-"), "demo.sqlite3")
    hub, port = start_hub(database)
    base = f"http://127.0.0.1:{port}"
    failures = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            session = Session(browser, base)
            watch = session.watch

            ada = session.sign_up("Ada")
            bob = session.sign_up("Bob")
            ada.fill("input[name=name]", "Launch")
            ada.click("text=Create board")
            ada.wait_for_url(base + "/boards/*")
            board = ada.url
            ada.fill("#member-form input[name=email]", "bob@example.com")
            ada.click("#member-form button")
            expect(ada.locator("#members")).to_contain_text("Bob")

            ada.goto(board + "?htmx=4")
            bob.goto(board + "?htmx=4")
            classic = watch(browser.new_context(storage_state=bob.context.storage_state()).new_page())
            classic.goto(board)
            for page in (ada, bob, classic):
                expect(page.locator("#connection")).to_have_text("live")
            if ada.locator("script[src='/static/vendor/htmx-4.min.js']").count() != 1:
                failures.append("the htmx 4 page does not load htmx 4")

            ada.fill("#column-todo ~ form input[name=title]", "Written on htmx 4")
            ada.press("#column-todo ~ form input[name=title]", "Enter")
            for page in (ada, bob, classic):
                expect(page.locator("#column-todo .card")).to_have_count(1)
                expect(page.locator("#column-todo .card h3")).to_have_text("Written on htmx 4")
            expect(ada.locator("#column-todo ~ form input[name=title]")).to_have_value("")

            bob.click("#column-todo .card >> text=→ Doing")
            for page in (ada, bob, classic):
                expect(page.locator("#column-doing .card")).to_have_count(1)
                expect(page.locator("#column-todo .card")).to_have_count(0)

            bob.click("#column-doing .card >> text=Edit")
            bob.fill("#card-editor input[name=title]", "Edited by Bob")
            bob.click("#card-editor button[type=submit]")
            expect(bob.locator("#card-editor")).to_have_count(0)
            for page in (ada, bob, classic):
                expect(page.locator("#column-doing .card h3")).to_have_text("Edited by Bob")

            classic.click("#column-doing .card >> text=Delete")
            for page in (ada, bob, classic):
                expect(page.locator(".card")).to_have_count(0)
            session.report(failures)
            browser.close()
    finally:
        stop_hub(hub)
    conclude(failures, "browser: the htmx 4 board and the htmx 2 board stay in step in Chromium")


if __name__ == "__main__":
    main()
