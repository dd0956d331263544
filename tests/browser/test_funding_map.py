"""The Funding map frames the hromadas that get money, not the whole country."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from tests.browser.chrome import paths, wait

_VIEW = """
const gd = document.querySelector('#funding-map .js-plotly-plot');
if (!gd || !gd._fullLayout || !gd._fullLayout.geo || !gd._fullData || gd._fullData.length < 3) return null;
const layer = gd._fullData[0];
const funded = Array.from(layer.locations).filter((code, i) => layer.z[i] > 0);
return {lon: gd._fullLayout.geo.lonaxis.range, lat: gd._fullLayout.geo.lataxis.range, funded: funded};
"""


def test_the_funding_map_zooms_to_where_money_goes(server, browser, demo):
    browser.get(server + "uk/funding")
    budget = wait(browser, lambda d: d.find_element(By.ID, "funding-budget"))
    budget.clear()
    budget.send_keys("40 000")  # a few vacancies filled (recruitment costs only): a hromada or two
    browser.find_element(By.ID, "funding-run").click()
    wait(browser, lambda d: paths(d, "funding-map") > 1400, timeout=180)
    view = wait(browser, lambda d: (v := d.execute_script(_VIEW)) and v["funded"] and v, timeout=60)

    shapes = demo.boundaries["hromada"]
    west, south, east, north = shapes[shapes["code"].isin(view["funded"])].total_bounds
    country = shapes.total_bounds
    (lon0, lon1), (lat0, lat1) = view["lon"], view["lat"]
    assert lon0 <= west and east <= lon1 and lat0 <= south and north <= lat1, (view, (west, south, east, north))
    # the frame is the funded hromadas' with a margin, not Ukraine's 18 degrees of longitude
    assert lon1 - lon0 <= max(1.25 * (east - west), 1.0) + 1e-6
    assert lon1 - lon0 < 0.8 * (country[2] - country[0]), view


def test_the_plan_download_says_why_it_cannot_act_before_a_plan(server, browser, tmp_path):
    browser.delete_all_cookies()  # a new user: no plan yet
    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    browser.get(server + "uk/funding")
    wait(browser, lambda d: d.find_element(By.ID, "funding-download-button")).click()
    wait(browser, lambda d: "Спершу розрахуйте план" in d.find_element(By.ID, "funding-download-status").text)
    assert not list(tmp_path.glob("*.xlsx"))
