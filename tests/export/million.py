"""A data folder with a million payments, made in SQL (seconds, not a feed file)."""
from __future__ import annotations

from pathlib import Path

from budgetwatch.queries.store import Store


def make_million(data_dir: Path, rows: int = 1_000_000) -> Store:
    store = Store(data_dir)
    with store.writer(who="test") as w:
        w.con.execute("""
            INSERT INTO departments (dept_code, dept_name, parent_code, load_id)
            VALUES ('001', '湘江市教育局', NULL, 1), ('001001', '湘江市第一中学', '001', 1)""")
        w.con.execute("""
            INSERT INTO budget (year, dept_code, func_code, econ_code, fund_type, original_amount,
                                adjusted_amount, load_id)
            VALUES (2025, '001', '2050202', '30201', '一般公共预算', 1e9, 1e9, 1)""")
        w.con.execute("""
            INSERT INTO payments (voucher_no, pay_date, dept_code, func_code, econ_code, fund_type,
                                  payee, amount, purpose, load_id)
            SELECT printf('2025%010d', i), DATE '2025-01-01' + CAST(i % 360 AS INTEGER),
                   CASE WHEN i % 2 = 0 THEN '001' ELSE '001001' END, '2050202', '30201', '一般公共预算',
                   '湘江市金桥商贸有限责任公司', CAST((i % 100000) / 7.0 + 1 AS DECIMAL(18,2)),
                   '办公用品采购，第' || i || '笔', 1
            FROM range(?) t(i)""", [rows])
        w.touch()
    return store
