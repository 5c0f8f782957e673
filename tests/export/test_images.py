"""Chart exports: PNG, SVG and PDF files that parse, at print size, with title, as-of date and unit."""
from __future__ import annotations

import shutil
import struct
import unicodedata
import subprocess
import xml.etree.ElementTree as ET

import pytest

from budgetwatch.dashboard import snapshot, views
from tests.conftest import cli

QUERY = {"year": "2025", "as_of": "2025-06-30"}


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _printed(store, name: str, fmt: str, **kw) -> bytes:
    vf = views.render(store, name, QUERY)
    fig = snapshot.for_print(vf.figure, title=vf.title, as_of=vf.as_of, unit=vf.unit)
    return snapshot.image_bytes(fig, fmt, **kw)


@pytest.mark.parametrize("name", ["overview.departments", "overview.funds", "overview.monthly"])
def test_png_at_print_resolution(demo_store, kaleido_server, name):
    data = _printed(demo_store, name, "png")
    width, height = _png_size(data)
    assert width == snapshot.PRINT_WIDTH * snapshot.PNG_SCALE and height > 600


def test_svg_parses_and_carries_title_as_of_and_unit(demo_store, kaleido_server):
    data = _printed(demo_store, "overview.monthly", "svg")
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    text = "".join(root.itertext())
    assert "2025年逐月累计支出与上年对比" in text
    assert "数据截至 2025年6月30日" in text and "单位：亿元" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (scripts/setup.sh) not installed")
def test_pdf_parses_and_holds_the_chinese_title(demo_store, kaleido_server, tmp_path):
    path = tmp_path / "d.pdf"
    path.write_bytes(_printed(demo_store, "overview.departments", "pdf"))
    assert path.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    # Chromium's PDF maps some glyphs to their Kangxi-radical code points (⾏ U+2F8F for 行):
    # the page shows the right glyph, text extraction needs NFKC to read it back.
    text = unicodedata.normalize("NFKC", text)
    assert "预算执行进度" in text and "数据截至 2025年6月30日" in text and "湘江市科学技术局" in text


def test_export_copies_the_figure_and_leaves_the_page_figure_alone(demo_store):
    vf = views.render(demo_store, "overview.funds", QUERY)
    before = vf.figure.to_dict()
    printed = snapshot.for_print(vf.figure, title=vf.title, as_of=vf.as_of, unit=vf.unit)
    assert vf.figure.to_dict() == before
    assert printed.layout.height == vf.figure.layout.height + snapshot.FOOTER_PX


def test_cli_export_view_with_url_query(demo_store, tmp_path):
    out = tmp_path / "部门执行.png"
    res = cli("export", "--view", "overview.departments", "--query", "year=2025&as_of=2025-06-30",
              "--output", out, data_dir=demo_store.data_dir)
    assert res.returncode == 0, res.stderr
    assert _png_size(out.read_bytes())[0] == snapshot.PRINT_WIDTH * snapshot.PNG_SCALE
    res = cli("export", "--view", "nope", "--output", tmp_path / "x.svg", data_dir=demo_store.data_dir)
    assert res.returncode == 2 and "no view" in res.stderr and "Traceback" not in res.stderr


def test_view_registry_names_unused_filters():
    assert views.unused_keys("overview.departments", {"year": "2025", "dept": "001", "lang": "en"}) == ["dept"]
    assert views.unused_keys("overview.monthly", {"year": "2025", "dept": "001"}) == []
