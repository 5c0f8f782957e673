"""Which database generation is live, and whether it can be trusted — decided without writing.

The files under ``DATA_DIR/db/`` (see ``store.py``):

* ``gen-NNNNNN.duckdb`` — a generation. Its ``gen-NNNNNN.sealed`` (JSON: size, row counts,
  the generation it was copied from) is written only after the writer checkpointed and closed
  it, so a sealed generation is a *finished* load.
* ``gen-NNNNNN.loading`` — written before a writer creates its generation and removed when it
  is sealed: a generation with this marker and no seal is *provably an unfinished load*, and
  is the only kind a writer ever deletes as debris.
* ``CURRENT`` — names the live generation.

A pointer that is missing, empty, garbled or names a missing file, or a live generation that
fails its check (a truncated file: its size disagrees with its seal, or it does not open), is
never taken to mean "no data": readers use the newest generation that opens and passes a check
(read-only, logged, reported by ``budgetwatch status`` and the 数据 page), and the next load
publishes on top of it. When nothing usable is left the answer is a refusal in Chinese and
English, not an empty database.

A generation without a seal and without a marker (made by a version before seals) is kept and
trusted if it opens; when it is a candidate for recovery its every column is read first.
"""
from __future__ import annotations

import json
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

log = logging.getLogger("budgetwatch.store")

GEN_NAME = re.compile(r"^gen-(\d{6})\.duckdb$")
_ANY = re.compile(r"^gen-(\d{6})\.(duckdb|duckdb\.wal|sealed|loading)$")


def gen_name(number: int) -> str:
    return f"gen-{number:06d}.duckdb"


def seal_path(path: Path) -> Path:
    return path.with_suffix(".sealed")


def marker_path(path: Path) -> Path:
    return path.with_suffix(".loading")


def number_of(path: Path) -> int:
    m = GEN_NAME.match(path.name)
    return int(m.group(1)) if m else 0


@dataclass(frozen=True)
class Live:
    """The generation readers use now, and what (if anything) is wrong with the folder.

    ``state``: ``ok`` (CURRENT names a good generation), ``new`` (no data yet: nothing was
    ever loaded), ``recovered`` (CURRENT missing/empty/garbled/dangling; a good generation is
    used), ``fallback`` (the live generation is damaged; an older good one is used),
    ``unusable`` (no generation can be used; readers and writers refuse)."""
    state: str
    path: Path | None = None
    pointer: str | None = None          # what CURRENT says (stripped), None when it is missing
    zh: str = ""
    en: str = ""
    damaged: tuple[str, ...] = ()       # generation files that failed their check, kept as they are

    @property
    def number(self) -> int:
        return number_of(self.path) if self.path else 0

    @property
    def healthy(self) -> bool:
        return self.state in ("ok", "new")

    @property
    def message(self) -> str:
        return f"{self.zh} / {self.en}" if self.zh else ""

    def as_dict(self) -> dict:
        return {"state": self.state, "generation": self.number, "file": self.path.name if self.path else None,
                "pointer": self.pointer, "damaged": list(self.damaged),
                "message": {"zh": self.zh, "en": self.en} if self.zh else None}


