"""Every component id in the dashboard, in one place.

Plain ids are string constants grouped by where they live. Graphs and their download buttons
use pattern-matching ids (``graph(name)``, ``svg_button(name)``) so one clientside callback in
the frame serves every chart of every page; likewise each page's ``view(page)`` store, from
which the frame alone writes the URL.
"""
from __future__ import annotations


class Frame:
    URL = "frame-url"
    RENDERED = "frame-rendered"          # dcc.Store: the (path, lang) the page was drawn for
    WRITTEN = "frame-written"            # dcc.Store: the query the page itself last put in the URL
    FRESH = "frame-fresh"                # dcc.Store: the query a page was just drawn from (until it speaks)
    REPLACE = "frame-replace"            # dcc.Store: a query to put in the URL without a history entry
    MENU_BUTTON = "frame-menu-button"    # the header's 菜单 button (narrow screens)
    MENU = "frame-menu"                  # what it opens: page links, search, language, account
    HEADER = "frame-header"
    LANG = "frame-lang-toggle"
    LOGOUT = "frame-logout"
    PAGE = "frame-page"
    NOTICE = "frame-notice"              # what is new since the last visit (pages/inquiries/notice.py)


class Overview:
    YEAR = "overview-year"
    AS_OF = "overview-as-of"
    SCHEDULE = "overview-schedule"
    MESSAGE = "overview-message"
    BODY = "overview-body"
    HEADLINE = "overview-headline"
    FRESHNESS = "overview-freshness"
    # graph names (see graph())
    FUNDS = "overview-funds"
    DEPARTMENTS = "overview-departments"
    MONTHLY = "overview-monthly"


class Department:
    YEAR = "dept-year"
    AS_OF = "dept-as-of"
    DEPT = "dept-dept"
    SCHEDULE = "dept-schedule"
    MESSAGE = "dept-message"
    PICKER = "dept-picker"              # the list of departments when none is chosen
    BODY = "dept-body"
    HEADING = "dept-heading"
    HEADLINE = "dept-headline"
    FLAGS = "dept-flags"
    # graph names
    UNITS = "dept-units"
    MONTHLY = "dept-monthly"
    SANGONG = "dept-sangong"
    IDLE = "dept-idle"
    # table names (see table())
    T_PICKER = "dept-picker"
    T_UNITS = "dept-unit-table"     # 每个单位的执行, with 上年同期
    T_LINES = "dept-lines"
    T_FLAGS = "dept-flags"
    T_AUDIT = "dept-audit"
    T_ASSETS = "dept-assets"
    T_ENTERPRISES = "dept-enterprises"


class Assets:
    YEAR = "assets-year"
    ENTERPRISE = "assets-enterprise"
    CATEGORY = "assets-category"
    MESSAGE = "assets-message"
    BODY = "assets-body"
    HEADLINE = "assets-headline"
    THRESHOLDS = "assets-thresholds"
    # graph names
    DEBT = "assets-debt"
    EQUITY = "assets-equity"
    IDLE = "assets-idle"
    # table names
    T_ENTERPRISES = "assets-enterprises"
    T_ADMIN = "assets-admin"


class Debt:
    YEAR = "debt-year"
    REGION = "debt-region"
    MESSAGE = "debt-message"
    BODY = "debt-body"
    HEADLINE = "debt-headline"
    THRESHOLDS = "debt-thresholds"
    # graph names
    LIMITS = "debt-limits"
    RATIO = "debt-ratio"
    ISSUANCE = "debt-issuance"
    TREND = "debt-trend"
    REPAYMENTS = "debt-repayments"
    # table names
    T_REGIONS = "debt-regions"
    T_ROWS = "debt-rows"


class Audit:
    YEAR = "audit-year"
    AS_OF = "audit-as-of"
    AS_OF_NOTE = "audit-as-of-note"
    MESSAGE = "audit-message"
    BODY = "audit-body"
    HEADLINE = "audit-headline"
    # graph names
    STATUS = "audit-status"
    CATEGORY = "audit-category"
    UNITS = "audit-units"
    # table names
    T_OVERDUE = "audit-overdue"
    T_REPEAT = "audit-repeat"
    T_HOLLOW = "audit-hollow"
    T_UNITS = "audit-units"


