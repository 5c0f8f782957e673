"""The feed spec (ingest/spec.py) and the tables (queries/schema.sql) say the same thing."""
from budgetwatch.ingest.spec import AMOUNT, BOOL, COUNT, DATE, FEEDS, NUMBER, PERCENT, YEAR
from budgetwatch.queries.store import Store

KIND_TYPES = {AMOUNT: "DECIMAL(18,2)", NUMBER: "DECIMAL(18,2)", DATE: "DATE", YEAR: "INTEGER", BOOL: "BOOLEAN",
              PERCENT: "DECIMAL(18,2)", COUNT: "INTEGER"}


def test_every_feed_column_is_a_table_column_of_the_right_type(data_dir):
    with Store(data_dir).reader() as con:
        for feed in FEEDS.values():
            cols = dict(con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?",
                [feed.name]).fetchall())
            assert set(cols) == {c.name for c in feed.columns} | {"load_id", "extra"}, feed.name
            for c in feed.columns:
                assert cols[c.name] == KIND_TYPES.get(c.kind, "VARCHAR"), (feed.name, c.name)


def test_headers_are_unambiguous_within_a_feed():
    from budgetwatch.ingest.headers import normalize
    for feed in FEEDS.values():
        seen = {}
        for c in feed.columns:
            for h in c.headers:
                n = normalize(h)
                assert seen.setdefault(n, c.name) == c.name, (feed.name, h, seen[n], c.name)
