"""Each rule's SQL is written once (DuckDB) and translates to Spark; forms that would
translate wrongly are refused instead of run."""
from __future__ import annotations

import pytest

from budgetwatch.queries.rules import RULES
from budgetwatch.queries.spark import SparkQueryError, to_spark


@pytest.mark.parametrize("rule", [r for r in RULES if r.sql is not None], ids=lambda r: r.id)
def test_every_rule_translates(rule):
    text = to_spark(rule.sql)
    assert "$" not in text                 # parameters became Spark's :name markers, still unbound
    assert "TO_MONTHS" not in text.upper() and " REPLACE (" not in text.upper()


def test_an_ordered_list_is_refused_not_reordered():
    with pytest.raises(SparkQueryError):
        to_spark("SELECT list(voucher_no ORDER BY pay_date) AS v FROM payments")
    assert "ARRAY_SORT" in to_spark("SELECT list_sort(list(voucher_no)) AS v FROM payments")
