"""The ``data`` fixture: an empty hand-built data folder (see fixture.py)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest


def load_fixture_module():
    """fixture.py by path, so it works whatever pytest's import mode."""
    name = "budgetwatch_rules_fixture"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("fixture.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def data(tmp_path):
    return load_fixture_module().Data(tmp_path / "data")
