"""The rules' SQL on Spark: a session, the lake's tables as views, and one translated statement.

Each rule's SQL is written once, in DuckDB's dialect (queries/rules/). For Spark it is
translated by sqlglot (``transpile(read="duckdb", write="spark")``) when first used and run
with ``spark.sql(text, args=…)``: the rule's ``$name`` parameters become Spark's ``:name``
named parameters, bound as values, never pasted into the text. Where a DuckDB form has no
Spark translation the rule's SQL was rewritten at the source into a form both engines read
the same (queries/rules/base.py says which forms are portable), so no rule exists twice.

pyspark is an optional dependency (the ``spark`` extra); this module imports it only when a
session is asked for, so everything else runs without Java.

The tables are the lake's (``queries/lake.py``): each ``feed=NAME`` folder is read with
Spark's own Parquet reader (partition folders discovered), its columns put back in the
manifest's order and types, derived partition columns (payments' year and month) dropped, and
registered as a temporary view under the table's name, so a rule reads ``payments`` on Spark
exactly as it does in DuckDB.
"""
from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import time
import warnings
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from budgetwatch.errors import BudgetwatchError
from budgetwatch.queries.lake import read_manifest

log = logging.getLogger("budgetwatch.spark")

DEFAULT_MASTER = "local[2]"
# Rules submitted at once: most of a small rule's time on Spark is scheduling, which overlaps.
DEFAULT_WORKERS = 4


class SparkUnavailable(BudgetwatchError, RuntimeError):
    """pyspark, sqlglot or Java is missing, or the session did not start."""


class SparkQueryError(BudgetwatchError, RuntimeError):
    """A statement failed on Spark; the message names the rule's statement and Spark's reason."""


# -- translation --------------------------------------------------------------------------
@functools.lru_cache(maxsize=256)
def to_spark(sql: str) -> str:
    """DuckDB SQL → Spark SQL. Unsupported constructs raise rather than translate loosely."""
    try:
        import sqlglot
        from sqlglot.errors import ErrorLevel
    except ImportError as exc:
        raise SparkUnavailable("缺少 sqlglot（pip install 'budgetwatch[spark]'） / sqlglot is missing "
                               "(pip install 'budgetwatch[spark]')") from exc
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
        # sqlglot drops the ORDER BY of an ordered list aggregate (Spark's collect_list has
        # none): refuse rather than return lists in another order. Portable form:
        # list_sort(list(x)), or list_transform(list_sort(list(struct_pack(k := …, v := x))), lambda e: e.v).
        for order in tree.find_all(exp.Order):
            if isinstance(order.parent, exp.ArrayAgg) or isinstance(order.parent.parent, exp.ArrayAgg):
                raise SparkQueryError("list(… ORDER BY …) 不能转换为 Spark，请改用 list_sort / an ordered "
                                      "list(… ORDER BY …) does not translate to Spark: use list_sort")
        out = tree.sql(dialect="spark", unsupported_level=ErrorLevel.RAISE)
    except SparkQueryError:
        raise
    except Exception as exc:     # sqlglot's ParseError / UnsupportedError
        raise SparkQueryError(f"SQL 无法转换为 Spark：{exc} / the SQL does not translate to Spark: {exc}") from exc
    return out


def spark_type(duckdb_type: str) -> str:
    """A DuckDB column type as Spark DDL (DECIMAL(18,2) → DECIMAL(18,2), VARCHAR → STRING)."""
    import sqlglot

    return sqlglot.exp.DataType.build(duckdb_type, dialect="duckdb").sql("spark")


def spark_value(value: Any) -> Any:
    """A bound parameter as Spark takes it: lists as arrays, decimals and dates as they are."""
    if isinstance(value, (list, tuple)):
        from pyspark.sql import functions as F

        return F.array(*[F.lit(v) for v in value]) if value else F.array().cast("array<string>")
    return value


