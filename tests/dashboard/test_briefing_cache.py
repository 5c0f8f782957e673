"""A made 监督简报 is kept on disk (issue 16, item 9i): a restarted server serves it at once
instead of making it again (~20 s), until the data, a review, an inquiry, the rules or the day
change. The renderer is a fake that counts its calls."""
from __future__ import annotations

import datetime as dt
import stat
import types

import pytest

from budgetwatch.dashboard import briefing
from budgetwatch.dashboard.briefing_desk import DESK_KEY, FOLDER, BriefingDesk, Made
from tests.conftest import signed_in_client
from tests.dashboard import sample

URL = "/briefing.pdf?year=2025&as_of=2025-06-30"


def made(text: str) -> Made:
    return Made(text.encode(), f"{text}.pdf", "application/pdf", {"format": "pdf", "year": 2025})


def test_a_kept_briefing_outlives_its_desk_and_only_its_owner_reads_it(tmp_path):
    folder = tmp_path / FOLDER
    BriefingDesk(folder=folder).keep((7, "a"), made("a"), 7)
    again = BriefingDesk(folder=folder)                          # the server restarted
    assert again.kept((7, "a")) == made("a")
    assert again.kept((7, "b")) is None and again.kept((8, "a")) is None
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}


def test_a_new_generation_drops_the_old_files_and_the_folder_stays_bounded(tmp_path):
    folder = tmp_path / FOLDER
    desk = BriefingDesk(folder=folder, disk_bytes=25)
    desk.keep((1, "a"), made("a" * 10), 1)
    desk.keep((2, "a"), made("b" * 10), 2)
    assert len(list(folder.glob("g1-*"))) == 0 and len(list(folder.glob("g2-*"))) == 2
    desk.keep((2, "b"), made("c" * 10), 2)
    desk.keep((2, "c"), made("d" * 10), 2)                      # 30 bytes > 25: the oldest goes
    fresh = BriefingDesk(folder=folder)
    assert fresh.kept((2, "a")) is None and fresh.kept((2, "c")) == made("d" * 10)


def test_a_damaged_or_unwritable_folder_costs_only_the_speed_up(tmp_path):
    folder = tmp_path / FOLDER
    BriefingDesk(folder=folder).keep((1, "a"), made("a"), 1)
    for p in folder.glob("*.bin"):
        p.write_bytes(b"cut")
    assert BriefingDesk(folder=folder).kept((1, "a")) is None
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    desk = BriefingDesk(folder=blocked / FOLDER)
    desk.keep((1, "a"), made("a"), 1)                            # logged, not raised
    assert desk.kept((1, "a")) == made("a")                      # still kept in memory


class Renderer:
    def __init__(self):
        self.calls = 0

    def __call__(self, store, fmt, year=None, as_of=None, dept=None, top=10, **_kw):
        self.calls += 1
        brief = types.SimpleNamespace(year=year or 2025, as_of=as_of or dt.date(2025, 6, 30), dept_code=dept,
                                      warnings_total=0)
        return brief, b"%PDF-fake " + str(self.calls).encode()


@pytest.fixture
def city(data_dir):
    return sample.build(data_dir)


def test_a_restarted_server_serves_the_kept_briefing_at_once(city, monkeypatch):
    from budgetwatch.dashboard.app import create_app
    from budgetwatch.queries import accounts, inquiries

    render = Renderer()
    monkeypatch.setattr(briefing, "build", render)
    first = signed_in_client(create_app(city), city, "brief_disk", "staff")
    assert first.get(URL).data == b"%PDF-fake 1" and render.calls == 1

    app = create_app(city)                                       # a restart: a new, empty desk
    assert app.server.config[DESK_KEY].folder == city / FOLDER
    client = signed_in_client(app, city, "brief_disk", "staff")
    res = client.get(URL)
    assert res.data == b"%PDF-fake 1" and render.calls == 1      # from the folder, not made again
    assert res.headers["Content-Disposition"].endswith("2025_20250630.pdf")
    assert '"cached": true' in accounts.audit_events(city, action="export").iloc[0]["detail"]

    staff = accounts.get_user(city, "brief_disk")                 # an inquiry step changes section 七
    inquiries.open_inquiry(app_store(city), staff, [("EXEC_LAG", "002", 2025)], questions="请说明执行偏慢的原因")
    assert client.get(URL).data == b"%PDF-fake 2"


def app_store(city):
    from budgetwatch.queries.store import Store
    return Store(city)
