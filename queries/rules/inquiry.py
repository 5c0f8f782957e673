"""INQUIRY_OVERDUE: an inquiry (询问函) sent to a unit and not answered by its due date.

It reads the inquiries in state.sqlite3, not the data generation: its ``compute`` is given
the data folder (``scope="state"``; queries/rules/state_rules.py runs it each time flags are
asked for, never from a cache, so recording an answer takes the flag away at once).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd

from budgetwatch.queries.rules.base import Param, Rule


def overdue_frame(data_dir: Path, values: dict[str, Any]) -> pd.DataFrame:
    """One row per inquiry of the flags' year that is sent, unanswered and past due on ``today``."""
    from budgetwatch.queries import state   # the tables are queries/inquiries.py's; read here, never written

    today: dt.date = values["today"]
    columns = ["entity_key", "dept_code", "name", "amount", "evidence", "severity", "due_date", "sent_on",
               "days", "flags", "inquiry_id"]
    if not state.path_for(data_dir).exists():
        return pd.DataFrame(columns=columns)
    con = state.connect(data_dir)
    try:
        if con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'inquiries'").fetchone() is None:
            return pd.DataFrame(columns=columns)     # no inquiry was ever opened in this data folder
        rows = con.execute("""
            SELECT i.inquiry_id, i.ref, i.dept_code, i.dept_name, i.due_date, i.sent_on,
                   sum(f.amount) AS amount, count(f.position) AS flags
            FROM inquiries i LEFT JOIN inquiry_flags f USING (inquiry_id)
            WHERE i.state = 'sent' AND i.year = ? AND i.due_date < ?
            GROUP BY i.inquiry_id ORDER BY i.inquiry_id""", [int(values["year"]), today.isoformat()]).fetchall()
    finally:
        con.close()
    out = []
    for r in rows:
        days = (today - dt.date.fromisoformat(r["due_date"])).days
        if days <= int(values["grace_days"]):
            continue
        out.append({"entity_key": r["ref"], "dept_code": r["dept_code"], "name": r["dept_name"] or r["dept_code"],
                    "amount": r["amount"], "severity": "high" if days > int(values["high_days"]) else "medium",
                    "evidence": json.dumps({"inquiry": r["ref"], "inquiry_id": r["inquiry_id"]}, ensure_ascii=False),
                    "due_date": r["due_date"], "sent_on": r["sent_on"], "days": days, "flags": r["flags"],
                    "inquiry_id": r["inquiry_id"]})
    return pd.DataFrame(out, columns=columns)


INQUIRY_OVERDUE = Rule(
    id="INQUIRY_OVERDUE",
    title_cn="询问逾期未答复",
    title_en="Inquiry not answered in time",
    entity_type="inquiry",
    severity="medium",
    scope="state",
    params=(
        Param("grace_days", 0, "超过答复期限此天数以上才预警；0 表示期限一过即预警",
              "fires when the due date passed more than this many days ago; 0 = any"),
        Param("high_days", 30, "逾期超过此天数为红色（高）预警",
              "high severity when overdue by more than this many days"),
        Param("due_days", 30, "新询问函默认的答复期限（发函后天数）",
              "the default due date of a new inquiry, in days from the day it is opened"),
    ),
    doc="""An inquiry (询问函) of the flags' year that was sent (已发出) and has no answer
recorded, whose due date lies before today: overdue days = today − due date > `grace_days`
(on the due date itself it is not overdue). High beyond `high_days` days. Counted to today,
not to the data's as-of date: an inquiry's state is live, not part of a load. Entity: the
inquiry's reference number; unit: the unit addressed; amount: the total of the flags it
carries. `due_days` is the due date a new inquiry gets unless one is chosen.""",
    compute=overdue_frame,
    message=("询问函{entity_key}（致{name}，涉及{flags}条预警）应于{due_date}前答复，"
             "截至{today}已逾期{days}天，尚未收到答复"),
    message_en=("Inquiry {entity_key} (to {name}, about {flags} warnings) was due for an answer on {due_date}; "
                "{days} days overdue as of {today}, no answer received"),
)
