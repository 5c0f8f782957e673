-- The data database: one table per feed, plus the record of applied loads.
-- Every feed row carries load_id (the load it came from) and extra (columns the file had
-- beyond the feed's own, kept aside as JSON). Amounts are yuan in DECIMAL(18,2).
-- tests/test_schema.py checks these columns against ingest/spec.py.

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE IF NOT EXISTS loads (
    load_id        INTEGER PRIMARY KEY,
    feed           VARCHAR NOT NULL,
    file_name      VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    file_format    VARCHAR,          -- csv/xlsx/xls, with the encoding for csv
    sheet          VARCHAR,
    unit           VARCHAR,          -- 元 / 万元 / 亿元: the unit the file's amounts were given in
    rows_read      INTEGER NOT NULL,
    rows_inserted  INTEGER NOT NULL,
    rows_updated   INTEGER NOT NULL,
    rows_unchanged INTEGER NOT NULL,
    rows_rejected  INTEGER NOT NULL,
    loaded_by      VARCHAR NOT NULL,
    loaded_at      TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS departments (
    dept_code   VARCHAR NOT NULL,
    dept_name   VARCHAR NOT NULL,
    parent_code VARCHAR,
    region_code VARCHAR,
    load_id     INTEGER NOT NULL,
    extra       JSON
);

CREATE TABLE IF NOT EXISTS budget (
    year            INTEGER NOT NULL,
    dept_code       VARCHAR NOT NULL,
    func_code       VARCHAR NOT NULL,
    econ_code       VARCHAR NOT NULL,
    fund_type       VARCHAR NOT NULL,
    original_amount DECIMAL(18,2) NOT NULL,
    adjusted_amount DECIMAL(18,2) NOT NULL,
    load_id         INTEGER NOT NULL,
    extra           JSON,
    project_code    VARCHAR          -- the 项目库 code of the line, when the file gives one
);

CREATE TABLE IF NOT EXISTS payments (
    voucher_no    VARCHAR NOT NULL,
    pay_date      DATE NOT NULL,
    dept_code     VARCHAR NOT NULL,
    func_code     VARCHAR NOT NULL,
    econ_code     VARCHAR NOT NULL,
    fund_type     VARCHAR NOT NULL,
    payee         VARCHAR NOT NULL,
    amount        DECIMAL(18,2) NOT NULL,
    payee_account VARCHAR,
    purpose       VARCHAR,
    load_id       INTEGER NOT NULL,
    extra         JSON,
    project_code  VARCHAR            -- the 项目库 code the payment is charged to, when given
);

CREATE TABLE IF NOT EXISTS assets_enterprise (
    year              INTEGER NOT NULL,
    enterprise_code   VARCHAR NOT NULL,
    enterprise_name   VARCHAR NOT NULL,
    supervisor_code   VARCHAR,
    total_assets      DECIMAL(18,2) NOT NULL,
    total_liabilities DECIMAL(18,2) NOT NULL,
    owner_equity      DECIMAL(18,2) NOT NULL,
    revenue           DECIMAL(18,2),
    profit            DECIMAL(18,2) NOT NULL,
    load_id           INTEGER NOT NULL,
    extra             JSON
);

CREATE TABLE IF NOT EXISTS assets_admin (
    year           INTEGER NOT NULL,
    dept_code      VARCHAR NOT NULL,
    asset_category VARCHAR NOT NULL,
    quantity       DECIMAL(18,2),
    book_value     DECIMAL(18,2) NOT NULL,
    idle_value     DECIMAL(18,2) NOT NULL,
    load_id        INTEGER NOT NULL,
    extra          JSON
);

CREATE TABLE IF NOT EXISTS audit_findings (
    finding_id       VARCHAR NOT NULL,
    audit_year       INTEGER NOT NULL,
    audit_project    VARCHAR,
    dept_code        VARCHAR NOT NULL,
    category         VARCHAR NOT NULL,
    description      VARCHAR,
    amount_involved  DECIMAL(18,2) NOT NULL,
    deadline         DATE NOT NULL,
    status           VARCHAR NOT NULL,   -- 已整改 / 部分整改 / 未整改
    amount_rectified DECIMAL(18,2) NOT NULL,
    rectified_date   DATE,
    load_id          INTEGER NOT NULL,
    extra            JSON
);

-- 代表建议办理台账: one row per suggestion and handling unit (key suggestion_no, dept_code);
-- the suggestion's own columns repeat on each of its units' rows.
CREATE TABLE IF NOT EXISTS suggestions (
    suggestion_no     VARCHAR NOT NULL,
    year              INTEGER NOT NULL,
    title             VARCHAR NOT NULL,
    field             VARCHAR,
    lead_deputy       VARCHAR NOT NULL,
    co_deputies       VARCHAR,          -- names separated by 、 or ,
    priority          VARCHAR NOT NULL, -- 是 / 否 (重点督办)
    dept_code         VARCHAR NOT NULL,
    role              VARCHAR NOT NULL, -- 主办 / 协办 / 分办
    assigned_date     DATE NOT NULL,
    extended_to       DATE,
    replied_date      DATE,
    reply_class       VARCHAR,          -- A / B / C / D
    promised_date     DATE,
    satisfaction      VARCHAR,          -- 满意 / 基本满意 / 不满意
    rating_source     VARCHAR NOT NULL, -- 代表本人 / 承办单位代填
    rated_date        DATE,
    second_reply_date DATE,
    closed_date       DATE,
    load_id           INTEGER NOT NULL,
    extra             JSON
);

-- Government debt (政府债务) per year, region and type; region_code padded to 6 digits
-- (43 → 430000). fiscal_capacity (综合财力) is the same on both rows of a region and year.
CREATE TABLE IF NOT EXISTS debt (
    year               INTEGER NOT NULL,
    region_code        VARCHAR NOT NULL,
    region_name        VARCHAR NOT NULL,
    debt_type          VARCHAR NOT NULL,   -- 一般债务 / 专项债务
    limit_amount       DECIMAL(18,2) NOT NULL,
    balance            DECIMAL(18,2) NOT NULL,
    new_quota          DECIMAL(18,2),
    new_issued         DECIMAL(18,2),
    refinancing_issued DECIMAL(18,2),
    principal_repaid   DECIMAL(18,2),
    interest_paid      DECIMAL(18,2),
    fiscal_capacity    DECIMAL(18,2),
    load_id            INTEGER NOT NULL,
    extra              JSON
);

-- Budget and payments gained project_code after their first release: a data folder made
-- before it gets the column (empty) the next time a load opens it.
ALTER TABLE budget ADD COLUMN IF NOT EXISTS project_code VARCHAR;
ALTER TABLE payments ADD COLUMN IF NOT EXISTS project_code VARCHAR;

-- 项目库: the livelihood projects the deputies voted (民生实事) and government investment projects.
CREATE TABLE IF NOT EXISTS projects (
    project_code      VARCHAR NOT NULL,
    project_name      VARCHAR NOT NULL,
    dept_code         VARCHAR NOT NULL,   -- the lead unit (牵头单位)
    category          VARCHAR,
    livelihood_year   INTEGER,            -- the year the congress voted it; NULL when not a 民生实事
    is_investment     BOOLEAN NOT NULL,
    target            VARCHAR,
    total_investment  DECIMAL(18,2) NOT NULL,
    approved_estimate DECIMAL(18,2),
    planned_start     DATE NOT NULL,
    planned_finish    DATE NOT NULL,
    actual_start      DATE,
    actual_finish     DATE,
    funding_source    VARCHAR,
    load_id           INTEGER NOT NULL,
    extra             JSON
);

CREATE TABLE IF NOT EXISTS project_progress (
    project_code      VARCHAR NOT NULL,
    report_date       DATE NOT NULL,
    year_plan         DECIMAL(18,2) NOT NULL,
    year_completed    DECIMAL(18,2) NOT NULL,
    total_completed   DECIMAL(18,2),
    physical_progress DECIMAL(18,2),      -- percent 0–100
    status            VARCHAR NOT NULL,   -- 未开工 / 在建 / 已完工 / 停工
    note              VARCHAR,
    load_id           INTEGER NOT NULL,
    extra             JSON
);

CREATE TABLE IF NOT EXISTS project_evaluation (
    year                INTEGER NOT NULL,
    project_code        VARCHAR NOT NULL,
    members             INTEGER NOT NULL,
    present             INTEGER NOT NULL,
    satisfied           INTEGER NOT NULL,
    basically_satisfied INTEGER NOT NULL,
    unsatisfied         INTEGER NOT NULL,
    abstained           INTEGER NOT NULL,
    load_id             INTEGER NOT NULL,
    extra               JSON
);

-- Payments summed per day and code combination (~50× fewer rows than payments at 10M a year),
-- so that totals, drill-down levels and monthly curves need not scan every payment; exact for
-- any as-of date. Rebuilt by every load that changes payments (ingest/load.py refresh_daily,
-- only the days the load touched). It answers for a generation only while meta's
-- 'payments_daily' value is that generation's file name (ingest.load.daily_ready): a generation
-- changed any other way keeps an older name, and readers then use payments itself.
CREATE TABLE IF NOT EXISTS payments_daily (
    pay_date  DATE NOT NULL,
    dept_code VARCHAR NOT NULL,
    func_code VARCHAR NOT NULL,
    econ_code VARCHAR NOT NULL,
    fund_type VARCHAR NOT NULL,
    payments  BIGINT NOT NULL,
    amount    DECIMAL(38,2) NOT NULL
);

-- Every searchable name once per unit that owns it, with its matching form (queries/search.py);
-- rebuilt at the end of every load, valid while meta's 'search_index' value is the generation's
-- file name. Per unit so that a department-limited reader's scoped view filters it.
CREATE TABLE IF NOT EXISTS search_index (
    kind      VARCHAR NOT NULL,     -- payee / purpose / dept / unit / func / econ / enterprise / finding / …
    key       VARCHAR NOT NULL,     -- what opens it: the payee's name, a code, an id
    name      VARCHAR,
    norm      VARCHAR,              -- queries.search.normalise(name)
    code      VARCHAR,              -- matched by prefix
    top_code  VARCHAR,              -- a unit's top-level department
    dept_code VARCHAR,              -- the owning unit (NULL: not unit-owned, e.g. regions)
    year_from INTEGER,
    year_to   INTEGER,
    payments  BIGINT,
    amount    DOUBLE
);
