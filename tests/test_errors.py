"""Errors of the project share one base with a sentence in Chinese and English."""
from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

import pytest

from budgetwatch.errors import BudgetwatchError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import import_graph  # noqa: E402


def test_the_two_halves_are_found_and_shown_by_language():
    e = BudgetwatchError("复核结论应为 属实/排除 / the status must be confirmed or dismissed")
    assert (e.zh, e.en) == ("复核结论应为 属实/排除", "the status must be confirmed or dismissed")
    assert e.text("en") == e.en and e.text("zh") == e.zh
    assert str(e) == "复核结论应为 属实/排除 / the status must be confirmed or dismissed"
    named = BudgetwatchError(zh="找不到文件", en="file not found")
    assert str(named) == "找不到文件 / file not found" and named.text("en") == "file not found"
    plain = BudgetwatchError("只有中文")
    assert plain.text("en") == "只有中文"


def _project_error_classes():
    for name in sorted(import_graph.modules()):
        if name.startswith("budgetwatch.data") or name.endswith("__main__"):
            continue
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == name and issubclass(cls, Exception):
                yield f"{name}.{cls_name}", cls


@pytest.mark.parametrize("name,cls", list(_project_error_classes()), ids=lambda v: v if isinstance(v, str) else "cls")
def test_every_error_of_the_project_is_a_budgetwatch_error(name, cls):
    # StoreBusy and similar control-flow signals are errors people may see too.
    assert issubclass(cls, BudgetwatchError), f"{name} should derive from budgetwatch.errors.BudgetwatchError"
