"""Take the README screenshots of every view of the demo in headless Chromium.

python docs/screenshot.py  (needs chromium and chromium-driver; starts the app itself)

Every page at 1440x900, and the map and the overview on a phone at 390x844
(``*_phone.png``).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # tests.browser.chrome


def _chrome(width: int, height: int):
    """Chromium as the tests start it (``tests.browser.chrome``), without scroll bars in the pictures."""
    from tests.browser.chrome import new_chrome

    return new_chrome(width, height, extra=("--hide-scrollbars",), network_log=False)


def main() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL)
    driver = _chrome(1440, 900)
    phone = _chrome(390, 844)
    try:
        deadline = time.monotonic() + 180  # a loaded machine starts the app in 30 s or more
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        base = f"http://127.0.0.1:{port}"
        count = "return document.querySelectorAll('#{} .choroplethlocation').length"

        quiet = "return !document.querySelector('.busy:not([hidden])')"

        def settled(d) -> None:  # no "please wait" bar of a late answer (assets/busy.js) in the picture
            WebDriverWait(d, 60).until(lambda x: x.execute_script(quiet))

        shots = [
            ("overview", "/uk/", "overview-map", 27),
            ("map", "/uk/map?level=hromada&metric=gap_fte", "map-graph", 1400),
            ("profile", "/en/profile?code=UA18080150000022496", None, 0),
            ("data", "/uk/data", None, 0),
            ("method", "/uk/method", None, 0),
        ]
        for name, path, graph, minimum in shots:
            driver.get(base + path)
            if graph:
                WebDriverWait(driver, 120).until(lambda d, g=graph, m=minimum: d.execute_script(count.format(g)) >= m)
            time.sleep(1.5)
            settled(driver)
            driver.save_screenshot(str(ROOT / "docs" / f"{name}.png"))
        driver.get(base + "/en/funding")
        WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "funding-run")).click()
        WebDriverWait(driver, 180).until(lambda d: d.execute_script(count.format("funding-map")) > 1400)
        time.sleep(1)
        settled(driver)
        driver.save_screenshot(str(ROOT / "docs" / "funding.png"))
        driver.get(base + "/uk/scenarios")
        field = WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "scenario-idp-percent"))
        field.clear()
        field.send_keys("50")
        driver.find_element(By.ID, "scenario-apply").click()
        WebDriverWait(driver, 60).until(lambda d: d.execute_script(count.format("scenario-map")) >= 27)
        time.sleep(1)
        settled(driver)
        driver.save_screenshot(str(ROOT / "docs" / "scenarios.png"))
        for name, path, graph in (("map_phone", "/uk/map", "map-graph"), ("overview_phone", "/uk/", "overview-map")):
            phone.get(base + path)
            WebDriverWait(phone, 60).until(lambda d, g=graph: d.execute_script(count.format(g)) >= 27)
            time.sleep(1.5)
            settled(phone)
            phone.save_screenshot(str(ROOT / "docs" / f"{name}.png"))
    finally:
        driver.quit()
        phone.quit()
        app.terminate()


if __name__ == "__main__":
    main()
