"""queries/execution.py against a hand-built city (tests/dashboard/sample.py plus coded lines).

Added to the sample (2025): budget lines coded only to 类 205 and to 款 20502 (roll up by
prefix), a 2080101 line (another 类), and payments under 2080101 / 30211 and a refund.
"""
from __future__ import annotations

import datetime as dt

import pytest

from budgetwatch.queries import execution as q
from budgetwatch.queries.store import Store
from tests.dashboard import sample

AS_OF = dt.date(2025, 6, 30)


def build(data_dir):
    sample.build(data_dir)
    with Store(data_dir).writer("test") as w:
        w.con.executemany("INSERT INTO budget VALUES (2025, ?, ?, ?, '一般公共预算', ?, ?, 2, NULL, NULL)", [
            ("001", "205", "30201", 100_000, 100_000),            # 类 only
            ("001", "20502", "30211", 200_000, 300_000),          # 款 only
            ("002", "2080101", "30211", 1_000_000, 1_000_000),
        ])
        w.con.executemany(
            "INSERT INTO payments VALUES (?, ?, ?, ?, ?, '一般公共预算', ?, ?, NULL, ?, 3, NULL, NULL)", [
                ("V9001", "2025-03-01", "002", "2080101", "30211", "张三", 40_000, "差旅费"),
                ("V9002", "2025-03-02", "002001", "2080101", "30211", "李四", -1_000, "退回差旅费"),
                ("V9003", "2025-08-01", "002", "2080101", "30211", "王五", 5_000, "差旅费"),   # after as-of
            ])
        w.touch()
    return Store(data_dir)


@pytest.fixture
def store(data_dir):
    return build(data_dir)


def level(store, by, path, as_of=AS_OF):
    with store.reader() as con:
        return q.level(con, q.parse_node(by, path), 2025, as_of).set_index("code")


def test_parse_node_keeps_only_what_fits_the_tree():
    assert q.parse_node("func", "205.20502.2050202").path == ("205", "20502", "2050202")
    assert q.parse_node("func", "205.20602.2050202").path == ("205",)          # not a prefix
    assert q.parse_node("func", "2050.1").path == ()
    assert q.parse_node("func", "205.20502.2050202.9").is_leaf
    assert q.parse_node("dept", "001.001001.30201").path == ("001", "001001", "30201")
    assert q.parse_node("dept", "001.x'; DROP TABLE payments; --").path == ("001",)
    assert q.parse_node("evil", "205").by == "func"
    node = q.parse_node("func", "205.20502.2050202")
    assert node.child("2050203").key == "205.20502.2050203"    # a leaf's click goes to a sibling
    assert node.up().key == "205.20502"


def test_func_classes_roll_up_every_code_length(store):
    top = level(store, "func", "")
    # 205: sample 4,000,000 + 8,000,000 + 2,000,000 adjusted (all coded 2050202) + 100,000 + 300,000
    assert top.loc["205", "adjusted"] == 14_400_000
    assert top.loc["205", "original"] == 13_800_000
    assert top.loc["205", "spent"] == 5_810_000            # payments to 30 June, 2050202
    assert top.loc["205", "name"] == "教育支出"
    assert top.loc["208", "spent"] == 39_000              # 40,000 less a 1,000 refund; August left out
    assert top.loc["208", "rate"] == pytest.approx(0.039)
    assert list(top.index) == ["205", "208"]               # largest budget first


def test_func_subclasses_show_lines_not_itemised_as_their_own_child(store):
    kuan = level(store, "func", "205")
    assert kuan.loc["20502", "adjusted"] == 14_300_000
    assert kuan.loc["205", "adjusted"] == 100_000 and not kuan.loc["205", "drillable"]
    assert kuan.loc["205", "name"] == "教育支出（未细化）"
    xiang = level(store, "func", "205.20502")
    assert xiang.loc["2050202", "adjusted"] == 14_000_000 and xiang.loc["2050202", "drillable"]
    assert xiang.loc["20502", "adjusted"] == 300_000 and not xiang.loc["20502", "drillable"]
    # a leaf shows its siblings; its totals are its own row
    leaf = q.parse_node("func", "205.20502.2050202")
    with store.reader() as con:
        frame = q.level(con, leaf, 2025, AS_OF)
    assert q.node_totals(frame, leaf)["spent"] == 5_810_000


def test_departments_roll_units_up_through_the_parent_chain(store):
    top = level(store, "dept", "")
    assert top.loc["001", "adjusted"] == 4_400_000 and top.loc["001", "spent"] == 2_000_000
    assert top.loc["001", "name"] == "市教育局"
    assert top.loc["X99", "name"] == "X99" and top.loc["X99", "adjusted"] == 0   # unknown unit: itself
    units = level(store, "dept", "001")
    assert set(units.index) == {"001", "001001", "001001001"}
    assert units.loc["001001001", "spent"] == 1_400_000 and units.loc["001001001", "name"] == "市第一中学附属小学"
    econ = level(store, "dept", "002.002001")
    assert econ.loc["30201", "spent"] == 1_000_000 and econ.loc["30201", "name"] == "办公费"
    assert econ.loc["30211", "spent"] == -1_000


