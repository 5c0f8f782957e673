"""Hand-built data folders for the rule tests.

    d = Data(tmp_path)
    d.dept("001", "市教育局")
    d.pay("V1", "2025-03-04", "001", 120000, payee="某公司")
    d.publish()                      # a new generation through Store.writer, as a load does
    d.keys("DUPLICATE_PAYMENT")      # {"V2", ...}

Every value goes in as text and DuckDB casts it to the column's type, so amounts are exact.
``publish`` replaces the tables' contents, so a test can change rows and publish again.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import pandas as pd

from budgetwatch.queries.rules import compute_flags
from budgetwatch.queries.store import Store

COLUMNS = {
    "departments": ["dept_code", "dept_name", "parent_code", "region_code"],
    "budget": ["year", "dept_code", "func_code", "econ_code", "fund_type", "original_amount",
               "adjusted_amount", "project_code"],
    "payments": ["voucher_no", "pay_date", "dept_code", "func_code", "econ_code", "fund_type",
                 "payee", "amount", "payee_account", "purpose", "project_code"],
    "assets_enterprise": ["year", "enterprise_code", "enterprise_name", "supervisor_code",
                          "total_assets", "total_liabilities", "owner_equity", "revenue", "profit"],
    "assets_admin": ["year", "dept_code", "asset_category", "quantity", "book_value", "idle_value"],
    "audit_findings": ["finding_id", "audit_year", "audit_project", "dept_code", "category",
                       "description", "amount_involved", "deadline", "status",
                       "amount_rectified", "rectified_date"],
    "suggestions": ["suggestion_no", "year", "title", "field", "lead_deputy", "co_deputies", "priority",
                    "dept_code", "role", "assigned_date", "extended_to", "replied_date", "reply_class",
                    "promised_date", "satisfaction", "rating_source", "rated_date", "second_reply_date",
                    "closed_date"],
    "projects": ["project_code", "project_name", "dept_code", "category", "livelihood_year", "is_investment",
                 "target", "total_investment", "approved_estimate", "planned_start", "planned_finish",
                 "actual_start", "actual_finish", "funding_source"],
    "project_progress": ["project_code", "report_date", "year_plan", "year_completed", "total_completed",
                         "physical_progress", "status", "note"],
    "project_evaluation": ["year", "project_code", "members", "present", "satisfied", "basically_satisfied",
                           "unsatisfied", "abstained"],
    "debt": ["year", "region_code", "region_name", "debt_type", "limit_amount", "balance", "new_quota",
             "new_issued", "refinancing_issued", "principal_repaid", "interest_paid", "fiscal_capacity"],
}
FUND = "一般公共预算"


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


class Data:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self._voucher = 0

    # -- rows -----------------------------------------------------------------------
    def dept(self, code: str, name: str | None = None, parent: str | None = None) -> "Data":
        self.rows["departments"].append(
            {"dept_code": code, "dept_name": name or f"单位{code}", "parent_code": parent})
        return self

    def budget(self, dept: str, adjusted: Any, *, year: int = 2025, func: str = "2050202",
               econ: str = "30201", fund: str = FUND, original: Any = None, project: str | None = None) -> "Data":
        self.rows["budget"].append({
            "year": year, "dept_code": dept, "func_code": func, "econ_code": econ,
            "fund_type": fund, "original_amount": original if original is not None else adjusted,
            "adjusted_amount": adjusted, "project_code": project})
        return self

    def pay(self, voucher: str | None, date: str | dt.date, dept: str, amount: Any, *,
            payee: str = "某供应商", func: str = "2050202", econ: str = "30201",
            fund: str = FUND, project: str | None = None) -> "Data":
        if voucher is None:
            self._voucher += 1
            voucher = f"A{self._voucher:07d}"
        self.rows["payments"].append({
            "voucher_no": voucher, "pay_date": date, "dept_code": dept, "func_code": func,
            "econ_code": econ, "fund_type": fund, "payee": payee, "amount": amount, "project_code": project})
        return self

    def enterprise(self, code: str, year: int, *, assets: Any, liabilities: Any,
                   equity: Any = None, profit: Any = 0, name: str | None = None,
                   supervisor: str | None = None) -> "Data":
        if equity is None:
            equity = float(assets) - float(liabilities)
        self.rows["assets_enterprise"].append({
            "year": year, "enterprise_code": code, "enterprise_name": name or f"企业{code[-4:]}",
            "supervisor_code": supervisor, "total_assets": assets, "total_liabilities": liabilities,
            "owner_equity": equity, "revenue": None, "profit": profit})
        return self

    def asset(self, dept: str, category: str, *, book: Any, idle: Any, year: int = 2025) -> "Data":
        self.rows["assets_admin"].append({
            "year": year, "dept_code": dept, "asset_category": category, "quantity": None,
            "book_value": book, "idle_value": idle})
        return self

    def finding(self, fid: str, dept: str, category: str = "预算管理", *, audit_year: int = 2024,
                deadline: str = "2025-03-31", status: str = "未整改", involved: Any = 0,
                rectified: Any = 0) -> "Data":
        self.rows["audit_findings"].append({
            "finding_id": fid, "audit_year": audit_year, "audit_project": None, "dept_code": dept,
            "category": category, "description": None, "amount_involved": involved,
            "deadline": deadline, "status": status, "amount_rectified": rectified,
            "rectified_date": None})
        return self

    def suggestion(self, no: str, dept: str, role: str = "主办", *, year: int = 2025,
                   assigned: str = "2025-03-20", title: str | None = None, deputy: str = "王建国",
                   source: str = "代表本人", priority: str = "否", **dates_and_values: Any) -> "Data":
        """One handling row; other columns (replied_date, reply_class, satisfaction, ...) by name."""
        self.rows["suggestions"].append({
            "suggestion_no": no, "year": year, "title": title or f"关于{no}的建议", "field": "城建环资",
            "lead_deputy": deputy, "co_deputies": None, "priority": priority, "dept_code": dept, "role": role,
            "assigned_date": assigned, "rating_source": source, **dates_and_values})
        return self

    def project(self, code: str, dept: str = "001", *, name: str | None = None, start: str = "2025-01-01",
                finish: str = "2025-12-31", total: Any = 10_000_000, estimate: Any = None,
                livelihood: int | None = 2025, investment: bool = False, actual_start: str | None = None,
                actual_finish: str | None = None, category: str | None = "教育", target: str | None = None) -> "Data":
        self.rows["projects"].append({
            "project_code": code, "project_name": name or f"项目{code}", "dept_code": dept, "category": category,
            "livelihood_year": livelihood, "is_investment": "true" if investment else "false", "target": target,
            "total_investment": total, "approved_estimate": estimate, "planned_start": start,
            "planned_finish": finish, "actual_start": actual_start, "actual_finish": actual_finish,
            "funding_source": None})
        return self

    def report(self, code: str, date: str, *, plan: Any = 0, done: Any = 0, total_done: Any = None,
               progress: Any = None, status: str = "在建", note: str | None = None) -> "Data":
        self.rows["project_progress"].append({
            "project_code": code, "report_date": date, "year_plan": plan, "year_completed": done,
            "total_completed": total_done, "physical_progress": progress, "status": status, "note": note})
        return self

    def vote(self, code: str, *, members: int, present: int | None = None, satisfied: int = 0,
             basically: int = 0, unsatisfied: int = 0, abstained: int = 0, year: int = 2025) -> "Data":
        self.rows["project_evaluation"].append({
            "year": year, "project_code": code, "members": members,
            "present": present if present is not None else members, "satisfied": satisfied,
            "basically_satisfied": basically, "unsatisfied": unsatisfied, "abstained": abstained})
        return self

    def debt(self, region: str, debt_type: str = "一般债务", *, limit: Any, balance: Any, year: int = 2025,
             name: str | None = None, new_quota: Any = None, new_issued: Any = None,
             capacity: Any = None) -> "Data":
        self.rows["debt"].append({
            "year": year, "region_code": region, "region_name": name or f"地区{region}", "debt_type": debt_type,
            "limit_amount": limit, "balance": balance, "new_quota": new_quota, "new_issued": new_issued,
            "fiscal_capacity": capacity})
        return self

    # -- publishing and asking ----------------------------------------------------------
    def publish(self) -> "Data":
        with Store(self.path).writer("test") as w:
            for table, cols in COLUMNS.items():
                w.con.execute(f"DELETE FROM {table}")
                rows = self.rows.get(table)
                if not rows:
                    continue
                frame = pd.DataFrame([[_text(r.get(c)) for c in cols] for r in rows],
                                     columns=cols, dtype="object")
                w.con.register("incoming", frame)
                w.con.execute(f"INSERT INTO {table} BY NAME SELECT *, 1 AS load_id FROM incoming")
                w.con.unregister("incoming")
            w.touch()
        return self

    def flags(self, rules: Any = None, *, year: int = 2025, as_of: str | None = None,
              thresholds: dict | None = None) -> pd.DataFrame:
        if isinstance(rules, str):
            rules = [rules]
        with Store(self.path).reader() as con:
            return compute_flags(con, year, as_of=as_of, thresholds=thresholds, rules=rules)

    def keys(self, rule: str, **kw: Any) -> set[str]:
        return set(self.flags(rule, **kw)["entity_key"])

    def one(self, rule: str, key: str, **kw: Any) -> dict:
        f = self.flags(rule, **kw)
        hit = f[f["entity_key"] == key]
        assert len(hit) == 1, f"{rule} {key}: {len(hit)} flags in\n{f[['entity_key', 'message']]}"
        return hit.iloc[0].to_dict()