# -- the session --------------------------------------------------------------------------
def session(master: str | None = None, app_name: str = "budgetwatch-rules", conf: Mapping[str, str] | None = None):
    """A SparkSession: ``master`` (``--spark-master``), else ``$SPARK_MASTER`` / the standard
    Spark configuration (spark-defaults.conf, ``spark-submit``), else ``local[2]``.

    The settings that make Spark answer as DuckDB does: dates and times in UTC, and ANSI mode
    off so that a division by zero gives NULL (DuckDB's answer) rather than an error, and
    ``to_json`` writing null fields as DuckDB does.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailable("缺少 pyspark（pip install 'budgetwatch[spark]'） / pyspark is missing "
                               "(pip install 'budgetwatch[spark]')") from exc
    builder = SparkSession.builder.appName(app_name)
    chosen = master or os.environ.get("SPARK_MASTER")
    if chosen:
        builder = builder.master(chosen)
    elif not os.environ.get("SPARK_CONF_DIR") and "spark.master" not in (conf or {}):
        builder = builder.master(DEFAULT_MASTER)
    settings = {
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.ansi.enabled": "false",
        "spark.sql.jsonGenerator.ignoreNullFields": "false",    # to_json keeps "x": null, as DuckDB
        "spark.sql.shuffle.partitions": os.environ.get("BUDGETWATCH_SPARK_PARTITIONS", "8"),
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.scheduler.mode": "FAIR",      # rules submitted together share the executors
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.memory": os.environ.get("BUDGETWATCH_SPARK_DRIVER_MEMORY", "2g"),
        **(conf or {}),
    }
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:     # Java missing, master unreachable: py4j / pyspark errors
        raise SparkUnavailable(f"Spark 会话无法启动：{str(exc).splitlines()[0][:300]} / "
                               f"the Spark session did not start: {str(exc).splitlines()[0][:300]}") from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def register_lake(spark, lake: str | os.PathLike) -> dict:
    """Every table of the lake as a temporary view named after it; returns the manifest."""
    lake = Path(lake)
    manifest = read_manifest(lake)
    for name, table in manifest["tables"].items():
        columns = [c for c in table["schema"] if not c.get("derived_from")]
        ddl = ", ".join(f"`{c['name']}` {spark_type(c['type'])}" for c in columns)
        folder = lake / table["path"]
        if table["rows"] == 0 or not any(folder.rglob("*.parquet")):
            frame = spark.createDataFrame([], ddl)
        else:
            raw = spark.read.option("mergeSchema", "false").parquet(str(folder))
            frame = raw.selectExpr(*[f"CAST(`{c['name']}` AS {spark_type(c['type'])}) AS `{c['name']}`"
                                     for c in columns])
        frame.createOrReplaceTempView(name)
    return manifest


def _pandas(frame) -> pd.DataFrame:
    """Spark's rows as DuckDB's ``.df()`` gives them: decimals as floats (DuckDB converts
    DECIMAL to float64), so messages and amounts are formatted from the same numbers."""
    with warnings.catch_warnings():     # pyspark 4.3 warns about pandas 3; the conversion is checked by tests
        warnings.simplefilter("ignore")
        out = frame.toPandas()
    for column in out.columns:
        if out[column].dtype == object:
            sample = next((v for v in out[column] if v is not None), None)
            if isinstance(sample, Decimal):
                out[column] = pd.Series([None if v is None else float(v) for v in out[column]],
                                        index=out.index, dtype="float64")
    return out


class SparkRunner:
    """The engine seam for Spark: ``runner(sql, params) -> frame``, like the gateway's ``query``."""

    def __init__(self, spark, lake: str | os.PathLike):
        self.spark = spark
        self.lake = Path(lake)
        self.manifest = register_lake(spark, self.lake)
        self.seconds: dict[str, float] = {}

    def __call__(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        text = to_spark(sql)
        args = {k: spark_value(v) for k, v in (params or {}).items()}
        started = time.perf_counter()
        try:
            frame = _pandas(self.spark.sql(text, args=args) if args else self.spark.sql(text))
        except Exception as exc:      # pyspark's AnalysisException and friends
            text = str(exc).strip() or repr(exc)
            first = text.splitlines()[0][:400]
            log.warning("spark query failed: %s\n%s", exc, text)
            raise SparkQueryError(f"Spark 查询失败：{first} / the query failed on Spark: {first}") from exc
        log.debug("spark %.1f ms, %d rows", (time.perf_counter() - started) * 1000, len(frame))
        return frame


def as_date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    return pd.Timestamp(value).date()


# -- flags on Spark -----------------------------------------------------------------------
def lake_flags(lake: str | os.PathLike, year: int, as_of: str | dt.date | None = None,
               thresholds: Mapping[str, Mapping[str, Any]] | None = None, rule_ids=None, *,
               master: str | None = None, spark=None, timings: dict[str, float] | None = None,
               workers: int | None = None) -> pd.DataFrame:
    """``compute_flags`` with every statement run on Spark over the lake: the same frame
    (columns, order, messages) DuckDB gives for the generation the lake was written from.
    ``workers`` rules are submitted at once (default ``$BUDGETWATCH_SPARK_WORKERS``, else 4)."""
    from budgetwatch.queries.rules.engine import compute_flags

    runner = SparkRunner(spark if spark is not None else session(master), lake)
    if workers is None:
        workers = int(os.environ.get("BUDGETWATCH_SPARK_WORKERS", DEFAULT_WORKERS))
    return compute_flags(None, year, as_of, thresholds, rule_ids, runner=runner, timings=timings,
                         workers=workers)


def flag_set(store, lake: str | os.PathLike, year: int, as_of: str | None = None, config: str | None = None,
             rule_ids=None, *, master: str | None = None, spark=None):
    """``queries.flags.flag_set`` with the generation's rules run on Spark over ``lake``: the
    state rules (INQUIRY_OVERDUE) and the reviews come from the data folder as always."""
    from budgetwatch.queries import flags as qflags
    from budgetwatch.queries import reviews as rv
    from budgetwatch.queries.rules import RULES, state_rules
    from budgetwatch.queries.rules.config import load_thresholds
    from budgetwatch.queries.rules.engine import select_rules

    thresholds = load_thresholds(store.data_dir, config)
    chosen = [r.id for r in select_rules(rule_ids, RULES)]
    started = time.perf_counter()
    flags = lake_flags(lake, year, as_of, thresholds.values, chosen, master=master, spark=spark)
    seconds = time.perf_counter() - started
    flags = state_rules.with_state_flags(flags, store, year, thresholds, chosen)
    ran = [r for r in chosen if thresholds.enabled(r)]
    frame = rv.attach_reviews(flags, rv.latest_reviews(store.data_dir, year), year=year, rules=ran,
                              units=qflags.visible_units(store))
    return qflags.FlagSet(frame, thresholds, seconds, False)
