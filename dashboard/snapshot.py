"""Charts as image files on the server: PNG, SVG or PDF at print resolution (kaleido 1.x).

kaleido drives a headless Chromium (Debian's ``/usr/bin/chromium``; ``$BROWSER_PATH`` if set)
and loads plotly.js from the plotly package itself — nothing is downloaded at run time
(MathJax, which kaleido would fetch from a CDN, is switched off). One kaleido server is
started per process, on first use, and then each image takes a fraction of a second.

``for_print`` copies a page's figure and puts on it what a printed chart needs when it has
left the page: the title, the data's as-of date, the unit and when it was exported. The
page's own figure is never changed.
"""
from __future__ import annotations

import atexit
import datetime as dt
import os
import re
import shutil
import threading
from pathlib import Path

import plotly.graph_objects as go

from budgetwatch.errors import BudgetwatchError
from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.figures.common import MUTED

FORMATS = ("png", "svg", "pdf")
PRINT_WIDTH = 1000     # layout pixels: about A4/slide width at readable font sizes
PNG_SCALE = 3          # 3000 px wide ≈ 10 inches at 300 dpi
FOOTER_PX = 34

_lock = threading.Lock()
_started = False


class SnapshotError(BudgetwatchError, RuntimeError):
    """The image could not be made; the message is fit to show a person."""


def browser_path() -> str | None:
    """The Chromium kaleido will use: $BROWSER_PATH, else Debian's chromium on PATH."""
    env = os.environ.get("BROWSER_PATH")
    if env and Path(env).exists():
        return env
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def start() -> None:
    """Start this process's kaleido server (once); later calls return at once."""
    global _started
    if _started:
        return
    with _lock:
        if _started:
            return
        try:
            import kaleido
        except ImportError as exc:  # pragma: no cover - a broken install
            raise SnapshotError("缺少 kaleido，请运行 scripts/setup.sh / kaleido is not installed: "
                                "run scripts/setup.sh") from exc
        path = browser_path()
        if path is None:
            raise SnapshotError("找不到 Chromium，请安装 Debian 的 chromium 软件包或设置 BROWSER_PATH / "
                                "no Chromium found: install Debian's chromium or set BROWSER_PATH")
        os.environ.setdefault("BROWSER_PATH", path)
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        atexit.register(stop)
        _started = True


def stop() -> None:
    global _started
    if not _started:
        return
    import kaleido
    with _lock:
        kaleido.stop_sync_server(silence_warnings=True)
        _started = False


def image_bytes(fig: go.Figure, fmt_: str, *, width: int = PRINT_WIDTH, height: int | None = None,
                scale: float | None = None) -> bytes:
    """The figure as PNG, SVG or PDF bytes (PNG at ``PNG_SCALE`` unless ``scale`` is given)."""
    if fmt_ not in FORMATS:
        raise SnapshotError(f"不支持的格式 {fmt_} / unsupported format {fmt_!r}: png, svg or pdf")
    start()
    import kaleido

    height = height or fig.layout.height or 450
    scale = scale if scale is not None else (PNG_SCALE if fmt_ == "png" else 1)
    try:
        with _lock:   # one image at a time through the one browser tab
            return kaleido.calc_fig_sync(
                fig.to_dict(), opts={"format": fmt_, "width": int(width), "height": int(height),
                                     "scale": scale})
    except Exception as exc:
        raise SnapshotError(f"生成图片失败 / could not render the image: {exc}") from exc


def footer_text(as_of: str | None, unit: str | None, lang: str, exported_at: dt.datetime) -> str:
    if lang == "zh":
        parts = [f"数据截至 {fmt.as_of(as_of, lang)}" if as_of else None,
                 f"单位：{unit}" if unit else None,
                 f"导出时间 {exported_at:%Y-%m-%d %H:%M}", "预算联网监督 budgetwatch"]
    else:
        parts = [f"Data as of {as_of}" if as_of else None, f"Unit: {unit}" if unit else None,
                 f"Exported {exported_at:%Y-%m-%d %H:%M}", "budgetwatch"]
    return " · ".join(p for p in parts if p)


_BRACKETED = re.compile(r"[（(]([^（）()]+)[）)]\s*$")
_AXIS = re.compile(r"[xy]axis\d*$")


def axis_units(fig: go.Figure, lang: str = "zh") -> str | None:
    """The units a chart's axes are titled in, as ``fmt.axis_title`` writes them
    (``累计支出（万元）`` → ``万元``; two axes ``万元、%``); None when no axis names one (a
    treemap, gauges). The dashboard's chart downloads take their footer's unit from here."""
    found: list[str] = []
    layout = fig.layout.to_plotly_json()
    for key in sorted(k for k in layout if _AXIS.match(k)):
        title = (layout[key] or {}).get("title")
        text = title.get("text") if isinstance(title, dict) else title
        match = _BRACKETED.search(text) if isinstance(text, str) else None
        if match and match.group(1).strip() not in found:
            found.append(match.group(1).strip())
    return ("、" if lang == "zh" else ", ").join(found) or None


def for_print(fig: go.Figure, *, title: str | None, as_of: str | None, unit: str | None,
              lang: str = "zh", exported_at: dt.datetime | None = None) -> go.Figure:
    """A copy of ``fig`` with its title and a footer line (as-of date, unit, export time)."""
    out = go.Figure(fig)     # a deep copy: the page's figure stays as it is
    exported_at = exported_at or dt.datetime.now().replace(microsecond=0)
    if title and not (out.layout.title and out.layout.title.text):
        out.update_layout(title={"text": title})
    margin = out.layout.margin
    bottom = margin.b if margin and margin.b is not None else 48
    height = out.layout.height or 450
    out.update_layout(height=height + FOOTER_PX, margin={"b": bottom + FOOTER_PX})
    out.add_annotation(text=footer_text(as_of, unit, lang, exported_at), xref="paper", yref="paper",
                       x=0, y=0, xanchor="left", yanchor="top", yshift=-(bottom + 6), showarrow=False,
                       font={"size": 12, "color": MUTED}, align="left")
    if out.layout.title and out.layout.title.yref == "container" and out.layout.title.y is not None:
        # base_layout pins the title 14 px below the top: keep it there at the new height
        out.update_layout(title={"y": 1 - 14 / (height + FOOTER_PX)})
    return out
