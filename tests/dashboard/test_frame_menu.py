"""The header on a phone: the page links, search, language and account sit in a menu a button opens."""
from __future__ import annotations

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.frame import header
from budgetwatch.dashboard.pages import PAGES, PLANNED


def _find(node, id_):
    if getattr(node, "id", None) == id_:
        return node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        found = _find(child, id_)
        if found is not None:
            return found
    return None


def test_the_menu_holds_every_page_link_the_language_and_the_search():
    parts = header(PAGES, PLANNED, "/", "", "en")
    button = next(p for p in parts if getattr(p, "id", None) == ids.Frame.MENU_BUTTON)
    menu = next(p for p in parts if getattr(p, "id", None) == ids.Frame.MENU)
    assert "Menu" in str(button.children) and getattr(button, "aria-expanded") == "false"
    nav = next(c for c in menu.children if "bw-nav" == getattr(c, "className", ""))
    assert "Admin" in str(nav.children) or len(nav.children) >= 9
    assert _find(menu, ids.Frame.LANG) is not None
    assert _find(menu, ids.Search.INPUT) is not None
