"""The closed door: login, sessions, roles on every request, CSRF, security headers.

Everything the Flask server answers goes through ``_guard`` — pages, Dash's layout,
dependency and callback requests, component bundles, assets, downloads, uploads — except
the login page itself. Without a live session a browser page is redirected to ``/login`` and
anything else gets 401 with no data. Callbacks that change things (reviews, uploads) also
name the role they need: ``protect(output_id, role)`` makes the guard refuse a callback
request for that output from anyone below the role (403), however the request was made —
and the callbacks check again themselves (``dashboard/auth.py``).

Sessions are Flask's signed cookies (HttpOnly, SameSite=Lax, Secure when served over
HTTPS) carrying a random session id that is recorded on the server (``queries/accounts.py``);
they expire after ``IDLE_MINUTES`` without a request and ``MAX_HOURS`` in all. The session
record and its user are looked up on every request, so logging out, a new password, a new
role or disabling the account ends a session at once — even a cookie copied earlier. POSTs
from another origin are refused; the login form carries a CSRF token.

When the state file cannot be used (busy past its wait, read-only), new logins and anything
that must be written answer 503 with a sentence naming the file and what to do; a session this
server checked within ``GRACE_MINUTES`` keeps reading meanwhile.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import html
import json
import logging
import os
import secrets
import threading
import time
from collections import OrderedDict
from urllib.parse import quote, unquote, urlparse, urlsplit

from flask import Flask, Response, g, redirect, request, session

from budgetwatch.queries import accounts, state
from budgetwatch.queries.store import reset_scope, set_scope

IDLE_MINUTES = int(os.environ.get("BUDGETWATCH_IDLE_MINUTES", "60"))
MAX_HOURS = 12
MAX_UPLOAD_BYTES = 300 * 1024 * 1024   # a 200 MB file, base64-encoded inside a callback request
FAIL_DELAY_S = 0.4                     # every failed login costs the caller this long
PUBLIC = {"/login", "/favicon.ico"}
_PROTECTED_KEY = "budgetwatch.protected_outputs"
_SESSIONS_KEY = "budgetwatch.checked_sessions"
GRACE_MINUTES = 15                     # a checked session keeps reading while the state file is busy
log = logging.getLogger("budgetwatch.security")


def install(server: Flask, data_dir, *, secure_cookies: bool | None = None) -> None:
    """Put the door on ``server`` (the Dash app's Flask server)."""
    server.secret_key = accounts.secret_key(data_dir)
    if secure_cookies is None:
        secure_cookies = os.environ.get("BUDGETWATCH_SECURE_COOKIES", "") in ("1", "true", "yes")
    server.config.update(
        SESSION_COOKIE_NAME="budgetwatch_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=MAX_HOURS),
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
    )
    server.config.setdefault(_PROTECTED_KEY, {})
    server.config["budgetwatch.data_dir"] = data_dir
    server.extensions[_SESSIONS_KEY] = CheckedSessions()
    server.register_error_handler(state.StateError, _state_unavailable)
    if os.environ.get("BUDGETWATCH_BEHIND_PROXY", "") in ("1", "true", "yes"):
        # behind nginx/caddy terminating HTTPS: trust one proxy's X-Forwarded-* headers
        from werkzeug.middleware.proxy_fix import ProxyFix
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1, x_host=1)

    server.before_request(_guard)
    server.after_request(_headers)
    server.teardown_request(_end_scope)
    server.add_url_rule("/login", "bw_login", _login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "bw_logout", _logout, methods=["POST"])
    server.add_url_rule("/favicon.ico", "bw_favicon", _favicon)


def protect(server: Flask, output_id: str, role: str) -> None:
    """Refuse callback requests whose output includes ``output_id`` unless the user has ``role``."""
    server.config.setdefault(_PROTECTED_KEY, {})[output_id] = role


# -- per request --------------------------------------------------------------------------

def _data_dir(server: Flask | None = None):
    from flask import current_app
    return (server or current_app).config["budgetwatch.data_dir"]


