"""The hand-made city of ``sample.py`` plus one department that spent only the year before:
市文化局 (004) paid 50,000 on 2024-03-01 (功能 2070101, 经济 30202) and nothing in 2025."""
from __future__ import annotations

from pathlib import Path

from budgetwatch.ingest import load as load_module
from budgetwatch.queries.store import Store
from tests.dashboard import sample


def build(data_dir: Path, *, daily: bool = False) -> Store:
    """The city in ``data_dir``; with ``daily``, payments_daily made and stamped as a load does."""
    sample.build(data_dir)
    store = Store(data_dir)
    with store.writer("test") as w:
        w.con.execute("INSERT INTO departments VALUES ('004', '市文化局', NULL, NULL, 1, NULL)")
        w.con.execute("""INSERT INTO payments (voucher_no, pay_date, dept_code, func_code, econ_code, fund_type,
                         payee, amount, load_id) VALUES ('V2404', '2024-03-01', '004', '2070101', '30202',
                         '一般公共预算', '某剧团', 50000, 3)""")
        if daily:
            load_module.refresh_daily(w.con, None, None)
        w.touch()
    return store
