"""The 政府债务 page's components for a URL query and language: no data here."""
from __future__ import annotations

from dash import dcc, html

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.components import figure_card, view_store, year_field
from budgetwatch.dashboard.figures.common import image_filename
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.page_tables import HIDDEN, page_table
from budgetwatch.dashboard.urls import int_param

D = ids.Debt
VIEW = "debt"
FILE_PART = {D.LIMITS: "limits", D.RATIO: "ratio", D.ISSUANCE: "issuance", D.TREND: "trend",
             D.REPAYMENTS: "repayments"}


def _section(title_key: str, lang: str, *children, note_key: str | None = None) -> html.Section:
    head = [html.H2(t(title_key, lang))]
    if note_key:
        head.append(html.P(t(note_key, lang), className="bw-note"))
    return html.Section(className="bw-section", children=[*head, *children])


def layout(query: dict[str, str], lang: str) -> html.Div:
    year = int_param(query.get("year"))
    region = query.get("region") or None
    return html.Div(className="bw-page", children=[
        view_store(VIEW),
        html.Div(className="bw-toolbar", children=[
            html.H1(t("debt.title", lang), className="bw-page-title"),
            year_field(D.YEAR, year, lang),
            html.Span(t("debt.unit", lang), className="bw-unit"),
            html.Div(id=D.THRESHOLDS, className="bw-schedule"),
        ]),
        html.Div(id=D.MESSAGE),
        dcc.Loading(type="dot", delay_show=400, overlay_style={"visibility": "visible", "opacity": 0.6}, children=[
            html.Div(id=D.BODY, style=HIDDEN, children=[
                html.Section(id=D.HEADLINE, className="bw-cards"),
                _section("debt.limits", lang, figure_card(D.LIMITS, lang, image_filename("debt", "limits", year)),
                         note_key="debt.limits_note"),
                _section("debt.ratio", lang, figure_card(D.RATIO, lang, image_filename("debt", "ratio", year)),
                         note_key="debt.ratio_note"),
                _section("debt.regions_table", lang,
                         page_table(D.T_REGIONS, lang, style={"height": "420px", "width": "100%"})),
                _section("debt.issuance", lang,
                         figure_card(D.ISSUANCE, lang, image_filename("debt", "issuance", year))),
                _section("debt.trend", lang,
                         html.Div(className="bw-toolbar", children=[
                             html.Label(className="bw-field", children=[
                                 html.Span(t("debt.pick_region", lang)),
                                 dcc.Dropdown(id=D.REGION, value=region, clearable=True, searchable=True,
                                              options=[{"label": region, "value": region}] if region else [],
                                              placeholder=t("debt.all_regions", lang), className="bw-wide-pick"),
                             ]),
                         ]),
                         figure_card(D.TREND, lang, image_filename("debt", "trend", year)),
                         figure_card(D.REPAYMENTS, lang, image_filename("debt", "repayments", year))),
                _section("debt.rows_table", lang,
                         page_table(D.T_ROWS, lang, style={"height": "420px", "width": "100%"})),
            ]),
        ]),
    ])