def session_user() -> accounts.User | None:
    """The logged-in, enabled user of this request's session, or None (expired sessions end here)."""
    name = session.get("user")
    if not name:
        return None
    now = time.time()
    if now - session.get("seen", 0) > IDLE_MINUTES * 60 or now - session.get("since", 0) > MAX_HOURS * 3600:
        session.clear()
        return None
    sid = session.get("sid")
    checked = _checked()
    try:
        user = accounts.session_user(_data_dir(), sid)
    except state.StateError:
        user = checked.recall(sid)       # the file is busy or unreadable: a session seen lately reads on
        if user is None:
            raise
    else:
        checked.remember(sid, user)
    if user is None or user.username != name:
        session.clear()
        return None
    session["seen"] = now
    return user


class CheckedSessions:
    """Sessions this server found live lately, to keep serving reads while the state file
    cannot be read. Consulted only when it cannot: a session ended in the file (logout, new
    password, ...) is refused as soon as the file answers again."""

    def __init__(self, size: int = 10_000):
        self._seen: OrderedDict[str, tuple[accounts.User, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    @staticmethod
    def _key(sid: str | None) -> str:
        return hashlib.sha256((sid or "").encode()).hexdigest()

    def remember(self, sid: str | None, user: accounts.User | None) -> None:
        with self._lock:
            key = self._key(sid)
            if user is None:
                self._seen.pop(key, None)
                return
            self._seen[key] = (user, time.time())
            self._seen.move_to_end(key)
            while len(self._seen) > self._size:
                self._seen.popitem(last=False)

    def recall(self, sid: str | None) -> accounts.User | None:
        if not sid:
            return None
        with self._lock:
            hit = self._seen.get(self._key(sid))
        if hit is None or time.time() - hit[1] > GRACE_MINUTES * 60:
            return None
        return hit[0]


def _checked() -> CheckedSessions:
    from flask import current_app
    return current_app.extensions.setdefault(_SESSIONS_KEY, CheckedSessions())


def _state_unavailable(exc: state.StateError) -> Response:
    """503 with the sentence from the state file's error: for a page, a page; else JSON."""
    log.error("state database unavailable: %s", exc)
    if _wants_page() or request.path == "/login":
        resp = _login_page(_safe_next(request.values.get("next")), exc.zh, exc.en, status=503, hint=False)
    else:
        resp = _refuse(503, exc.zh, exc.en)
    resp.headers["Retry-After"] = "30"
    return resp


def _wants_page() -> bool:
    return (request.method == "GET" and not request.path.startswith("/_")
            and "text/html" in (request.headers.get("Accept") or ""))


def _same_origin() -> bool:
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return True  # not sent by browsers' cross-site forms without also sending Origin
    o = urlparse(origin)
    return f"{o.scheme}://{o.netloc}" == request.host_url.rstrip("/")


def _guard():
    if request.method not in ("GET", "HEAD", "OPTIONS") and not _same_origin():
        return _refuse(403, "跨站请求被拒绝", "cross-site request refused")
    if request.path in PUBLIC:
        return None
    user = session_user()
    if user is None:
        if _wants_page():
            nxt = request.full_path if request.query_string else request.path
            return redirect("/login?next=" + quote(nxt, safe="/"))   # the whole query, & and all
        return _refuse(401, "请先登录", "login required")
    g.user = user
    g.scope_token = set_scope(user.depts)   # an account limited to departments reads only theirs
    if request.path == "/_dash-update-component":
        needed = _role_for_callback()
        if needed and not user.can(needed):
            accounts.log_event(_data_dir(), user.username, "forbidden", request.path,
                               {"needs": needed}, _ip(), outcome="refused", must=False)
            return _refuse(403, "无此权限", "not allowed for your role")
    return None


def _end_scope(_exc=None) -> None:
    token = g.pop("scope_token", None)
    if token is not None:
        reset_scope(token)


def _role_for_callback() -> str | None:
    protected: dict = _data_config()
    if not protected:
        return None
    try:
        body = request.get_json(silent=True) or {}
    except Exception:  # a malformed body: Dash will refuse it too
        return None
    text = json.dumps(body.get("output", "")) + json.dumps(body.get("outputs", ""))
    needed = [role for oid, role in protected.items() if oid in text]
    return max(needed, key=accounts.ROLES.index) if needed else None


def _data_config() -> dict:
    from flask import current_app
    return current_app.config.get(_PROTECTED_KEY, {})


def _refuse(status: int, zh: str, en: str) -> Response:
    return Response(json.dumps({"error": f"{zh} / {en}"}, ensure_ascii=False), status=status,
                    mimetype="application/json")


def _headers(resp: Response) -> Response:
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("X-Frame-Options", "DENY")
    resp.headers.setdefault("Referrer-Policy", "same-origin")
    if request.path.startswith("/_dash-update-component") or request.path in PUBLIC:
        resp.headers["Cache-Control"] = "no-store"
    return resp


def _ip() -> str:
    return request.remote_addr or ""


def _unsafe_path(text: str) -> bool:
    """Could a browser read ``text`` as anything but a path on this site?

    Browsers drop tabs and newlines from a Location (``/\t/evil.example`` becomes
    ``//evil.example``), read a backslash as a slash, and take ``//host`` or ``scheme:`` as
    another site; a newline in a header is also an error on our side."""
    if not text.startswith("/") or text.startswith("//"):
        return True
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7f or ch == "\\" for ch in text):
        return True
    parts = urlsplit(text)
    return bool(parts.scheme or parts.netloc)


def _safe_next(nxt: str | None) -> str:
    """Where to go after logging in: ``nxt`` when it is a same-site absolute path (its query
    kept whole, so a shared link lands on its exact view), else ``/``.

    The path is checked as given and again after each further percent-decoding, so an
    encoded ``%2F%2Fevil.example`` or ``%09`` cannot turn into another site on the way."""
    if not nxt or len(nxt) > 4000 or _unsafe_path(nxt):
        return "/"
    path = nxt.split("?", 1)[0]
    for _ in range(5):
        decoded = unquote(path)
        if decoded == path:
            return nxt
        if _unsafe_path(decoded):
            return "/"
        path = decoded
    return "/"


# -- login and logout ---------------------------------------------------------------------

def _csrf_ok() -> bool:
    """The form's token matches the session's. No token on either side is a refusal (an empty
    form field against a session that never had one must not pass as equal)."""
    sent, expected = request.form.get("csrf") or "", session.get("csrf") or ""
    return bool(sent and expected) and hmac.compare_digest(sent, expected)


_ICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" '
         'fill="#1d2b4f"/><path d="M4 12V8M8 12V4M12 12V6" stroke="#fff" stroke-width="2"/></svg>')


