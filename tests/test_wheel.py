"""The built wheel works where it is installed, not only in this checkout.

A wheel is built from the checkout and installed (no ``-e``, no PYTHONPATH) into a fresh
virtual environment; the environment sees the locked dependencies already installed (so the
test does not download the world again) but budgetwatch only from the wheel. From a folder
that holds no source, it loads the demo city, renders the overview page and one chart image.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy of the files git knows (tracked, or new and not ignored): no build/
    # folder left in the checkout, and no stale file from an earlier build in the wheel.
    src = tmp_path_factory.mktemp("src")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        if (ROOT / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, src / rel)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(src), "-w", str(out)],
                   check=True, capture_output=True, text=True, timeout=300)
    (whl,) = out.glob("budgetwatch-*.whl")
    return whl


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    env_dir = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(env_dir)], check=True, timeout=300)
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
                   check=True, capture_output=True, text=True, timeout=300)
    return env_dir


def _clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BUDGETWATCH_DATA_DIR")}
    return env


def test_the_wheel_installs_one_top_level_name_with_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.startswith("budgetwatch-")}
    assert top == {"budgetwatch"}
    for shipped in ("budgetwatch/data/reference/func_classification.csv",
                    "budgetwatch/data/reference/econ_classification.csv",
                    "budgetwatch/queries/schema.sql",
                    "budgetwatch/queries/rules/defaults.toml",
                    "budgetwatch/dashboard/assets/style.css"):
        assert shipped in names, shipped


def test_the_installed_wheel_loads_the_demo_and_renders_a_page_and_a_chart(venv, tmp_path):
    work = tmp_path / "elsewhere"          # no source here: imports must come from the wheel
    work.mkdir()
    data = tmp_path / "data"
    exe = venv / "bin" / "budgetwatch"
    env = _clean_env()
    r = subprocess.run([str(exe), "demo", "--no-serve", "--data-dir", str(data)], cwd=work, env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]

    png = tmp_path / "departments.png"
    r = subprocess.run([str(exe), "export", "--view", "overview.departments", "--year", "2025",
                        "--data-dir", str(data), "-o", str(png)], cwd=work, env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000

    script = textwrap.dedent(f"""
        import budgetwatch, budgetwatch.dashboard
        from budgetwatch.dashboard.app import create_app
        from budgetwatch.dashboard.pages import overview
        from budgetwatch.queries import accounts
        from budgetwatch.queries.store import Store
        site = {str(venv)!r}
        assert budgetwatch.__file__.startswith(site) and budgetwatch.dashboard.__file__.startswith(site), budgetwatch.__file__
        data = {str(data)!r}
        app = create_app(data)
        accounts.add_user(data, "wheel", "Wheel-password-1", "member")
        c = app.server.test_client()
        c.get("/login")
        with c.session_transaction() as s:
            token = s["csrf"]
        r = c.post("/login", data={{"username": "wheel", "password": "Wheel-password-1", "csrf": token, "next": "/"}})
        assert r.status_code == 302, r.status_code
        page = c.get("/")
        assert page.status_code == 200 and "style.css" in page.get_data(as_text=True)
        css = c.get(next(l for l in page.get_data(as_text=True).split('"') if "style.css" in l))
        assert css.status_code == 200 and len(css.get_data()) > 500, css.status_code
        out = overview.update_overview(Store(data), None, None, "")
        fig = out["fig:overview-departments"] if "fig:overview-departments" in out else next(
            v for k, v in out.items() if k.startswith("fig:"))
        print("OK", len(fig.data), out["year"])
    """)
    r = subprocess.run([str(venv / "bin" / "python"), "-c", script], cwd=work, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    assert r.stdout.startswith("OK "), r.stdout
