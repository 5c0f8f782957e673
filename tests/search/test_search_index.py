"""The search index (queries/search.py): ranking and grouping on the demo city, the same
company written two ways, code prefixes, unit names, scope, the live fallback."""
from __future__ import annotations

from budgetwatch.queries import search
from budgetwatch.queries.store import Store, scoped
from tests.dashboard import sample
from tests.search.conftest import SECURITY, VARIANTS


def _kind(frame, kind):
    return frame[frame["kind"] == kind].reset_index(drop=True)


def test_normalise_makes_one_of_brackets_spaces_widths_and_company_forms():
    assert search.normalise("湘江市保安服务（有限责任公司）") == search.normalise("湘江市 保安服务有限公司") \
        == search.normalise(SECURITY) == "湘江市保安服务有限公司"
    assert search.normalise("ＡＢＣ（湖南）科技") == "abc湖南科技"
    assert search.normalise("湘江市保安服务股份有限公司") != search.normalise(SECURITY)   # a look-alike stays apart
    assert search.normalise(" -（）· ") == ""


def test_a_load_leaves_the_index_ready_and_stamped(demo_store: Store):
    with demo_store.reader() as con:
        assert search.ensure(con) == "search_index"
        kinds = {r[0] for r in con.execute("SELECT DISTINCT kind FROM search_index").fetchall()}
    assert {"payee", "purpose", "dept", "unit", "func", "econ", "enterprise", "finding"} <= kinds


def test_a_payee_written_two_ways_is_found_by_either_spelling(demo_store: Store):
    with demo_store.reader() as con:
        for typed in (SECURITY, "湘江市保安服务（有限责任公司）", "保安服务 有限公司"):
            payees = set(_kind(search.suggest(con, typed, per_kind=50), "payee")["name"])
            assert {SECURITY, *VARIANTS} <= payees, typed
        same = search.same_payee_names(con, SECURITY)
    assert set(same["name"]) == set(VARIANTS)              # itself left out, the look-alike 股份 too


def test_exact_before_prefix_before_substring_then_by_amount(demo_store: Store):
    with demo_store.reader() as con:
        found = _kind(search.suggest(con, "湘江市保安服务有限公司", per_kind=50), "payee")
        inside = _kind(search.suggest(con, "保安服务", per_kind=50), "payee")
    assert list(found["rank"])[:3] == [0, 0, 0] and set(found["name"][:3]) == {SECURITY, *VARIANTS}
    assert list(found["rank"]) == sorted(found["rank"])
    assert len(inside) == inside["total"].iloc[0] > 3
    for rank, part in inside.groupby("rank"):
        assert list(part["amount"]) == sorted(part["amount"], reverse=True)


def test_codes_by_prefix_exact_first(demo_store: Store):
    with demo_store.reader() as con:
        found = _kind(search.suggest(con, "205"), "func")
        deeper = _kind(search.suggest(con, "2050", per_kind=100), "func")
        not_inside = _kind(search.suggest(con, "0502", per_kind=100), "func")
    assert found["key"].iloc[0] == "205" and found["rank"].iloc[0] == 0 and found["name"].iloc[0] == "教育支出"
    assert (found["rank"].iloc[1:] == 1).all()
    assert len(deeper) and all(k.startswith("2050") for k in deeper["key"])
    assert not any(k.startswith("205") for k in not_inside["key"])   # codes match from the start only


def test_a_unit_by_name_and_a_department_by_code(demo_store: Store):
    with demo_store.reader() as con:
        unit = _kind(search.suggest(con, "第一中学"), "unit")
        dept = _kind(search.suggest(con, "001"), "dept")
    assert unit["key"].iloc[0] == "001001" and unit["top_code"].iloc[0] == "001"
    assert dept["key"].iloc[0] == "001" and dept["rank"].iloc[0] == 0


def test_results_come_grouped_in_kind_order_with_at_most_per_kind(demo_store: Store):
    with demo_store.reader() as con:
        found = search.suggest(con, "教育", per_kind=3)
    kinds = list(dict.fromkeys(found["kind"]))
    assert kinds == [k for k in search.KINDS if k in kinds] and len(kinds) >= 3
    assert found.groupby("kind").size().max() <= 3
    assert (found.groupby("kind")["total"].first() >= found.groupby("kind").size()).all()


def test_a_voucher_number_by_prefix(demo_store: Store):
    with demo_store.reader() as con:
        one = _kind(search.suggest(con, "XS2025-0001"), "voucher")
        some = _kind(search.suggest(con, "XS2025"), "voucher")
        words = _kind(search.suggest(con, "保安"), "voucher")
    assert list(one["key"]) == ["XS2025-0001"] and one["rank"].iloc[0] == 0
    assert set(some["key"]) == {"XS2025-0000", "XS2025-0001"}
    assert words.empty


def test_a_limited_account_never_sees_another_departments_payee(demo_store: Store):
    with demo_store.reader() as con:
        only_elsewhere = con.execute("""
            SELECT payee FROM payments GROUP BY payee
            HAVING bool_and(NOT starts_with(dept_code, '001')) ORDER BY sum(amount) DESC LIMIT 1""").fetchone()[0]
        assert only_elsewhere in set(_kind(search.suggest(con, only_elsewhere), "payee")["name"])
    with scoped(["001"]):
        with demo_store.reader() as con:
            assert search.ensure(con) == "search_index"            # the scoped view of it
            assert _kind(search.suggest(con, only_elsewhere), "payee").empty
            mine = _kind(search.suggest(con, SECURITY, per_kind=50), "payee")
            assert "湘江市 保安服务有限公司" not in set(mine["name"])   # paid by 003 only
            assert "湘江市保安服务（有限责任公司）" in set(mine["name"])
            assert "湘江市 保安服务有限公司" not in set(search.same_payee_names(con, SECURITY)["name"])
            depts = _kind(search.suggest(con, "局"), "dept")
            mine_total = con.execute("SELECT sum(amount) FROM payments WHERE payee = ?", [SECURITY]).fetchone()[0]
            assert float(mine["amount"][mine["name"] == SECURITY].iloc[0]) == float(mine_total)
    assert set(depts["key"]) == {"001"}


def test_without_a_stamp_the_index_is_built_live_and_scoped(data_dir):
    store = Store(sample.build(data_dir))       # written directly, not by a load: no stamp
    with store.reader() as con:
        assert search.ensure(con) == "_search_live"
        assert set(_kind(search.suggest(con, "市"), "dept")["key"]) == {"001", "002", "003"}
    with scoped(["002"]):
        with store.reader() as con:
            assert set(_kind(search.suggest(con, "市"), "dept")["key"]) == {"002"}


def test_tables_other_modules_add_are_searched_once_they_exist(data_dir):
    store = Store(sample.build(data_dir))
    with store.reader() as con:
        assert _kind(search.suggest(con, "芙蓉"), "region").empty
    with store.writer("test") as w:
        w.con.execute("CREATE TABLE IF NOT EXISTS debt (year INTEGER, region_code VARCHAR, region_name VARCHAR)")
        w.con.execute("INSERT INTO debt (year, region_code, region_name, debt_type, limit_amount, balance, load_id) "
                      "VALUES (2025, '430102', '芙蓉区', '一般债务', 0, 0, 1)")
        search.build(w.con)
        w.touch()
    with store.reader() as con:
        assert search.ensure(con) == "search_index"
        assert list(_kind(search.suggest(con, "芙蓉"), "region")["key"]) == ["430102"]
        assert list(_kind(search.suggest(con, "4301"), "region")["key"]) == ["430102"]