def _favicon() -> Response:
    """A small static icon, the same for everyone (never the app's index page)."""
    return Response(_ICON, mimetype="image/svg+xml")


def _csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def _login():
    data_dir = _data_dir()
    nxt = _safe_next(request.values.get("next"))
    if request.method == "GET":
        try:
            signed_in = session_user() is not None
        except state.StateError:
            signed_in = False
        if signed_in:
            return redirect(nxt)
        return _login_page(nxt)
    if not _csrf_ok():
        return _login_page(nxt, "表单已过期，请重试", "the form expired; please try again", status=400)
    username = (request.form.get("username") or "").strip()
    password = request.form.get("password") or ""
    try:
        result = accounts.authenticate(data_dir, username, password, _ip())
    except state.StateError as exc:
        log.error("login of %r not possible: %s", username, exc)
        resp = _login_page(nxt, "暂时无法登录：" + exc.zh, "logging in is not possible now: " + exc.en,
                           status=503, hint=False)
        resp.headers["Retry-After"] = "30"
        return resp
    if result.user is None:
        time.sleep(FAIL_DELAY_S)
        if result.reason == "locked":
            mins = max(1, int((result.locked_until - dt.datetime.now()).total_seconds() // 60) + 1)
            return _login_page(nxt, f"登录失败次数过多，账号已锁定约{mins}分钟",
                               f"too many failed logins; the account is locked for about {mins} minutes", status=429)
        return _login_page(nxt, "用户名或密码不正确", "wrong user name or password", status=401)
    session.clear()
    session.permanent = True
    session.update(user=result.user.username, sid=result.session, since=time.time(), seen=time.time(),
                   csrf=secrets.token_urlsafe(32))
    _checked().remember(result.session, result.user)
    return redirect(nxt)


def _logout():
    user = session.get("user")
    if not _csrf_ok():
        return _refuse(400, "表单已过期", "the form expired")
    if user:
        _checked().remember(session.get("sid"), None)
        try:
            accounts.end_session(_data_dir(), session.get("sid"))
        except state.StateError as exc:   # the cookie is cleared anyway; say so in the log
            log.error("logout of %r not recorded, its session stays valid in the state file: %s", user, exc)
        accounts.log_event(_data_dir(), user, "logout", user, {}, _ip(), must=False)
    session.clear()
    return redirect("/login")


def csrf_token() -> str:
    """For forms the dashboard renders (the logout button); '' outside a request (tests)."""
    from flask import has_request_context
    return _csrf_token() if has_request_context() else ""


_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · 预算联网监督 budgetwatch</title>
<style>
body{{margin:0;font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
background:#f3f5f9;color:#1d2b3a}}
header{{background:#1d2b4f;color:#fff;padding:14px 28px;font-size:18px;font-weight:600}}
header span{{font-weight:400;opacity:.7;font-size:13px;margin-left:8px;font-family:monospace}}
main{{max-width:380px;margin:72px auto;background:#fff;border:1px solid #dde3ec;border-radius:8px;padding:28px 32px}}
h1{{font-size:20px;margin:0 0 4px}} p.sub{{margin:0 0 20px;color:#5b6b7f;font-size:13px}}
label{{display:block;font-size:13px;margin:14px 0 6px;color:#33465c}}
input[type=text],input[type=password]{{width:100%;box-sizing:border-box;padding:9px 10px;border:1px solid #c5cfdc;
border-radius:5px;font-size:15px}}
button{{margin-top:22px;width:100%;padding:10px;background:#1d4f91;color:#fff;border:0;border-radius:5px;font-size:15px;
cursor:pointer}} .err{{background:#fdecea;color:#a4261d;border-radius:5px;padding:9px 11px;font-size:13px;margin-top:8px}}
.hint{{font-size:12px;color:#6b7a8c;margin-top:18px}} code{{background:#eef2f7;padding:1px 4px;border-radius:3px}}
</style></head><body>
<header>预算联网监督<span>budgetwatch</span></header>
<main><h1>登录 Log in</h1><p class="sub">人大预算联网监督系统 · Budget online supervision</p>
{error}
<form method="post" action="/login" autocomplete="on">
<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="next" value="{next}">
<label for="username">用户名 User name</label><input type="text" id="username" name="username" required autofocus>
<label for="password">密码 Password</label><input type="password" id="password" name="password" required>
<button type="submit" id="login-submit">登录 Log in</button>
</form>{hint}</main></body></html>"""


def _login_page(nxt: str, zh: str = "", en: str = "", status: int = 200, hint: bool = True) -> Response:
    error = f'<div class="err" role="alert">{html.escape(zh)}<br>{html.escape(en)}</div>' if zh else ""
    show_hint, hint = hint, ""
    try:
        none_yet = show_hint and accounts.count_users(_data_dir()) == 0
    except state.StateError:
        none_yet = False
    if none_yet:
        hint = ('<p class="hint">还没有账号。请在服务器上创建：<code>budgetwatch user add NAME --role admin</code><br>'
                'No accounts yet. Create one on the server with <code>budgetwatch user add NAME --role admin</code></p>')
    body = _PAGE.format(error=error, csrf=html.escape(_csrf_token()), next=html.escape(nxt), hint=hint)
    return Response(body, status=status, mimetype="text/html")