def test_monthly_curve_of_a_node(store):
    with store.reader() as con:
        frame = q.monthly(con, q.parse_node("dept", "001"), 2025, AS_OF)
    this = frame[frame["year"] == 2025].set_index("month")
    last = frame[frame["year"] == 2024].set_index("month")
    assert list(this.index) == [1, 2, 3, 4, 5, 6]
    assert this.loc[6, "cumulative"] == 2_000_000 and last.loc[12, "cumulative"] == 2_500_000


def test_vouchers_page_sorts_filters_and_counts_in_duckdb(store):
    node = q.parse_node("func", "")
    with store.reader() as con:
        frame, total = q.vouchers_page(con, node, 2025, AS_OF, start=0, end=3,
                                       sort_model=[{"colId": "amount", "sort": "asc"}])
        assert total == 9 and list(frame["voucher_no"]) == ["V9002", "V2508", "V9001"]
        frame, total = q.vouchers_page(con, node, 2025, AS_OF, start=3, end=5,
                                       sort_model=[{"colId": "amount", "sort": "asc"}])
        assert list(frame["voucher_no"]) == ["V2501", "V2502"]
        fm = {"amount": {"filterType": "number", "type": "inRange", "filter": 400_000, "filterTo": 1_000_000},
              "pay_date": {"filterType": "date", "type": "greaterThan", "dateFrom": "2025-03-01 00:00:00"}}
        frame, total = q.vouchers_page(con, node, 2025, AS_OF, filter_model=fm)
        assert total == 2 and set(frame["voucher_no"]) == {"V2502", "V2506"}
        fm = {"unit": {"filterType": "text", "operator": "OR", "conditions": [
            {"filterType": "text", "type": "contains", "filter": "医院"},
            {"filterType": "text", "type": "equals", "filter": "市交通运输局"}]}}
        _, total = q.vouchers_page(con, node, 2025, AS_OF, filter_model=fm)
        assert total == 3            # V2506 (市人民医院), V9002 (市人民医院), V2507 (市交通运输局)
        # a classification name finds its code
        fm = {"econ": {"filterType": "text", "type": "contains", "filter": "差旅"}}
        _, total = q.vouchers_page(con, node, 2025, AS_OF, filter_model=fm)
        assert total == 2
        # the node: department 002 and its units
        frame, total = q.vouchers_page(con, q.parse_node("dept", "002"), 2025, AS_OF)
        assert total == 4 and list(frame["voucher_no"])[:1] == ["V2506"]   # newest first by default
        _, total = q.vouchers_page(con, node, 2025, AS_OF, voucher="V2503")
        assert total == 1


def test_hostile_filter_and_sort_values_are_only_data(store):
    node = q.parse_node("func", "")
    hostile = "'); DROP TABLE payments; --"
    fm = {"payee": {"filterType": "text", "type": "contains", "filter": hostile},
          "amount": {"filterType": "number", "type": "equals", "filter": hostile},
          "pay_date": {"filterType": "date", "type": "inRange", "dateFrom": hostile, "dateTo": "x"},
          "x.amount; DROP TABLE payments": {"filterType": "text", "type": "contains", "filter": "1"},
          "purpose": {"filterType": "text", "type": "); DROP TABLE payments; --", "filter": "a"}}
    sort = [{"colId": "amount; DROP TABLE payments", "sort": "asc"}, {"colId": "payee", "sort": hostile}]
    with store.reader() as con:
        frame, total = q.vouchers_page(con, node, 2025, AS_OF, filter_model=fm, sort_model=sort)
        assert total == 0 and frame.empty
        _, total = q.vouchers_page(con, node, 2025, AS_OF, voucher=hostile)
        assert total == 0
    with store.reader() as con:
        assert con.execute("SELECT count(*) FROM payments").fetchone()[0] == 14


def test_grid_order_and_filters_use_only_whitelisted_sql():
    assert q.grid_order(None) == "x.pay_date DESC, x.voucher_no ASC"
    assert q.grid_order([{"colId": "bogus", "sort": "asc"}]) == "x.voucher_no ASC"
    params = q._Params()
    sql = q.grid_filters({"payee": {"filterType": "text", "type": "contains", "filter": "a'b"}}, params)
    assert "a'b" not in sql and params.values == {"f0": "a'b"}


def test_all_vouchers_for_the_download(store):
    with store.reader() as con:
        frame = q.vouchers_all(con, q.parse_node("func", "205"), 2025, AS_OF)
        assert len(frame) == 7
        assert len(q.vouchers_all(con, q.parse_node("func", "205"), 2025, AS_OF, max_rows=3)) == 3
