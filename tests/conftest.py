"""Tiny hand-checkable fixtures: two oblasts, three raions, five hromadas."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.fixtures import H1, H2, H3, H4, H5, O1, O2, R1, R2, R3


def pytest_configure(config):
    """The traceback of every failed try that a rerun then passed is printed (a flaky test's cause on record).

    Set here, not in pytest.ini, so that ``-p no:rerunfailures`` still runs."""
    if config.pluginmanager.hasplugin("rerunfailures") and hasattr(config.option, "rerun_show_tracebacks"):
        config.option.rerun_show_tracebacks = True


@pytest.fixture
def units() -> pd.DataFrame:
    rows = [
        (O1, "UA05", "oblast", "Вінницька", "Vinnytska", None, O1, None),
        (O2, "UA07", "oblast", "Волинська", "Volynska", None, O2, None),
        (R1, "UA0502", "raion", "Вінницький", "Vinnytskyi", None, O1, R1),
        (R2, "UA0504", "raion", "Гайсинський", "Haisynskyi", None, O1, R2),
        (R3, "UA0702", "raion", "Володимирський", "Volodymyrskyi", None, O2, R3),
        (H1, "UA0502001", "hromada", "Агрономічна", "Ahronomichna", "rural", O1, R1),
        (H2, "UA0502003", "hromada", "Вінницька", "Vinnytska", "urban", O1, R1),
        (H3, "UA0504001", "hromada", "Гайсинська", "Haisynska", "urban", O1, R2),
        (H4, "UA0702001", "hromada", "Березівська", "Berezivska", "rural", O2, R3),
        (H5, "UA0702003", "hromada", "Володимирська", "Volodymyrska", "urban", O2, R3),
    ]
    return pd.DataFrame(
        rows, columns=["code", "pcode", "level", "name_uk", "name_en", "hromada_type", "oblast_code", "raion_code"]
    )


@pytest.fixture
def hromadas() -> pd.DataFrame:
    """Five hromadas; H4 has no IDP figure and H5 no social worker."""
    nan = float("nan")
    return pd.DataFrame(
        {
            "code": [H1, H2, H3, H4, H5],
            "population": [10_000.0, 40_000.0, 30_000.0, 20_000.0, 5_000.0],
            "idp": [0.0, 10_000.0, 5_000.0, nan, 5_000.0],
            "social_work_specialist_approved": [2.0, 6.0, 3.0, 2.0, 1.0],
            "social_work_specialist_filled": [1.0, 5.0, 3.0, 2.0, 0.0],
            "social_worker_approved": [1.0, 3.0, 1.0, 1.0, 0.0],
            "social_worker_filled": [1.0, 3.0, 1.0, 0.0, 0.0],
            "psychologist_approved": [0.0, 2.0, 1.0, 0.0, 0.0],
            "psychologist_filled": [0.0, 1.0, 1.0, 0.0, 0.0],
            "families_sjo": [50.0, 200.0, 150.0, 100.0, 30.0],
            "low_income_families": [30.0, 120.0, 90.0, 60.0, 20.0],
            "idp_estimated": [False, True, True, False, True],
        }
    )


@pytest.fixture(scope="session")
def demo():
    """The embedded demo dataset, loaded once per test session (never change it: every test shares it)."""
    from loaders import load_demo

    return load_demo()
