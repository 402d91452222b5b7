"""Screenshots of the main pages at desktop and phone width, to look at what users see.

    .venv/bin/python tools/screenshots.py http://127.0.0.1:8000 var/screenshots [--user coordinator] [--lang sq]

Needs a running server with the demo loaded (`make run`) and Debian's chromium.
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = [
    ("home", "/"),
    ("plan", "/plan/AL-NSM-2024-2030/"),
    ("indicators", "/plan/AL-NSM-2024-2030/indicators/"),
    ("import", "/plan/import/"),
    ("reference-gcm", "/reference/gcm/"),
    ("institutions", "/accounts/institutions/"),
]
WIDTHS = {"desktop": 1280, "phone": 390}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("out", type=Path)
    parser.add_argument("--user", default="coordinator")
    parser.add_argument("--password", default="nsm-demo-2024")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--full", action="store_true", help="whole pages, not the first screen")
    parser.add_argument("--extra", nargs="*", default=[], help="more paths to capture")
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    pages = PAGES + [(path.strip("/").replace("/", "-"), path) for path in options.extra]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for label, width in WIDTHS.items():
            context = browser.new_context(
                base_url=options.base_url, viewport={"width": width, "height": 900}, locale=options.lang
            )
            page = context.new_page()
            page.goto("/accounts/login/")
            page.fill("#id_username", options.user)
            page.fill("#id_password", options.password)
            page.press("#id_password", "Enter")
            page.wait_for_load_state()
            for name, path in pages:
                page.goto(path)
                page.screenshot(path=options.out / f"{name}-{label}.png", full_page=options.full)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
