"""Accounts limited to some departments read only those departments' rows — everywhere."""
from __future__ import annotations

import json
import re

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.app import create_app
from budgetwatch.queries.flags import computed_flags
from budgetwatch.queries.rules.config import load_thresholds
from budgetwatch.queries.store import Store, current_scope, scoped
from tests.conftest import signed_in_client
from tests.dashboard import sample


def test_a_scoped_reader_sees_only_the_departments_units(data_dir):
    store = Store(sample.build(data_dir))
    with scoped(["001"]):
        assert current_scope() == ("001",)
        with store.reader() as con:
            depts = sorted(r[0] for r in con.execute("SELECT dept_code FROM departments").fetchall())
            pays = con.execute("SELECT DISTINCT dept_code FROM payments ORDER BY 1").fetchall()
            joined = con.execute("SELECT count(*) FROM payments p JOIN departments d USING (dept_code)").fetchone()
    assert depts == ["001", "001001", "001001001"]           # the department and the two levels under it
    assert [r[0] for r in pays] == ["001", "001001", "001001001"]
    assert joined[0] > 0
    assert current_scope() == ()
    with store.reader() as con:                                # outside the scope: everything
        assert con.execute("SELECT count(DISTINCT dept_code) FROM departments").fetchone()[0] == 6


def test_flags_are_cached_per_scope(data_dir):
    store = Store(sample.build(data_dir))
    th = load_thresholds(data_dir)
    everything, _, _ = computed_flags(store, 2025, "2025-06-30", thresholds=th)
    with scoped(["003"]):
        mine, _, cached = computed_flags(store, 2025, "2025-06-30", thresholds=th)
    assert not cached
    assert set(mine["dept_code"].dropna()) <= {"003"}
    assert len(everything) > len(mine)


def decoded(res) -> str:
    """A callback's JSON answer as text with every character as itself."""
    assert res.status_code == 200, res.get_data(as_text=True)[:300]
    return json.dumps(json.loads(res.get_data(as_text=True)), ensure_ascii=False)


def test_a_limited_member_gets_only_their_department_over_http(data_dir):
    sample.build(data_dir)
    app = create_app(data_dir)
    client = signed_in_client(app, data_dir, "district", "member", depts=["002"])
    deps = client.get("/_dash-dependencies").get_json()
    [dep] = [d for d in deps if "overview-year.options" in d["output"]]

    def spec(text_id):
        cid, prop = text_id.rsplit(".", 1)
        return {"id": json.loads(cid) if cid.startswith("{") else cid, "property": prop}

    payload = {"output": dep["output"], "outputs": [spec(o) for o in dep["output"].strip(".").split("...")],
               "inputs": [{"id": ids.Overview.YEAR, "property": "value", "value": 2025},
                          {"id": ids.Overview.AS_OF, "property": "date", "value": "2025-06-30"}],
               "state": [{"id": ids.Frame.URL, "property": "search", "value": ""}],
               "changedPropIds": [f"{ids.Overview.YEAR}.value"]}
    # Decoded before asserting: the raw body escapes non-ASCII (\u5e02...), so a "not in" on it
    # would pass even if every department leaked.
    body = decoded(client.post("/_dash-update-component", json=payload))
    assert "市卫生健康委员会" in body
    assert "市教育局" not in body and "市交通运输局" not in body
    # and the same request by an unlimited account shows every department
    full = signed_in_client(app, data_dir, "all-seeing", "member")
    assert "市教育局" in decoded(full.post("/_dash-update-component", json=payload))
    assert current_scope() == ()


def test_a_limited_member_downloads_only_their_vouchers(data_dir):
    sample.build(data_dir)
    app = create_app(data_dir)
    client = signed_in_client(app, data_dir, "district2", "member", depts=["002"])
    res = client.get("/download/exec-vouchers.csv?year=2025&as_of=2025-12-31&by=dept&vouchers=1")
    assert res.status_code == 200, res.get_data(as_text=True)[:300]
    body = res.get_data(as_text=True)
    vouchers = set(re.findall(r"V2\d{3}", body))
    assert vouchers and vouchers <= {"V2505", "V2506"}   # 002 and 002001 only


def test_tables_made_at_load_are_scoped_too(tmp_path, data_dir):
    """The demo city loaded for real: payments_daily, year_summary and flag_cache exist."""
    from budgetwatch.cmd_demo import load_demo
    store = Store(data_dir)
    load_demo(store, scale=0.2, out=open("/dev/null", "w"))
    th = load_thresholds(data_dir)
    with store.reader() as con:
        assert con.execute("SELECT count(*) FROM payments_daily").fetchone()[0] > 0
    everything, _, _ = computed_flags(store, 2025, None, thresholds=th)
    with scoped(["001"]):
        with store.reader() as con:
            assert {r[0][:3] for r in con.execute("SELECT DISTINCT dept_code FROM payments_daily").fetchall()} == {"001"}
        mine, _, _ = computed_flags(store, 2025, None, thresholds=th)
    assert 0 < len(mine) < len(everything)
    assert set(mine["dept_code"].dropna().str[:3]) == {"001"}


def test_a_scoped_reader_sees_only_its_units_projects_and_their_reports(tmp_path):
    from tests.rules.conftest import load_fixture_module

    d = load_fixture_module().Data(tmp_path / "data")
    d.dept("001", "市教育局").dept("001001", "市一中", parent="001").dept("002", "市卫健委")
    d.project("XM-A", "001001").project("XM-B", "002")
    d.report("XM-A", "2025-06-30", plan=10, done=5).report("XM-B", "2025-06-30", plan=10, done=5)
    d.vote("XM-A", members=30, satisfied=20).vote("XM-B", members=30, satisfied=20)
    d.publish()
    store = Store(d.path)
    with scoped(["001"]), store.reader() as con:
        seen = {t: [r[0] for r in con.execute(f"SELECT DISTINCT project_code FROM {t} ORDER BY 1").fetchall()]
                for t in ("projects", "project_progress", "project_evaluation")}
    assert seen == {"projects": ["XM-A"], "project_progress": ["XM-A"], "project_evaluation": ["XM-A"]}
    with store.reader() as con:
        assert con.execute("SELECT count(*) FROM project_progress").fetchone()[0] == 2