class Execution:
    YEAR = "exec-year"
    AS_OF = "exec-as-of"
    BY = "exec-by"
    SCHEDULE = "exec-schedule"
    MESSAGE = "exec-message"
    BODY = "exec-body"
    STATE = "exec-state"                # dcc.Store: the query of the view shown
    GRID_QUERY = "exec-grid-query"      # dcc.Store: the node and period the vouchers grid reads
    GRID_HOLDER = "exec-grid-holder"    # holds the vouchers grid, drawn afresh for each node
    OVERVIEW_GO = "exec-overview-go"    # dcc.Location on the overview: a department bar opens its drill-down
    CRUMBS = "exec-crumbs"
    ACTIONS = "exec-actions"
    HEADLINE = "exec-headline"
    LEVEL_TITLE = "exec-level-title"
    VOUCHERS_BOX = "exec-vouchers-box"
    VOUCHERS_TITLE = "exec-vouchers-title"
    VOUCHERS_NOTE = "exec-vouchers-note"
    # graph names
    TREEMAP = "exec-treemap"
    MONTHLY = "exec-monthly"
    # table names
    T_LEVEL = "exec-level"
    T_VOUCHERS = "exec-vouchers"


class Compare:
    YEAR = "cmp-year"
    AS_OF = "cmp-as-of"
    BY = "cmp-by"
    MEASURE = "cmp-measure"             # radio: heat table of execution rate or of spending
    STATE = "cmp-state"                 # dcc.Store: the query of the view shown
    SCHEDULE = "cmp-schedule"
    MESSAGE = "cmp-message"
    BODY = "cmp-body"
    HEADLINE = "cmp-headline"
    CRUMBS = "cmp-crumbs"
    ACTIONS = "cmp-actions"
    ITEMS_TITLE = "cmp-items-title"
    # graph names
    HEAT = "cmp-heat"
    YEARS = "cmp-years"
    # table names
    T_ITEMS = "cmp-items"


class Projects:
    VIEW = "proj-view"                  # radio: 民生实事 / 政府投资项目
    YEAR = "proj-year"
    AS_OF = "proj-as-of"
    SCHEDULE = "proj-schedule"
    MESSAGE = "proj-message"
    STATE = "proj-state"                # dcc.Store: the query of the view shown
    LIST_BOX = "proj-list-box"          # the year's projects
    ITEM_BOX = "proj-item-box"          # one project
    HEADLINE = "proj-headline"
    CRUMBS = "proj-crumbs"
    INFO = "proj-info"
    GRID_QUERY = "proj-grid-query"      # dcc.Store: the project and period the vouchers grid reads
    GRID_HOLDER = "proj-grid-holder"
    LIST_HOLDER = "proj-list-holder"    # the project list's grid, remounted for each view (list_grid.py)
    LIST_GO = "proj-list-go"            # dcc.Location: a project's name clicked in the list opens it
    VOUCHERS_TITLE = "proj-vouchers-title"
    # graph names
    STATUS = "proj-status"
    RANK = "proj-rank"
    UNITS = "proj-units"
    PROGRESS = "proj-progress"
    MONEY = "proj-money"
    # table names
    T_LIST = "proj-list"
    T_VOTES = "proj-votes"
    T_FLAGS = "proj-flags"
    T_REPORTS = "proj-reports"
    T_BUDGET = "proj-budget"
    T_VOUCHERS = "proj-vouchers"
    T_PVOTES = "proj-pvotes"


