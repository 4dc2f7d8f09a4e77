"""The README's screenshots, taken of the demo: `make run`, then in a second terminal
`.venv/bin/python -m demo.screenshots [BASE_URL]` (default http://127.0.0.1:8000).

Needs Playwright (a dev dependency) and Debian's Chromium at /usr/bin/chromium, as the
browser tests do. Writes docs/screenshots/*.png at 1280 pixels wide."""

import sys
from pathlib import Path

from demo.accounts import DEMO_PASSWORD

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"

# file name, signed in as (None: anonymous), path, height in pixels (None: the whole page)
SHOTS = [
    ("home-nl", None, "/nl/", 1000),
    ("catalogue-search-nl", None, "/nl/innovations/?q=zonne", 1300),
    ("leaderboard-nl", None, "/nl/ranking/", 1400),
    ("map-nl", None, "/nl/ranking/map/", 1050),
    ("scorecard-en", None, "/en/ranking/oost-gelre/", None),
    ("dashboard-buyer-nl", "inkoper", "/nl/dashboard/", 1300),
    ("review-queue-en", "beoordelaar", "/en/review/", 1100),
]


def main(base_url: str) -> None:
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        for name, username, path, height in SHOTS:
            page = browser.new_page(viewport={"width": 1280, "height": height or 900})
            if username is not None:
                page.goto(f"{base_url}/nl/accounts/login/")
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", DEMO_PASSWORD)
                page.locator("main form button[type=submit]").click()
                page.wait_for_load_state()
            page.goto(base_url + path)
            page.screenshot(path=OUTPUT / f"{name}.png", full_page=height is None)
            page.close()
            print(f"{name}.png  {path}")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000")
