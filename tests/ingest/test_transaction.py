"""The load's own transaction, on one connection inside one generation.

The pipeline also throws a failed load's generation away, which would hide a missing
BEGIN/ROLLBACK; here the failure is injected into ``apply`` on a connection that is kept, so
only the transaction stands between a half-applied upsert and the tables.
"""
from __future__ import annotations

import duckdb
import pytest

from budgetwatch.ingest import load as load_module
from budgetwatch.ingest.spec import FEEDS
from budgetwatch.queries.store import SCHEMA_SQL

PAY = FEEDS["payments"]


class Boom(Exception):
    pass


def _connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(SCHEMA_SQL)
    con.execute("""INSERT INTO payments VALUES ('V1', DATE '2025-03-01', '001', '2050202', '30201', '一般公共预算',
                   '甲公司', 100.00, NULL, NULL, 1, NULL, NULL)""")
    con.execute("""INSERT INTO loads (load_id, feed, file_name, sha256, file_format, sheet, unit, rows_read,
                   rows_inserted, rows_updated, rows_unchanged, rows_rejected, loaded_by, loaded_at)
                   VALUES (1, 'payments', 'a.csv', 'x', 'csv', NULL, '元', 1, 1, 0, 0, 0, 't', now())""")
    # What validation leaves: typed columns, extra, _ok. V1 changes amount (an update), V2 is new.
    con.execute("""CREATE TEMP TABLE staged AS SELECT * FROM (VALUES
                   ('V1', DATE '2025-03-01', '001', '2050202', '30201', '一般公共预算', '甲公司', 999.00::DECIMAL(18,2),
                    NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::JSON, true),
                   ('V2', DATE '2025-03-02', '001', '2050202', '30201', '一般公共预算', '乙公司', 50.00::DECIMAL(18,2),
                    NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::JSON, true))
                   t(voucher_no, pay_date, dept_code, func_code, econ_code, fund_type, payee, amount,
                     payee_account, purpose, project_code, extra, _ok)""")
    return con


def _state(con) -> tuple:
    return (con.execute("SELECT voucher_no, amount, load_id FROM payments ORDER BY 1").fetchall(),
            con.execute("SELECT load_id, file_name FROM loads ORDER BY 1").fetchall())


class _Failing:
    """A connection that fails the first statement starting with ``prefix``, after others ran."""

    def __init__(self, con, prefix: str):
        self.con, self.prefix, self.ran = con, prefix, []

    def execute(self, sql, *args):
        if sql.lstrip().startswith(self.prefix):
            raise Boom(self.prefix)
        self.ran.append(sql.split()[0])
        return self.con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.con, name)


@pytest.mark.parametrize("fail_at", ["INSERT INTO payments", "INSERT INTO loads", "COMMIT"])
def test_a_failure_inside_the_upsert_leaves_the_tables_as_they_were(fail_at):
    con = _connection()
    before = _state(con)
    proxy = _Failing(con, fail_at)
    with pytest.raises(Boom):
        load_module.apply(proxy, PAY, file_name="b.csv", sha256="y", file_format="csv", sheet=None, unit="元",
                          rows_read=2, rows_rejected=0, who="t")
    assert "DELETE" in proxy.ran            # the old V1 row had already been taken out
    assert _state(con) == before            # …and the transaction put it back
    # The connection is usable afterwards (no transaction left open).
    con.execute("INSERT INTO payments SELECT * REPLACE (3 AS load_id) FROM payments LIMIT 0")


def test_the_same_upsert_without_a_failure_applies_both_rows():
    con = _connection()
    applied = load_module.apply(con, PAY, file_name="b.csv", sha256="y", file_format="csv", sheet=None, unit="元",
                                rows_read=2, rows_rejected=0, who="t")
    assert (applied.inserted, applied.updated) == (1, 1)
    assert [r[:2] for r in _state(con)[0]] == [("V1", 999), ("V2", 50)]
