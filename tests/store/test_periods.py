from datetime import date

import pytest

from store import parse_period, quarters


@pytest.mark.parametrize("text", ["2025-Q2", "2025Q2", "2025-q2", "2К2025", "2Q2025"])
def test_quarters(text):
    p = parse_period(text)
    assert (p.label, p.start, p.end) == ("2025-Q2", date(2025, 4, 1), date(2025, 6, 30))


def test_dates_and_order():
    assert parse_period("2025-04-30").end == date(2025, 4, 30)
    assert parse_period("2025-04-30") < parse_period("2025-Q2") < parse_period("2025-Q3")
    assert parse_period("2024-Q4").end == date(2024, 12, 31)


def test_not_a_period():
    with pytest.raises(ValueError, match="neither a quarter .* nor a date"):
        parse_period("synthetic")


def test_quarter_ranges():
    assert [p.label for p in quarters("2024-Q3", "2025-Q2")] == ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"]
