"""The period selector in a real browser: a shared link opens its period, a choice redraws and goes into the URL."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from tests.browser.chrome import paths, pick, wait


def _text(driver) -> str:
    return driver.execute_script("return document.body.innerText")


def test_a_period_link_and_the_selector_serve_that_period(server, browser):
    browser.get(server + "en/map?metric=delta_workers&period=2024-Q4")
    wait(browser, lambda d: paths(d, "map-graph") >= 27, timeout=180)  # a cold start reads two periods
    wait(browser, lambda d: "Change from 2024-Q3 to 2024-Q4" in _text(d), timeout=120)
    assert "period=2024-Q4" in browser.current_url  # kept when the map writes its own state into the URL
    assert "2024-Q4" in browser.find_element(By.ID, "app-period").text
    pick(browser, "app-period", "2025-Q2")
    wait(browser, lambda d: "period=2025-Q2" in d.current_url, timeout=60)
    wait(browser, lambda d: "Change from 2025-Q1 to 2025-Q2" in _text(d), timeout=120)
    assert "metric=delta_workers" in browser.current_url
    browser.find_element(By.CSS_SELECTOR, "#app-nav a[href^='/en/profile']").click()
    wait(browser, lambda d: "/en/profile" in d.current_url and "period=2025-Q2" in d.current_url, timeout=60)
    assert "2025-Q2" in browser.find_element(By.ID, "app-period").text
