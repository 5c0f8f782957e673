"""Payees and names from feeds never become formulas in a downloaded CSV or XLSX (issue 17, item 8).

Every writer is checked: each table the dashboard's download route serves (streamed and
serialised, CSV and XLSX) and the CLI's ``export --table``, ``flags`` and ``reviews``.
A CSV cell is safe when it does not start with = + - @ tab CR (or is a plain number); an
XLSX cell when openpyxl does not read it as a formula ('f') and formula-like text carries
Excel's quote prefix.
"""
from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from budgetwatch.dashboard import formula_guard as fg
from budgetwatch.dashboard.tables import Export, to_csv_bytes, to_xlsx_bytes
from tests.conftest import cli, signed_in_client
from tests.security import hostile

STARTS = ("=", "+", "-", "@", "\t", "\r")
QUERY = "year=2025&as_of=2025-06-30"


def unsafe_csv_cells(text: str) -> list[str]:
    """Cells a spreadsheet would evaluate, in every line (the ``#`` context lines split at
    commas too), read the way a spreadsheet reads a CSV file."""
    bad = []
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))):
        for cell in row:
            if (len(cell) > 1 and cell.startswith(STARTS) and not fg._PLAIN_NUMBER_RE.match(cell)):
                bad.append(cell)
    return bad


def xlsx_cells(data: bytes) -> list:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def unsafe_xlsx_cells(data: bytes) -> list[str]:
    bad = []
    for c in xlsx_cells(data):
        if c.data_type == "f":
            bad.append(f"formula {c.coordinate}: {c.value!r}")
        elif isinstance(c.value, str) and fg.formula_like(c.value) and not c.quotePrefix:
            bad.append(f"no quote prefix {c.coordinate}: {c.value!r}")
    return bad


# -- the rule ----------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [*hostile.PAYEES.values(), hostile.ENTERPRISE[1], "\r=1+1", "=1", "-A1"])
def test_formula_starts_are_caught(value):
    assert fg.formula_like(value)
    assert fg.for_csv(value) == "'" + value


@pytest.mark.parametrize("value", ["-2", "-1,200.50", "+5%", "1e5", "-", "=", "市=教育局", "—", "'=1+1", " =1", "",
                                   -2, -2.5, None])
def test_numbers_and_look_alikes_are_left_alone(value):
    assert not fg.formula_like(value)
    assert fg.for_csv(value) == value


def test_a_frame_keeps_its_numbers_and_only_text_changes():
    frame = pd.DataFrame({"payee": ["=1+1", "-2", "某公司", None], "amount": [-2.0, 3.0, -1.5, 0.0],
                          "code": pd.array(["-2+3", "001", "@x", "y"], dtype="string")})
    out = fg.csv_frame(frame)
    assert list(out["payee"][:3]) == ["'=1+1", "-2", "某公司"] and pd.isna(out["payee"][3])
    assert out["amount"].dtype == "float64" and list(out["amount"]) == [-2.0, 3.0, -1.5, 0.0]
    assert list(out["code"]) == ["'-2+3", "001", "'@x", "y"]
    assert frame["payee"][0] == "=1+1"                       # the caller's frame is not changed


def test_an_arrow_batch_keeps_its_numbers_and_only_text_changes():
    batch = pa.RecordBatch.from_pydict({"payee": ["+cmd|' /C calc'!A0", "-2", None, "ok"],
                                        "amount": [-2.0, 1.0, 2.0, 3.0]})
    out = fg.csv_batch(batch)
    assert out.column(0).to_pylist() == ["'+cmd|' /C calc'!A0", "-2", None, "ok"]
    assert out.column(1).type == pa.float64() and out.column(1).to_pylist() == [-2.0, 1.0, 2.0, 3.0]
    assert fg.formula_like_rows(batch) == {0}


def test_the_page_table_writers_neutralise_cells_and_the_context():
    frame = pd.DataFrame({"收款人": list(hostile.PAYEES.values()) + ["-2"],
                          "金额（万元）": [-2.0, 1.0, 2.0, 3.0, 4.0, -2.0]})
    export = Export(frame, "测试", filters=[("部门", 'x,=HYPERLINK("http://evil.example")')], as_of="2025-06-30")
    text = to_csv_bytes(export).decode("utf-8-sig")
    assert unsafe_csv_cells(text) == []
    back = pd.read_csv(io.StringIO(text), comment="#")
    assert list(back["收款人"][:2]) == ["'" + hostile.PAYEES["V2501"], "'" + hostile.PAYEES["V2502"]]
    assert back["金额（万元）"].dtype == "float64" and back["金额（万元）"].iloc[0] == -2.0
    assert back["收款人"].iloc[-1] == -2 or back["收款人"].iloc[-1] == "-2"

    data = to_xlsx_bytes(export)
    assert unsafe_xlsx_cells(data) == []
    values = {c.value: c for c in xlsx_cells(data)}
    assert values[hostile.PAYEES["V2501"]].data_type == "s"            # the text as it is, marked text
    assert values[-2].data_type == "n"                                  # numbers stay numbers