# -- seals -------------------------------------------------------------------------------------
def read_seal(path: Path) -> dict | None:
    try:
        seal = json.loads(seal_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return seal if isinstance(seal, dict) and isinstance(seal.get("size"), int) else None


def write_seal(path: Path, rows: dict[str, int], source: Path | None) -> None:
    """Record a closed generation's size and row counts (fsynced) — it is finished from now on."""
    seal = {"generation": number_of(path), "size": path.stat().st_size, "rows": rows,
            "from": source.name if source else None}
    tmp = seal_path(path).with_suffix(".sealed.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(seal, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, seal_path(path))


def table_rows(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND NOT temporary ORDER BY table_name").fetchall()]
    # Names come from the database's own catalogue, quoted.
    return {n: int(con.execute(f'SELECT count(*) FROM "{n.replace(chr(34), chr(34) * 2)}"').fetchone()[0])
            for n in names}


# -- looking at the folder -------------------------------------------------------------------
def generations(db_dir: Path) -> list[Path]:
    """Every generation file present, newest first (unfinished ones included)."""
    try:
        found = [p for p in db_dir.iterdir() if GEN_NAME.match(p.name)]
    except FileNotFoundError:
        return []
    return sorted(found, key=number_of, reverse=True)


def unfinished(path: Path) -> bool:
    """A load that never finished: its marker is there and its seal is not."""
    return marker_path(path).exists() and read_seal(path) is None


def highest_number(db_dir: Path, pointer: str | None) -> int:
    """The largest number any file (or CURRENT) uses: a new generation takes the next one."""
    numbers = [0]
    try:
        numbers += [int(m.group(1)) for p in db_dir.iterdir() if (m := _ANY.match(p.name))]
    except FileNotFoundError:
        pass
    if pointer and (m := GEN_NAME.match(pointer)):
        numbers.append(int(m.group(1)))
    return max(numbers)


def read_pointer(pointer: Path) -> tuple[str | None, str | None]:
    """(what CURRENT says, what is wrong with it) — the text is None when the file is missing."""
    try:
        raw = pointer.read_bytes()
    except FileNotFoundError:
        return None, "missing"
    except OSError as exc:
        return "", f"unreadable: {exc}"
    text = raw.decode("utf-8", errors="replace").strip()
    if not text:
        return "", "empty"
    if not GEN_NAME.match(text):
        return text[:80], "garbled"
    if not (pointer.parent / text).exists():
        return text, "dangling"
    return text, None


# -- checks -----------------------------------------------------------------------------------
def quick_damage(path: Path) -> str | None:
    """Why a generation cannot be trusted, from its size and seal alone (cheap: every read)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "missing"
    seal = read_seal(path)
    if seal is not None and seal["size"] != size:
        return f"size {size} ≠ {seal['size']}"
    return None


_CHECKED: dict[tuple, str | None] = {}     # (path, size, mtime_ns) → why it is damaged, or None
_CHECKED_LOCK = threading.Lock()


def forget_checks() -> None:
    with _CHECKED_LOCK:
        _CHECKED.clear()


def full_damage(path: Path, connect) -> str | None:
    """Why a generation cannot be used, having opened it (remembered per file identity).

    Sealed: its size and row counts must match the seal. Unsealed (an older version's): every
    column of every table is read, so a file cut short cannot pass."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return "missing"
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _CHECKED_LOCK:
        if key in _CHECKED:
            return _CHECKED[key]
    why = quick_damage(path)
    if why is None:
        why = _open_check(path, connect)
    with _CHECKED_LOCK:
        _CHECKED[key] = why
    return why


def mark_damaged(path: Path, why: str) -> None:
    """Remember that opening this very file failed (so readers fall back instead of failing)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    with _CHECKED_LOCK:
        _CHECKED[(str(path), st.st_size, st.st_mtime_ns)] = why


def known_damage(path: Path) -> str | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    with _CHECKED_LOCK:
        return _CHECKED.get((str(path), st.st_size, st.st_mtime_ns))


def _open_check(path: Path, connect) -> str | None:
    seal = read_seal(path)
    try:
        con = connect(path)
    except duckdb.Error as exc:
        return f"does not open: {str(exc).splitlines()[0][:200]}"
    try:
        rows = table_rows(con)
        if "loads" not in rows:
            return "no loads table"
        if seal is not None:
            want = seal.get("rows") or {}
            off = {t: (rows.get(t), n) for t, n in want.items() if rows.get(t) != n}
            if off:
                return f"row counts differ from the seal: {off}"
        else:
            for name in rows:
                q = name.replace('"', '""')
                con.execute(f'SELECT count(*), max(hash(COLUMNS(*))) FROM "{q}"').fetchall()
    except duckdb.Error as exc:
        return f"cannot be read: {str(exc).splitlines()[0][:200]}"
    finally:
        con.close()
    return None


# -- deciding ---------------------------------------------------------------------------------
_POINTER_WHY = {
    "missing": ("数据指针 db/CURRENT 缺失", "the pointer db/CURRENT is missing"),
    "empty": ("数据指针 db/CURRENT 为空", "the pointer db/CURRENT is empty"),
    "garbled": ("数据指针 db/CURRENT 的内容（{p}）不是数据版本名", "the pointer db/CURRENT ({p}) does not name a generation"),
    "dangling": ("数据指针 db/CURRENT 指向的 {p} 不存在", "the pointer db/CURRENT names {p}, which does not exist"),
}


def _pointer_words(why: str, pointer: str | None) -> tuple[str, str]:
    if why in _POINTER_WHY:
        zh, en = _POINTER_WHY[why]
        return zh.format(p=pointer), en.format(p=pointer)
    return f"数据指针 db/CURRENT 无法读取（{why}）", f"the pointer db/CURRENT cannot be read ({why})"


_LOGGED: set[tuple] = set()


def _say(live: Live) -> Live:
    key = (live.state, str(live.path), live.pointer, live.damaged)
    if not live.healthy and key not in _LOGGED:
        _LOGGED.add(key)
        log.warning("%s", live.en)
    return live


def resolve(db_dir: Path, connect) -> Live:
    """The generation to read, and the folder's state. Never writes, never deletes."""
    pointer, why = read_pointer(db_dir / "CURRENT")
    if why is None:
        path = db_dir / pointer
        damage = quick_damage(path) or known_damage(path)
        if damage is None:
            return Live("ok", path, pointer)
        return _say(_fallback(db_dir, connect, pointer, path, damage))
    gens = [p for p in generations(db_dir) if not unfinished(p)]
    if why == "missing" and not gens:
        return Live("new", None, None)
    zh, en = _pointer_words(why, pointer)
    good, damaged = _newest_good(gens, connect)
    if good is None:
        return _say(_unusable(zh, en, pointer, damaged))
    return _say(Live("recovered", good, pointer,
                     f"{zh}；正在只读使用最新的完好数据版本 {good.name}。没有删除任何数据；下一次成功导入将在它之上发布并修复指针",
                     f"{en}; reading the newest intact generation {good.name} (read-only). No data was deleted; "
                     f"the next successful load publishes on top of it and repairs the pointer", tuple(damaged)))


def _fallback(db_dir: Path, connect, pointer: str, live: Path, damage: str) -> Live:
    older = [p for p in generations(db_dir) if number_of(p) < number_of(live) and not unfinished(p)]
    good, damaged = _newest_good(older, connect)
    damaged = [live.name] + damaged
    zh = f"当前数据版本 {live.name} 已损坏（{damage}），文件保留未动"
    en = f"the live generation {live.name} is damaged ({damage}); the file is kept as it is"
    if good is None:
        return _unusable(zh, en, pointer, damaged)
    return Live("fallback", good, pointer,
                f"{zh}；正在只读使用上一个完好版本 {good.name}。请从备份恢复 {live.name}，或重新导入："
                f"下一次成功导入将在 {good.name} 之上发布",
                f"{en}; reading the previous intact generation {good.name} (read-only). Restore {live.name} "
                f"from a backup, or load again: the next successful load publishes on top of {good.name}",
                tuple(damaged))


def _unusable(zh: str, en: str, pointer: str | None, damaged: list[str]) -> Live:
    return Live("unusable", None, pointer,
                f"{zh}；没有可以打开的数据版本，未做任何更改。请从备份恢复 db/ 文件夹中的数据文件；"
                f"若确实要从空白开始，请先把 db/ 文件夹移到别处",
                f"{en}; no generation can be opened, and nothing was changed. Restore the data files "
                f"in the db/ folder from a backup; to start empty on purpose, move the db/ folder aside first",
                tuple(damaged))


def _newest_good(candidates: list[Path], connect) -> tuple[Path | None, list[str]]:
    damaged: list[str] = []
    for p in candidates:
        why = full_damage(p, connect)
        if why is None:
            return p, damaged
        log.warning("generation %s cannot be used: %s", p.name, why)
        damaged.append(p.name)
    return None, damaged


def retired_after(db_dir: Path, new: Path) -> list[Path]:
    """Generations superseded twice over: the parent of ``new`` is kept (a reader may be on it).

    Ancestry follows the seals' ``from``; generations made before seals existed that are
    older than an unsealed ancestor were all published by then and count as ancestors too.
    Anything else — a damaged file, a finished load that was never published — is kept."""
    chain: list[Path] = []
    seen: set[str] = set()
    here = new
    while True:
        seal = read_seal(here)
        parent = (seal or {}).get("from")
        if not parent or parent in seen or not GEN_NAME.match(parent):
            break
        here = db_dir / parent
        if not here.exists():
            break
        seen.add(parent)
        chain.append(here)
        if read_seal(here) is None:     # made before seals: the chain continues by number
            chain += [p for p in generations(db_dir)
                      if number_of(p) < number_of(here) and read_seal(p) is None and not unfinished(p)]
            break
    return chain[1:]
