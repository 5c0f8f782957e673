"""Calling a Dash callback the way a browser (or an attacker with a cookie) does: over HTTP.

``call(client, output_part, values)`` finds the callback whose output names ``output_part``
in ``/_dash-dependencies``, fills its inputs and states from ``values`` (``"id.prop"`` →
value; missing ones are None) and returns the decoded JSON answer. Assertions about what
must not be in an answer are made on ``text(answer)`` — decoded JSON, non-ASCII as itself —
never on the raw body, where ``市教育局`` is ``\\u5e02...`` and a "not in" check always passes.
"""
from __future__ import annotations

import json


def _spec(text_id: str) -> dict:
    cid, prop = text_id.rsplit(".", 1)
    return {"id": json.loads(cid) if cid.startswith("{") else cid, "property": prop}


def dependency(client, output_part: str) -> dict | None:
    """The callback writing ``output_part``; None when the client may not read the callbacks."""
    res = client.get("/_dash-dependencies")
    if res.status_code != 200:
        return None
    deps = res.get_json()
    found = [d for d in deps if output_part in d["output"]]
    assert found, f"no callback writes {output_part}"
    return found[0]


def payload(dep: dict, values: dict) -> dict:
    def filled(items):
        return [{"id": i["id"], "property": i["property"],
                 "value": values.get(f"{i['id']}.{i['property']}")} for i in items]
    outputs = [_spec(o) for o in dep["output"].strip(".").split("...")] if dep["output"].startswith("..") \
        else _spec(dep["output"])
    inputs = filled(dep["inputs"])
    return {"output": dep["output"], "outputs": outputs, "inputs": inputs, "state": filled(dep.get("state", [])),
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs[:1]]}


def call(client, output_part: str, values: dict, reader=None):
    """(status, decoded JSON or None, raw text). Without a session the dependencies are read by
    ``reader`` (a signed-in client), so the refused request is the callback itself."""
    dep = dependency(reader or client, output_part)
    assert dep is not None, "no client that may read the callbacks"
    res = client.post("/_dash-update-component", json=payload(dep, values))
    raw = res.get_data(as_text=True)
    try:
        decoded = json.loads(raw)
    except ValueError:
        decoded = None
    return res.status_code, decoded, raw


def text(decoded) -> str:
    """Decoded JSON as text with every character as itself, for "must not contain" checks."""
    return json.dumps(decoded, ensure_ascii=False)
