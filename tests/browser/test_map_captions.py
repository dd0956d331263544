"""Every map says what it shows, next to it: metric and unit, level, data dates, sources and caveats."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from tests.browser.chrome import graph, paths, wait


def _caption(driver, graph_id: str) -> str:
    """The caption in the same box as the graph ``graph_id`` (sources opened)."""
    return driver.execute_script(
        "const box = document.getElementById(arguments[0]).closest('.map');"
        "const caption = box && box.querySelector('.map-caption');"
        "if (!caption) return '';"
        "caption.querySelectorAll('details').forEach(d => d.open = true);"
        "return caption.innerText;",
        graph_id,
    )


def _has_everything(text: str, *words: str) -> None:
    for word in (*words, "01.01.2022", "Джерела", "Держстат", "наближені"):
        assert word in text, (word, text)


def test_every_map_has_its_caption_beside_it(server, browser):
    browser.get(server + "uk/")
    wait(browser, lambda d: paths(d, "overview-map") >= 27)
    _has_everything(_caption(browser, "overview-map"), "Працівників на 10 тис. мешканців, на 10 тис.", "за областями")

    browser.get(server + "uk/map?level=hromada&metric=gap_fte&oblast=UA74000000000025378")
    wait(browser, lambda d: paths(d, "map-graph") > 40)
    text = _caption(browser, "map-graph")
    _has_everything(text, "Дефіцит посад до нормативу, посад", "за громадами", "Чернігівська", "ВПО — 30.04.2025")
    assert "оцінена" in text  # the IDP figures of hromadas are estimated

    browser.get(server + "uk/scenarios")
    wait(browser, lambda d: paths(d, "scenario-map") >= 27)
    _has_everything(_caption(browser, "scenario-map"), "Дефіцит посад до нормативу: зміна (Після − До)", "за областями")
    title = graph(browser, "scenario-map")["coloured"][0]["title"]
    assert "()" not in title and "Дефіцит посад" in title, title

    browser.get(server + "uk/funding")
    prompt = "return (document.getElementById('funding-map') || {}).textContent || ''"
    wait(browser, lambda d: "Розрахувати план" in d.execute_script(prompt))  # a prompt, not empty axes
    browser.find_element(By.ID, "funding-run").click()
    wait(browser, lambda d: paths(d, "funding-map") > 1400, timeout=180)
    _has_everything(_caption(browser, "funding-map"), "Профінансовано посад, посад", "за громадами")