class Warnings:
    YEAR = "warnings-year"
    AS_OF = "warnings-as-of"
    RULE = "warnings-rule"
    SEVERITY = "warnings-severity"
    DEPT = "warnings-dept"
    STATUS = "warnings-status"
    FLAG = "warnings-flag"                # dcc.Store: the selected flag, RULE|ENTITY_KEY
    SAVED = "warnings-saved"              # dcc.Store: bumped after a review is saved
    SCROLL = "warnings-scroll"            # dcc.Store: scroll the detail into view
    MESSAGE = "warnings-message"
    BODY = "warnings-body"
    COUNTS = "warnings-counts"
    BY_RULE = "warnings-by-rule"
    THRESHOLD_SUMMARY = "warnings-threshold-summary"
    LIST_NOTE = "warnings-list-note"
    DETAIL = "warnings-detail"
    DETAIL_TITLE = "warnings-detail-title"
    DETAIL_BODY = "warnings-detail-body"
    CLOSE = "warnings-close"
    EVIDENCE_GRAPH_WRAP = "warnings-evidence-graph-wrap"
    EVIDENCE_TABLE_WRAP = "warnings-evidence-table-wrap"
    EVIDENCE_LINKS = "warnings-evidence-links"
    FORM = "warnings-review-form"
    REVIEW_STATUS = "warnings-review-status"
    REVIEW_NOTE = "warnings-review-note"
    REVIEW_NAME = "warnings-review-name"
    REVIEW_SAVE = "warnings-review-save"
    REVIEW_RESULT = "warnings-review-result"
    # graph names
    EVIDENCE_GRAPH = "warnings-evidence"
    # table names
    LIST = "warnings-list"
    SELECTION = "warnings-selection"          # "open one inquiry about the selected flags"
    THRESHOLD_TABLE = "warnings-thresholds"
    EVIDENCE_TABLE = "warnings-evidence"
    HISTORY = "warnings-history"



class Inquiries:
    STATE = "inq-state"
    DEPT = "inq-dept"
    OVERDUE = "inq-overdue"
    SELECTED = "inq-selected"             # dcc.Store: the inquiry shown (its id)
    OPENING = "inq-opening"               # dcc.Store: the flags of the open form (RULE|KEY|YEAR list)
    OPEN_AS_OF = "inq-open-as-of"         # dcc.Store: the as-of date the flags were seen at
    CHANGED = "inq-changed"               # dcc.Store: bumped after a step is taken (staff only)
    MESSAGE = "inq-message"
    BODY = "inq-body"
    CARDS = "inq-cards"
    LIST_NOTE = "inq-list-note"
    OPEN_FORM = "inq-open-form"
    OPEN_FLAGS = "inq-open-flags"
    OPEN_UNIT = "inq-open-unit"
    OPEN_QUESTIONS = "inq-open-questions"
    OPEN_DUE = "inq-open-due"
    OPEN_SUBMIT = "inq-open-submit"
    DETAIL = "inq-detail"
    DETAIL_TITLE = "inq-detail-title"
    DETAIL_BODY = "inq-detail-body"
    CLOSE_DETAIL = "inq-close-detail"
    SEND_FORM = "inq-send-form"
    SEND_ON = "inq-send-on"
    SEND = "inq-send"
    ANSWER_FORM = "inq-answer-form"
    ANSWER_TEXT = "inq-answer-text"
    ANSWER_ON = "inq-answer-on"
    ANSWER_FILE = "inq-answer-file"
    ANSWER_FILE_NAME = "inq-answer-file-name"
    ANSWER = "inq-answer"
    CLOSE_FORM = "inq-close-form"
    JUDGEMENT = "inq-judgement"
    CLOSE_NOTE = "inq-close-note"
    FOLLOW_UP = "inq-follow-up"
    CLOSE = "inq-close"
    RESULT = "inq-result"
    # graph names
    BY_UNIT_GRAPH = "inq-by-unit"
    # table names
    LIST = "inq-list"
    BY_UNIT = "inq-units"

class Admin:
    ACTION = "admin-action"
    ACTOR = "admin-actor"
    MESSAGE = "admin-message"
    USERS = "admin-users"            # table names (see table())
    LOG = "admin-log"


