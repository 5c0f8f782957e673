"""Who gets paid: companies by industry, staff by name, utilities and funds, with accounts."""
from __future__ import annotations


import numpy as np

from budgetwatch.demo.parts import Registry
from budgetwatch.demo.world import (BANKS, GIVEN, HOUSING_FUND, INDUSTRIES, MEDICAL_INS, N_PERSONS, PENSION,
                                    POOL_FIXED, POOL_SIZES, POWER, SURNAMES, TELECOMS, WATER, ZIHAO)


# ---------------------------------------------------------------------------------------
# Payees
# ---------------------------------------------------------------------------------------
def digits(rng: np.random.Generator, n: int) -> str:
    return "".join(map(str, rng.integers(0, 10, n)))


def _company_account(rng: np.random.Generator) -> str:
    prefix = ("43050", "1901", "1810", "5920", "8001")[int(rng.integers(0, 5))]
    return prefix + digits(rng, 20 - len(prefix) if prefix == "43050" else 19 - len(prefix))


def _person_account(rng: np.random.Generator) -> str:
    prefix = ("6217", "6228", "6222", "6236", "6214")[int(rng.integers(0, 5))]
    return prefix + digits(rng, 15)


def build_payees(rng: np.random.Generator) -> tuple[Registry, dict[str, tuple[int, int]]]:
    """Every payee with its account; pools of payees by class: class -> (first index, size)."""
    reg = Registry()
    pools: dict[str, tuple[int, int]] = {}
    # people: unique names, each unit reimburses its own STAFF_PER_UNIT of them
    start = len(reg)
    seen: set[str] = set()
    surname_w = np.linspace(3.0, 0.4, len(SURNAMES))
    surname_w /= surname_w.sum()
    while len(reg) - start < N_PERSONS:
        s = SURNAMES[int(rng.choice(len(SURNAMES), p=surname_w))]
        g = GIVEN[int(rng.integers(0, len(GIVEN)))]
        if len(g) == 1 and rng.random() < 0.5:
            g += GIVEN[int(rng.integers(0, len(GIVEN)))][0]
        name = s + g
        if name in seen:
            continue
        seen.add(name)
        reg.add(name, _person_account(rng))
    pools["person"] = (start, N_PERSONS)
    used: set[str] = set()
    for cls, size in POOL_SIZES.items():
        start = len(reg)
        for name in POOL_FIXED.get(cls, ()):
            reg.add(name, _company_account(rng))
            used.add(name)
        while len(reg) - start < size:
            prefix = ("湖南", "湖南", "湖南省", "湘江", "湘江市", "长沙")[int(rng.integers(0, 6))]
            zh = ZIHAO[int(rng.integers(0, len(ZIHAO)))]
            ind = INDUSTRIES[cls][int(rng.integers(0, len(INDUSTRIES[cls])))]
            if ind == "律师事务所":
                name = f"湖南{zh}律师事务所"
            else:
                u = rng.random()
                suffix = "有限公司" if u < 0.75 else ("有限责任公司" if u < 0.92 else "股份有限公司")
                name = f"{prefix}{zh}{ind}{suffix}"
            if name in used or name in reg.index:
                continue
            used.add(name)
            reg.add(name, _company_account(rng))
        pools[cls] = (start, size)
    for name in (WATER, POWER, *TELECOMS, *BANKS, PENSION, MEDICAL_INS, HOUSING_FUND):
        reg.add(name, _company_account(rng))
    return reg, pools