# -- every download the dashboard serves ------------------------------------------------------
@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from budgetwatch.dashboard.app import create_app
    from budgetwatch.dashboard.tables import REGISTRY_KEY

    data_dir = hostile.build(tmp_path_factory.mktemp("hostile") / "data")
    app = create_app(data_dir)
    client = signed_in_client(app, data_dir, "formula_admin", "admin")
    return client, sorted(app.server.config[REGISTRY_KEY])


QUERIES = {   # the view a table needs to hold the hostile rows
    "exec-vouchers": QUERY + "&by=dept&vouchers=1",        # every voucher of the year
    "exec-level": QUERY + "&by=dept",
}


def test_every_download_of_every_table_is_formula_free(served):
    client, names = served
    assert len(names) >= 10
    seen = {"csv": "", "xlsx": []}
    for name in names:
        for kind in ("csv", "xlsx"):
            res = client.get(f"/download/{name}.{kind}?{QUERIES.get(name, QUERY)}")
            if res.status_code != 200:          # a table that needs a selection (a flag) answers 400
                assert res.status_code == 400, (name, kind, res.status_code)
                continue
            if kind == "csv":
                text = res.get_data().decode("utf-8-sig")
                assert unsafe_csv_cells(text) == [], name
                seen["csv"] += text
            else:
                assert unsafe_xlsx_cells(res.get_data()) == [], name
                seen["xlsx"] += [c.value for c in xlsx_cells(res.get_data())]
    # Not vacuous: the hostile payees and the enterprise went through both writers.
    for value in (hostile.PAYEES["V2501"], hostile.PAYEES["V2505"], hostile.ENTERPRISE[1]):
        assert value in seen["xlsx"]
        assert "'" + value.replace('"', '""') in seen["csv"]
    assert hostile.HARMLESS_PAYEE[1] in seen["xlsx"]


def test_a_filter_from_the_url_cannot_start_a_formula_in_the_context_block(served):
    client, _ = served
    res = client.get(f"/download/exec-vouchers.csv?{QUERY}&by=dept&path=001&grid=x,=1%2B1")
    assert res.status_code == 200 and unsafe_csv_cells(res.get_data().decode("utf-8-sig")) == []


# -- the CLI ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    return hostile.build(tmp_path_factory.mktemp("hostile_cli") / "data")


@pytest.mark.parametrize("table", ["vouchers", "flags", "departments"])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_table_exports_are_formula_free(hostile_dir, tmp_path, table, kind):
    """What ``budgetwatch export --table`` writes (its function, in process)."""
    from budgetwatch.dashboard.table_export import export_table
    from budgetwatch.queries.store import Store

    out = tmp_path / f"{table}.{kind}"
    assert export_table(Store(hostile_dir), table, {"year": "2025", "as_of": "2025-06-30"}, kind, out) > 0
    if kind == "csv":
        text = out.read_text(encoding="utf-8-sig")
        assert unsafe_csv_cells(text) == []
    else:
        assert unsafe_xlsx_cells(out.read_bytes()) == []
        text = str([c.value for c in xlsx_cells(out.read_bytes())])
    if table == "vouchers":
        assert "@SUM(1+1)" in text


def test_cli_export_table_is_formula_free(hostile_dir, tmp_path):
    out = tmp_path / "凭证.xlsx"
    r = cli("export", "--table", "vouchers", "--query", QUERY, "-o", out, data_dir=hostile_dir)
    assert r.returncode == 0, r.stderr
    assert unsafe_xlsx_cells(out.read_bytes()) == []
    assert hostile.PAYEES["V2501"] in [c.value for c in xlsx_cells(out.read_bytes())]


def test_cli_flags_csv_is_formula_free(hostile_dir):
    r = cli("flags", "--year", "2025", "--as-of", "2025-06-30", "--format", "csv", data_dir=hostile_dir)
    assert r.returncode == 0, r.stderr
    assert unsafe_csv_cells(r.stdout) == [] and len(r.stdout.splitlines()) > 2


def test_cli_audit_log_csv_is_formula_free(data_dir, tmp_path):
    """A failed login records the name typed at the door: anyone can put a formula there."""
    import argparse

    from budgetwatch.cmd_users import run_log
    from budgetwatch.queries import accounts

    accounts.log_event(data_dir, "=HYPERLINK(\"http://evil.example\")", "login", "@SUM(1+1)",
                       {"why": "+cmd"}, outcome="refused")
    out = tmp_path / "log.csv"
    run_log(argparse.Namespace(data_dir=data_dir, limit=10, action=None, actor=None, format="csv", output=out))
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'@SUM(1+1)" in text
    assert unsafe_csv_cells(text) == []
