"""Dashboard callbacks called as functions run as a staff member unless a test says otherwise."""
from __future__ import annotations

import pytest

from budgetwatch.dashboard import auth
from budgetwatch.queries.accounts import User

STAFF = User("测试员", "staff")
MEMBER = User("委员甲", "member")


@pytest.fixture(autouse=True)
def signed_in_staff():
    with auth.acting_as(STAFF):
        yield STAFF
