"""A chart's 下载 PNG / 下载 SVG (issue 16, item 9h): both buttons in both languages, and both
files carry the footer of ``budgetwatch export --view``, made by the same function."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from budgetwatch.dashboard import chart_downloads, ids, snapshot
from budgetwatch.dashboard.components import figure_card
from budgetwatch.dashboard.figures import department as dfigs
from budgetwatch.dashboard.figures import overview as ofigs
from budgetwatch.dashboard.figures.common import image_config

AT = dt.datetime(2025, 7, 1, 9, 30)


def sangong() -> dict:
    frame = pd.DataFrame({"econ_code": ["30217"], "cur": [80_000.0], "prev": [50_000.0], "growth": [0.6]})
    fig = dfigs.sangong_figure(frame, dept_name="市教育局", year=2025, as_of=dt.date(2025, 6, 30), lang="zh")
    return json.loads(fig.to_json())           # as the browser sends it back


def footer_of(file: dict) -> str:
    return file["figure"]["layout"]["annotations"][-1]["text"]


def test_every_chart_has_a_png_and_an_svg_button_under_it_in_both_languages():
    for lang, png, svg in (("zh", "下载 PNG", "下载 SVG"), ("en", "Download PNG", "Download SVG")):
        card = figure_card("x", lang, "budgetwatch_x")
        actions = card.children[1]
        assert actions.className == "bw-figure-actions"
        assert [(b.id, b.children) for b in actions.children[:2]] == [(ids.png_button("x"), png),
                                                                      (ids.svg_button("x"), svg)]
        assert "PNG" in actions.children[0].title and "相机" not in actions.children[1].title


def test_the_toolbar_camera_without_a_footer_is_gone_and_nothing_is_added_that_sends():
    config = image_config("budgetwatch_x")
    assert "toImage" in config["modeBarButtonsToRemove"]
    assert not config.get("modeBarButtonsToAdd")


def test_both_files_carry_the_cli_export_footer_as_of_unit_and_time():
    config = image_config("budgetwatch_department_001_sangong_2025")
    for fmt, scale in (("png", snapshot.PNG_SCALE), ("svg", 1)):
        file = chart_downloads.chart_file(sangong(), config, "?year=2025&as_of=2025-06-30", fmt, AT)
        assert file["format"] == fmt and file["scale"] == scale and file["width"] == snapshot.PRINT_WIDTH
        assert file["filename"] == "budgetwatch_department_001_sangong_2025"
        assert footer_of(file) == snapshot.footer_text("2025-06-30", "万元", "zh", AT) \
            == "数据截至 2025年6月30日 · 单位：万元 · 导出时间 2025-07-01 09:30 · 预算联网监督 budgetwatch"
        assert file["height"] == 160 + 64 + snapshot.FOOTER_PX                 # the footer's room added
    en = chart_downloads.chart_file(sangong(), config, "?year=2025&lang=en", "svg", AT)
    assert footer_of(en).startswith("Data as of 2025 · Unit: 万元 · Exported 2025-07-01 09:30")


def test_the_footer_is_made_by_the_cli_export_function(monkeypatch):
    """One implementation: the buttons go through snapshot.for_print, as ``export --view`` does."""
    seen = []
    real = snapshot.for_print
    monkeypatch.setattr(snapshot, "for_print", lambda fig, **kw: seen.append(kw) or real(fig, **kw))
    chart_downloads.chart_file(sangong(), {}, "?as_of=2025-06-30", "png", AT)
    assert seen and seen[0]["as_of"] == "2025-06-30" and seen[0]["unit"] == "万元"


def test_nothing_from_the_url_reaches_the_footer_as_text():
    file = chart_downloads.chart_file(sangong(), {}, '?as_of=<a href="http://x">1</a>&year=20x5', "svg", AT)
    assert footer_of(file).startswith("单位：万元 · 导出时间")
    assert "<a" not in json.dumps(file, ensure_ascii=False)


def test_the_unit_is_what_the_axes_are_titled_in():
    import plotly.graph_objects as go

    monthly = pd.DataFrame({"year": [2025, 2025], "month": [1, 2], "payments": [3, 4], "spent": [1e5, 1e5],
                            "cumulative": [1e5, 2e5]})
    assert snapshot.axis_units(ofigs.monthly_cumulative_figure(monthly, year=2025)) == "万元"
    two = go.Figure(layout={"xaxis": {"title": {"text": "金额（亿元）"}}, "yaxis": {"title": {"text": "债务率（%）"}}})
    assert snapshot.axis_units(two) == "亿元、%" and snapshot.axis_units(two, "en") == "亿元, %"
    assert snapshot.axis_units(go.Figure()) is None


def test_a_title_fitted_to_a_phone_is_put_back_for_the_print_width_file():
    """fit_titles.js breaks a long title on a phone by relayout, which writes into the figure the
    buttons send back; it records what it changed (layout.meta.bw_print) and the file has it back."""
    drawn = sangong()
    title, height, top = drawn["layout"]["title"]["text"], drawn["layout"]["height"], drawn["layout"]["margin"]["t"]
    phone = json.loads(json.dumps(drawn))
    phone["layout"]["title"]["text"] = title.replace("：", "：<br>")
    phone["layout"]["height"], phone["layout"]["margin"]["t"] = height + 22, top + 22
    phone["layout"]["meta"] = {"bw_print": {"title.text": title, "margin.t": top, "height": height}}
    file = chart_downloads.chart_file(phone, {}, "?as_of=2025-06-30", "svg", AT)
    layout = file["figure"]["layout"]
    assert layout["title"]["text"] == title and "<br>" not in layout["title"]["text"]
    assert layout["height"] == height + snapshot.FOOTER_PX and "meta" not in layout
    assert chart_downloads.as_drawn(drawn) is drawn                      # nothing recorded: as it is
