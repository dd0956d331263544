"""Take the README screenshot: the hromada map of the demo in headless Chromium.

python docs/screenshot.py  (needs chromium and chromium-driver; starts the app itself)
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL)
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--window-size=1400,860",
        "--hide-scrollbars",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        driver.get(f"http://127.0.0.1:{port}/")
        count = "return document.querySelectorAll('#dashboard-map .choroplethlocation').length"
        WebDriverWait(driver, 30).until(lambda d: d.execute_script(count) >= 27)
        driver.find_element(By.CSS_SELECTOR, "#dashboard-level input[value='hromada']").click()
        WebDriverWait(driver, 60).until(lambda d: d.execute_script(count) > 1400)
        time.sleep(1)
        driver.save_screenshot(str(ROOT / "docs" / "screenshot.png"))
    finally:
        driver.quit()
        app.terminate()


if __name__ == "__main__":
    main()
