"""The hub's debug page in real Chromium: signing in with the admin token, watching a channel, publishing a test
event from the page and seeing it arrive (as text) with the numbers refreshing. Run by scripts/test-browser."""
import urllib.request

from playwright.sync_api import expect

from board_test import Session
from demo_site_test import chromium_on_hub, conclude

TOKEN = "debug-admin-token-1"


def publish(base, channel, data):
    request = urllib.request.Request(f"{base}/broadcast", data=f"channel={channel}&data={data}".encode(),
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 200


def main():
    failures = []
    with chromium_on_hub(extra=("--admin-token", TOKEN)) as (base, browser):
        session = Session(browser, base)
        context = browser.new_context()
        page = session.watch(context.new_page())

        # A wrong token is refused on the form; the right one opens the page with a Strict, HttpOnly cookie.
        page.goto(base + "/debug")
        page.fill("#token", "not-the-token")
        page.click("button[type=submit]")
        expect(page.locator("#token-error")).to_contain_text("not the admin token")
        page.fill("#token", TOKEN)
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_have_text("Hub debug")
        cookie = {c["name"]: c for c in context.cookies()}.get("ssehub_admin")
        if not cookie or not cookie["httpOnly"] or cookie["sameSite"] != "Strict" or TOKEN in cookie["value"]:
            failures.append(f"the admin cookie is not HttpOnly, Strict and token-free: {cookie}")
        expect(page.locator("#totals td").first).to_have_text("ok")

        # Watch a channel: a test event published from the page arrives in its live list, as text.
        page.fill("input[name=channel]", "debug:news")
        page.click("text=Watch")
        expect(page.locator("#stream-state")).to_have_text("live")
        page.fill("#event", "note")
        page.fill("#data", "<b>hello</b> from the page")
        page.click("text=Publish a test event")
        expect(page.locator("#published")).to_contain_text("Published")
        first = page.locator("#events li").first
        expect(first.locator("pre")).to_have_text("<b>hello</b> from the page")
        expect(first.locator("small")).to_contain_text("note")
        if page.locator("#events b").count() != 0:
            failures.append("an event's data was inserted as markup")

        # Events from elsewhere arrive too, and the channel's numbers refresh on their own.
        publish(base, "debug:news", "from%20curl")
        expect(page.locator("#events li pre").first).to_have_text("from curl")
        expect(page.locator("#channel-stats")).to_contain_text("Events published2", timeout=10_000)
        expect(page.locator("#channels")).to_contain_text("debug:news")

        # Signed out, the fragments refuse and the page asks for the token again.
        page.click("text=Sign out")
        expect(page.locator("#token")).to_be_visible()
        if page.request.get(base + "/debug/totals").status != 401:
            failures.append("a fragment answered after sign-out")
        session.report(failures)
    conclude(failures, "browser: the debug page passed in Chromium")


if __name__ == "__main__":
    main()
