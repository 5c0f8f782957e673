"""One base for the errors budgetwatch shows people: one sentence in Chinese and in English.

The house's convention is a message ``"中文 / English"``; raise ``SomeError("中文 / English")``
or ``SomeError(zh="…", en="…")``. ``.zh`` and ``.en`` are the halves, ``.text(lang)`` the
one to show in a page of that language, ``str()`` both (what a terminal prints). Callers that
catch "anything budgetwatch refused" catch ``BudgetwatchError``; tracebacks never reach a user.
"""
from __future__ import annotations


def _split(message: str) -> tuple[str, str]:
    """'中文 / English' → ('中文', 'English'): at the first ' / ' followed by Latin text."""
    start = 0
    while (i := message.find(" / ", start)) >= 0:
        rest = message[i + 3:]
        if rest[:1].isascii() and rest[:1].strip():
            return message[:i].strip(), rest.strip()
        start = i + 3
    return message, message


class BudgetwatchError(Exception):
    """Something budgetwatch refused or could not do, said in Chinese and English."""

    def __init__(self, message: str = "", *, zh: str | None = None, en: str | None = None):
        if zh is not None or en is not None:
            zh = zh if zh is not None else en
            en = en if en is not None else zh
            message = zh if zh == en else f"{zh} / {en}"
        else:
            zh, en = _split(str(message))
        super().__init__(message)
        self.zh, self.en = zh, en

    def text(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh
