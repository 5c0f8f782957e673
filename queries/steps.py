"""A step of a load that did not finish although the data was applied and published.

The data of a load is one transaction per file and one publish; what the loader does after
that for the pages (the year summary, the flag cache, the search index) may fail or run out of
time without the data being wrong. Such a step must never be dropped silently: the load's
report names each one, in Chinese and English, with what the pages do instead.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unfinished:
    step: str       # "flags", "summary", "search"
    zh: str
    en: str

    def line(self) -> str:
        return f"{self.zh} / {self.en}"

    def as_dict(self) -> dict:
        return {"step": self.step, "zh": self.zh, "en": self.en}
