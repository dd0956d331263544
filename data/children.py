"""Children 0-17 by oblast: a cited fact table read from the State Statistics age publication.

``data/children_2022.csv`` holds, per oblast P-code, the resident
(постійне) population and the residents aged 0-17 on 1 January 2022 from
the State Statistics Service publication «Розподіл постійного населення
України за статтю та віком на 1 січня 2022 року» (table 3, "Resident
population by individual age groups and sex by region", all population).
The publication gives no estimate for the Autonomous Republic of Crimea and
Sevastopol (``…``): left empty, no data.

The atlas uses the share of children in each oblast
(``[population.children_share]`` in ``data/assumptions.toml``, rounded to
4 decimals from this table) to estimate children where a hromada table
gives none (:mod:`metrics.population`).

``python -m data.children --publication pop-permanent-2022.xlsx`` rebuilds
the CSV from the publication (a workbook of 67 sheets with bilingual
headers, title pages and ``…`` for not available).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["CHILDREN_CSV", "read_publication"]

HERE = Path(__file__).resolve().parent
CHILDREN_CSV = HERE / "children_2022.csv"
FACTS_CSV = HERE / "facts.csv"
_CITIES = {"київ": "UA80", "севастополь": "UA85"}


def _clean(value: object) -> str:
    text = "" if value is None else str(value)
    text = re.sub(r"^м\.\s*", "", text.strip().lower())
    return re.sub(r"\s+", " ", text.replace("\u2013", "-").replace("\u2014", "-"))


def _number(value: object) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return np.nan  # "…" (not available), "х" (not applicable)


def read_publication(path: str | Path) -> pd.DataFrame:
    """Oblast P-code, names, residents and residents aged 0-17 from the publication's table 3.

    Finds the sheet of table 3 by its title ("3. Чисельність постійного
    населення за окремими віковими групами"), the column headed 0-17 and
    the block "Усе населення / Total population" under it, and reads one row
    per region until the block ends. Regions are matched to P-codes by their
    Ukrainian name (``data/facts.csv``); Kyiv and Sevastopol by "м.".

    Raises ``ValueError`` when the table, the column or a region is not found.
    """
    from openpyxl import load_workbook

    names = pd.read_csv(FACTS_CSV, dtype=str)
    by_name = {_clean(n): p for n, p in zip(names["name_uk"], names["pcode"])}
    by_name |= _CITIES
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            rows = list(sheet.iter_rows(values_only=True))
            if not rows or not _clean(rows[0][0]).startswith("3. чисельність постійного населення за окремими"):
                continue
            column = None
            records = []
            block = False
            for row in rows:
                cells = [_clean(v) for v in row]
                if column is None:
                    hits = [i for i, c in enumerate(cells) if c.startswith("0-17")]
                    if hits:
                        column = hits[0]
                    continue
                if cells and cells[0].startswith("усе населення"):
                    block = True
                    continue
                if not block:
                    continue
                if not cells[0]:
                    break
                if cells[0] == "україна":
                    continue
                pcode = by_name.get(cells[0])
                if pcode is None:
                    raise ValueError(f"{path}: sheet {sheet.title!r}: region {row[0]!r} is not an oblast of facts.csv")
                records.append(
                    {
                        "pcode": pcode,
                        "residents_2022": _number(row[1]),
                        "children_0_17": _number(row[column]),
                    }
                )
            if column is None or not records:
                raise ValueError(f"{path}: sheet {sheet.title!r}: no 0-17 column or no 'Усе населення' block")
            table = pd.DataFrame.from_records(records)
            table = names[["pcode", "name_uk", "name_en"]].merge(table, on="pcode", how="left")
            return table
    finally:
        book.close()
    raise ValueError(f"{path}: no sheet of table 3 (population by age groups by region)")


def write_csv(table: pd.DataFrame, path: Path = CHILDREN_CSV) -> None:
    out = table.copy()
    for column in ("residents_2022", "children_0_17"):
        out[column] = out[column].astype("Int64")
    out.to_csv(path, index=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publication", required=True, help="pop-permanent-2022.xlsx (State Statistics)")
    parser.add_argument("--out", default=str(CHILDREN_CSV))
    args = parser.parse_args(argv)
    table = read_publication(args.publication)
    write_csv(table, Path(args.out))
    print(f"{args.out}: {int(table['children_0_17'].sum()):,} children 0-17 in {table['children_0_17'].notna().sum()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
