"""The demo city (scale 0.2) loaded for real, plus one file of payments naming a company the
way people write it by hand: brackets, spaces, 有限责任公司 for 有限公司 — shared by the
search tests (loading it takes seconds)."""
from __future__ import annotations

import io

import pytest

from budgetwatch.queries.store import Store

SECURITY = "湘江市保安服务有限公司"                  # a demo payee and a state enterprise
VARIANTS = {"湘江市保安服务（有限责任公司）": "001001",   # the same company, as 市第一中学 wrote it
            "湘江市 保安服务有限公司": "003"}            # and as another department did
HEADER = '"voucher_no","pay_date","dept_code","func_code","econ_code","fund_type","payee","amount","payee_account","purpose"\n'


def extra_payments_file(folder) -> object:
    rows = [f'"XS2025-{i:04d}",2025-03-{10 + i:02d},"{dept}","2050204","30299","一般公共预算","{name}",'
            f'{1000 * (i + 1)}.00,"8001000000000000001","安保服务"\n'
            for i, (name, dept) in enumerate(VARIANTS.items())]
    path = folder / "09_payments_extra.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8-sig")
    return path


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Store:
    from budgetwatch.cmd_demo import load_demo
    from budgetwatch.ingest.pipeline import ingest_files

    data_dir = tmp_path_factory.mktemp("search") / "data"
    store = Store(data_dir)
    assert load_demo(store, scale=0.2, out=io.StringIO())
    [report] = ingest_files(store, "payments", [extra_payments_file(data_dir)], who="test")
    assert report.ok, report.as_dict()
    return store
