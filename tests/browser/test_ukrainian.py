"""Ukrainian everywhere under /uk/: page language, tab title, the widgets' own words, Plotly's mode bar, numbers."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from tests.browser.chrome import paths, wait

_DOCUMENT = "return [document.documentElement.lang, document.title];"
_MODEBAR = (
    "return Array.from(document.querySelectorAll('#' + arguments[0] + ' .modebar-btn'))"
    ".map(b => b.getAttribute('data-title'));"
)


def test_ukrainian_words_and_numbers_under_uk(server, browser):
    browser.get(server + "uk/map?level=oblast")
    wait(browser, lambda d: paths(d, "map-graph") >= 27)
    wait(browser, lambda d: d.execute_script(_DOCUMENT) == ["uk", "Карта — Атлас кадрів соціальної сфери України"])

    titles = browser.execute_script(_MODEBAR, "map-graph")
    assert "Зберегти у форматі PNG" in titles and not any("Download" in x for x in titles), titles

    # the table's own words (AG Grid's localeText): filter boxes, filter menu, pages
    inputs = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#map-table .ag-floating-filter input"))
    filters = [e.get_attribute("aria-label") for e in inputs]
    assert filters and all(p.endswith("Поле фільтра") for p in filters), filters
    paging = browser.find_element(By.CSS_SELECTOR, "#map-table .ag-paging-panel").get_attribute("textContent")
    assert "Сторінка" in paging and "Page" not in paging, paging

    browser.find_element(By.ID, "map-search").click()
    box = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "input[type=search], .dash-dropdown-search"))
    assert box.get_attribute("placeholder") == "Пошук", box.get_attribute("placeholder")
    box.send_keys("жжжжжж")
    wait(browser, lambda d: "Нічого не знайдено" in d.find_element(By.TAG_NAME, "body").text)

    # the overview's ranking axis: 1 000 000, not 1M
    browser.get(server + "uk/?metric=population")
    axis = "return Array.from(document.querySelectorAll('#overview-ranking .xtick text')).map(e => e.textContent);"
    wait(browser, lambda d: "Населення" in d.find_element(By.ID, "overview-ranking").text)
    ticks = wait(browser, lambda d: d.execute_script(axis))
    assert ticks and not any(x.endswith(("k", "M")) for x in ticks), ticks
    assert any("\u00a0" in x or " " in x for x in ticks), ticks

    # vacancy as a percentage in the profile
    browser.get(server + "uk/profile?code=UA18080150000022496")
    vacancy = (
        "const th = Array.from(document.querySelectorAll('#profile-body th'))"
        ".find(e => e.textContent.includes('Частка вакантних посад, %'));"
        "return th ? th.parentElement.querySelector('td').textContent : null;"
    )
    value = wait(browser, lambda d: d.execute_script(vacancy))
    assert float(value.replace(",", ".")) > 1 or value == "0,0", value  # 12,5 (per cent), not 0,125

    # a budget grouped as the user writes it; a bad one gets a message, not a Python error
    browser.get(server + "uk/funding")
    wait(browser, lambda d: d.find_element(By.ID, "funding-budget").get_attribute("value") == "60\u00a0000\u00a0000")
    budget = browser.find_element(By.ID, "funding-budget")
    budget.clear()
    budget.send_keys("двадцять\n")
    browser.find_element(By.ID, "funding-run").click()
    wait(browser, lambda d: "потрібне число" in d.find_element(By.ID, "funding-result").text)

    browser.get(server + "en/map")
    wait(browser, lambda d: d.execute_script(_DOCUMENT) == ["en", "Map — Social Service Workforce Atlas of Ukraine"])


def test_method_page_in_ukrainian_with_assumptions_as_a_table(server, browser):
    browser.get(server + "uk/method")
    body = wait(browser, lambda d: d.find_element(By.ID, "method-body").text)
    assert "Методика" in body and "із сум" in body and "How every figure" not in body
    table = browser.find_element(By.ID, "method-assumptions").text
    assert "Вага ВПО" in table and "200 000" in table.replace("\u00a0", " ") and "грн на рік" in table
    assert "[norm]" not in browser.find_element(By.TAG_NAME, "body").text  # no raw TOML dump


def test_the_data_pages_upload_report_says_each_problem_in_ukrainian(server, browser, tmp_path):
    """Under /uk/ the Data page's report of a return with one of each kind of row problem shows the
    messages in Ukrainian (not "expected a count, got a percentage"), each in its row and column, and the
    closest units in Ukrainian words; no English sentence anywhere in the report."""
    from tests.fixtures import EVERY_PROBLEM_STAFFING, english_phrases

    path = tmp_path / "return.csv"
    path.write_text(EVERY_PROBLEM_STAFFING, encoding="utf-8")
    browser.get(server + "uk/data")
    wait(browser, lambda d: d.find_element(By.ID, "data-upload"))
    browser.find_element(By.CSS_SELECTOR, "#data-kind input[value='staffing']").click()
    browser.find_element(By.CSS_SELECTOR, "#data-upload input[type=file]").send_keys(str(path))
    wait(browser, lambda d: "не прийнято" in d.find_element(By.ID, "data-report").text, timeout=60)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#data-errors .ag-row"))
    text = " ".join(browser.execute_script("return document.getElementById('data-report').textContent;").split())
    for words in (
        "очікується кількість, отримано відсоток «5%»",
        "очікується число, отримано «багато»",
        "код UA0502099 не відповідає жодній одиниці кодифікатора",
        "невідома посада «Космонавт»",
        "має бути ≥ 0, отримано -3; прочитано як «немає даних»",
        "рядок підсумків пропущено (не враховано як дані)",
        "Зайнято посад (у файлі: «Фактично зайнято»)",
        "громада, Вінницька область",
    ):
        assert words in text, (words, text)
    assert not english_phrases(text), english_phrases(text)
    row = (
        "return Array.from(document.querySelectorAll('#data-errors .ag-row'))"
        ".map(r => Array.from(r.querySelectorAll('.ag-cell')).map(c => c.textContent.trim()));"
    )
    rows = {cells[0]: cells[1:] for cells in browser.execute_script(row)}
    assert rows["3"] == ["Зайнято посад (у файлі: «Фактично зайнято»)", "очікується кількість, отримано відсоток «5%»"]