class Data:
    MESSAGE = "data-message"
    FEED = "data-feed"
    UPLOAD = "data-upload"
    FILE_NAME = "data-file-name"
    PARTIAL = "data-partial"
    WHO = "data-who"
    LOAD = "data-load"
    REPORT = "data-report"
    LOADED = "data-loaded"                # dcc.Store: bumped after a load was applied
    UPLOAD_SECTION = "data-upload-section"
    PROBLEMS_WRAP = "data-problems-wrap"
    PROBLEMS_DATA = "data-problems-data"    # dcc.Store: the last report's problems, for download
    # table names
    STATUS = "data-status"
    HISTORY = "data-history"
    PROBLEMS = "data-problems"


class Search:
    INPUT = "search-input"              # the header's search box
    RESULTS = "search-results"          # its grouped suggestions


class Payees:
    NAME = "payee-name"
    YEAR = "payee-year"
    STATE = "payee-state"
    MESSAGE = "payee-message"
    BODY = "payee-body"
    HEADING = "payee-heading"
    HEADLINE = "payee-headline"
    SIMILAR = "payee-similar"
    FLAGS = "payee-flags"
    # graph names
    YEARS = "payee-years"
    MONTHLY = "payee-monthly"
    # table names
    T_UNITS = "payee-units"
    T_ECON = "payee-econ"
    T_VOUCHERS = "payee-vouchers"
    T_FLAGS = "payee-flags"


class Voucher:
    MESSAGE = "voucher-message"
    BODY = "voucher-body"
    HEADING = "voucher-heading"
    FIELDS = "voucher-fields"
    LINE = "voucher-line"
    FLAGS = "voucher-flags"
    # table names
    T_NEARBY = "voucher-nearby"


GRAPH = "bw-graph"
TABLE = "bw-table"
TABLE_CSV = "bw-table-csv"
TABLE_XLSX = "bw-table-xlsx"
TABLE_DOWNLOAD = "bw-table-download"
SVG_BUTTON = "bw-svg"
PNG_BUTTON = "bw-png"
CHART_FILE = "bw-chart-file"
VIEW = "bw-view"


def view(page: str) -> dict:
    """The dcc.Store in which a page puts the URL query of what it shows (see frame.py)."""
    return {"type": VIEW, "page": page}


def graph(name: str) -> dict:
    return {"type": GRAPH, "name": name}


def svg_button(name: str) -> dict:
    return {"type": SVG_BUTTON, "name": name}


def png_button(name: str) -> dict:
    return {"type": PNG_BUTTON, "name": name}


def chart_file(name: str) -> dict:
    """The store a chart's prepared download passes through (chart_downloads.py)."""
    return {"type": CHART_FILE, "name": name}


def table(name: str) -> str:
    """A data grid (see tables.py); plain string ids so AG Grid's own events stay simple."""
    return f"{TABLE}-{name}"


def table_csv(name: str) -> str:
    return f"{TABLE_CSV}-{name}"


def table_xlsx(name: str) -> str:
    return f"{TABLE_XLSX}-{name}"


def table_download(name: str) -> str:
    return f"{TABLE_DOWNLOAD}-{name}"


class Suggestions:
    YEAR = "sugg-year"
    AS_OF = "sugg-as-of"
    AS_OF_NOTE = "sugg-as-of-note"
    MESSAGE = "sugg-message"
    BODY = "sugg-body"
    MORE = "sugg-more"                    # the deputy's view, one suggestion, the tables
    HEADLINE = "sugg-headline"
    DEPUTY = "sugg-deputy"                # dropdown: the deputy whose view is shown
    DEPUTY_SUMMARY = "sugg-deputy-summary"
    SUGGESTION = "sugg-suggestion"        # dropdown: the suggestion whose timeline is shown
    ONE_HEAD = "sugg-one-head"
    ONE_FLAGS = "sugg-one-flags"
    # graph names
    FIELD = "sugg-field"
    CLASS = "sugg-class"
    SATISFACTION = "sugg-satisfaction"
    TIMELINE = "sugg-timeline"
    # table names
    T_DEPUTY = "sugg-deputy"
    T_HANDLING = "sugg-handling"
    T_UNITS = "sugg-units"
    T_PRIORITY = "sugg-priority"
    T_ALL = "sugg-all"
