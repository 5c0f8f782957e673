"""What the comparison page shows, made from ``queries.compare.CompareData`` (pure: no data
asked here): the heat table's cells, the node's series year by year, the items side by side."""
from __future__ import annotations

import pandas as pd

from budgetwatch.queries import compare as qc


def heat(data: qc.CompareData) -> pd.DataFrame:
    """Cumulative spending at each month's end, year by year, and the execution rate (÷ the
    year's adjusted budget). Months not reached yet are NaN: the as-of month for the year of
    the view, the last month with payments for a later year still running.

    Columns: year, month, cumulative, adjusted (yuan), rate.
    """
    months, budget = data.months, data.budget
    adjusted = dict(zip(budget["year"], budget["adjusted"]))
    last_year = max(data.years) if data.years else None
    rows = []
    for y in data.years:
        part = months[months["year"] == y]
        spent = dict(zip(part["month"], part["spent"]))
        if y == data.year:
            stop = data.as_of.month
        elif y == last_year and y > data.year:
            stop = int(part["month"].max()) if len(part) else 0
        else:
            stop = 12
        running = 0.0
        adj = float(adjusted.get(y, 0.0) or 0.0)
        for m in range(1, 13):
            running += float(spent.get(m, 0.0))
            cum = running if m <= stop else float("nan")
            rows.append({"year": int(y), "month": m, "cumulative": cum, "adjusted": adj,
                         "rate": cum / adj if adj > 0 and m <= stop else float("nan")})
    return pd.DataFrame(rows, columns=["year", "month", "cumulative", "adjusted", "rate"])


def has_year(data: qc.CompareData, year: int) -> bool:
    """Whether ``year`` holds any payment (else its comparison reads 无上年数据)."""
    return bool((data.months["year"] == year).any())


def series(data: qc.CompareData, node: qc.Node) -> pd.DataFrame:
    """The node year by year: its adjusted budget and what it spent from 1 January to the
    view's month and day. Columns: year, adjusted, spent (yuan), rate."""
    items = data.items
    if node.is_leaf:
        items = items[items["code"] == node.path[-1]]
    spent = items.groupby("year")["spent"].sum()
    adjusted = dict(zip(data.budget["year"], data.budget["adjusted"]))
    rows = []
    for y in data.years:
        adj = float(adjusted.get(y, 0.0) or 0.0)
        s = float(spent.get(y, 0.0))
        rows.append({"year": int(y), "adjusted": adj, "spent": s if has_year(data, y) else float("nan"),
                     "rate": s / adj if adj > 0 and has_year(data, y) else float("nan")})
    return pd.DataFrame(rows, columns=["year", "adjusted", "spent", "rate"])


def items_wide(data: qc.CompareData) -> pd.DataFrame:
    """The level's items side by side: spent in the period per year (columns ``y2024``…), the
    change of the view's year on the year before and its growth. ``no_prior`` marks a table
    whose year before holds no payment (change and growth NaN: 无上年数据, not 0.00).
    Ordered by the view's year's spending, largest first."""
    items = data.items
    years = list(data.years)
    cols = [f"y{y}" for y in years]
    if items.empty:
        return pd.DataFrame(columns=["code", "name", "drillable", *cols, "change", "growth", "no_prior"])
    wide = items.pivot_table(index="code", columns="year", values="spent", aggfunc="sum")
    wide = wide.reindex(columns=years)
    for y in years:
        if not has_year(data, y):
            wide[y] = float("nan")
        else:
            wide[y] = wide[y].fillna(0.0)
    wide.columns = cols
    first = items.drop_duplicates("code").set_index("code")
    out = wide.reset_index()
    out.insert(1, "name", out["code"].map(first["name"]))
    out.insert(2, "drillable", out["code"].map(first["drillable"]).astype(bool))
    y, prior = data.year, data.year - 1
    held = has_year(data, prior) and prior in years
    if held and f"y{y}" in out:
        out["change"] = out[f"y{y}"] - out[f"y{prior}"]
        out["growth"] = out["change"] / out[f"y{prior}"].where(out[f"y{prior}"] > 0)
    else:
        out["change"] = out["growth"] = float("nan")
    out["no_prior"] = not held
    key = f"y{y}" if f"y{y}" in out else cols[-1]
    return out.sort_values([key, "code"], ascending=[False, True], na_position="last").reset_index(drop=True)
