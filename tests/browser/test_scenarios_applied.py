"""Scenarios show what is applied: after leaving and coming back, after a reset, and bad numbers get a message."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from tests.browser.chrome import paths, wait

NORM = "scenario-norm-social_work_specialist"


def _value(driver, field_id: str) -> str:
    return driver.find_element(By.ID, field_id).get_attribute("value")


def _type(driver, field_id: str, text: str) -> None:
    from selenium.webdriver.common.keys import Keys

    field = driver.find_element(By.ID, field_id)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)  # as a user empties it (clear() fires no input event)
    if text:
        field.send_keys(text)


def _status(driver) -> str:
    return driver.find_element(By.ID, "scenario-status").text


def test_fields_show_the_applied_scenario_reset_and_bad_numbers(server, browser):
    browser.delete_all_cookies()  # a new user
    browser.get(server + "uk/scenarios")
    wait(browser, lambda d: paths(d, "scenario-map") >= 27)
    _type(browser, NORM, "3")
    _type(browser, "scenario-idp-percent", "20")
    browser.find_element(By.ID, "scenario-apply").click()
    wait(browser, lambda d: "застосовано" in _status(d))

    # leave and come back: the fields show what is applied
    browser.get(server + "uk/")
    wait(browser, lambda d: paths(d, "overview-map") >= 27)
    browser.get(server + "uk/scenarios")
    wait(browser, lambda d: _value(d, "scenario-idp-percent") == "20")
    assert _value(browser, NORM) == "3"

    # bad numbers: a message naming each field, not a Python error
    _type(browser, NORM, "-3")
    _type(browser, "scenario-hours", "")
    browser.find_element(By.ID, "scenario-apply").click()
    wait(browser, lambda d: "не менше 0" in _status(d))
    status = _status(browser)
    assert "Норматив, посад на 10 тис. осіб: фахівці" in status and "Годин на день (WISN)»: введіть число" in status
    assert "Error" not in status and "float" not in status and "()" not in status, status

    # reset: the defaults apply and the fields show them
    browser.find_element(By.ID, "scenario-reset").click()
    wait(browser, lambda d: "Типові" in _status(d))
    wait(browser, lambda d: _value(d, "scenario-idp-percent") == "0")
    assert _value(browser, NORM) == "1" and _value(browser, "scenario-hours") != ""


COST = "scenario-cost-social_work_specialist"


def test_amounts_are_typed_and_shown_grouped(server, browser):
    from selenium.webdriver.common.keys import Keys

    browser.delete_all_cookies()  # a new user
    browser.get(server + "uk/scenarios")
    wait(browser, lambda d: paths(d, "scenario-map") >= 27)
    assert _value(browser, COST) == "200\u00a0000"  # 200 000 UAH, grouped as Ukrainian writes it
    _type(browser, COST, "250 000")
    browser.find_element(By.ID, COST).send_keys(Keys.TAB)
    browser.find_element(By.ID, "scenario-apply").click()
    wait(browser, lambda d: "застосовано" in _status(d))
    browser.get(server + "uk/")
    browser.get(server + "uk/scenarios")
    wait(browser, lambda d: _value(d, COST) == "250\u00a0000")  # applied: 250 000 UAH a year
    _type(browser, COST, "двісті")
    browser.find_element(By.ID, COST).send_keys(Keys.TAB)
    browser.find_element(By.ID, "scenario-apply").click()
    wait(browser, lambda d: "⚠" in _status(d) and "Traceback" not in _status(d))
    browser.find_element(By.ID, "scenario-reset").click()
    wait(browser, lambda d: _value(d, COST) == "200\u00a0000")
