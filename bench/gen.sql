-- Fills an itsm database (schema already created by itsm itself) with
-- synthetic tickets and their events, fast: INSERT ... SELECT over a
-- recursive CTE.  Run as
--   { echo "PRAGMA temp_store = MEMORY;"
--     echo "CREATE TEMP TABLE p AS SELECT N AS n, NOW AS now;"
--     cat bench/gen.sql; } | sqlite3 DB >/dev/null
-- (temp_store first: setting it later would drop the table p.)
-- Deterministic: the same N and NOW give the same database.
--
-- What it holds (see bench/README):
--   tickets 1..N opened over three years, id order = time order;
--   10% open: 45% of the most recent fifth, 1.25% of the older ones;
--   open: 30% new, 50% in_progress, 20% on_hold;
--   the rest: 85% closed, 5% resolved, 5% cancelled, 5% redirected;
--   80% incidents, 15% requests, 5% changes;
--   priorities P1 3%, P2 12%, P3 35%, P4 35%, P5 10%, none 5%,
--   impact and urgency consistent with the default matrix;
--   three groups (60/30/10%) and their tiers, 50 technicians, 20000
--   callers, 20 services, the policy's channels and categories;
--   about five events per ticket, inserted in time order (as they would
--   have been recorded), so one ticket's events are scattered;
--   open tickets recently active (within half their stagnation
--   threshold) but exactly 10 stagnant ones and 10 more stagnant ones
--   already escalated, whatever N: the cron sweep has a few to report;
--   a few major incidents (0.03%) with their dossier.

PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1048576;

-- The default policy's targets by priority index (P1 = 0).
CREATE TEMP TABLE pri (pi INTEGER PRIMARY KEY, name TEXT, resp INTEGER,
    reso INTEGER, stag INTEGER);
INSERT INTO pri VALUES (0, 'P1', 900, 14400, 3600),
    (1, 'P2', 1800, 28800, 14400), (2, 'P3', 7200, 86400, 86400),
    (3, 'P4', 14400, 259200, 259200), (4, 'P5', 86400, 604800, 604800);

CREATE TEMP TABLE cat (k INTEGER PRIMARY KEY, category TEXT,
    subcategory TEXT);
INSERT INTO cat (category, subcategory) VALUES
    ('hardware', 'desktop'), ('hardware', 'laptop'), ('hardware', 'printer'),
    ('hardware', 'peripheral'), ('hardware', 'mobile'),
    ('software', 'application'), ('software', 'operating-system'),
    ('software', 'email'), ('software', 'office'),
    ('network', 'connectivity'), ('network', 'vpn'), ('network', 'wifi'),
    ('network', 'dns'), ('access', 'account'), ('access', 'password'),
    ('access', 'permission'), ('security', 'malware'),
    ('security', 'phishing'), ('security', 'data-leak'),
    ('software', 'application'), ('access', 'password');

CREATE TEMP TABLE phrase (k INTEGER PRIMARY KEY, text TEXT);
INSERT INTO phrase (text) VALUES ('Printer jammed on floor 3'),
    ('Cannot log in to the VPN'), ('Outlook keeps asking for a password'),
    ('Laptop will not boot'), ('Wi-Fi drops every few minutes'),
    ('ERP report times out'), ('New starter needs an account'),
    ('Screen flickers'), ('Shared drive not mapped'),
    ('Phishing mail received'), ('Payroll export fails'),
    ('Teams calls have no sound'), ('Password expired'),
    ('Docking station not detected'), ('CRM is very slow'),
    ('Access to the finance folder');

CREATE TEMP TABLE svc (k INTEGER PRIMARY KEY, name TEXT);
INSERT INTO svc (name) VALUES ('mail'), ('vpn'), ('erp'), ('payroll'),
    ('crm'), ('wifi'), ('print'), ('intranet'), ('file-share'), ('voip'),
    ('hr-portal'), ('sso'), ('backup'), ('web-shop'), ('wiki'), ('ci'),
    ('monitoring'), ('dns'), ('laptops'), ('desktops');

-- One row per ticket: its uniform draws u1..u12 in 0..9999 (Weyl
-- sequences of distinct multipliers: independent enough, and fast).
CREATE TEMP TABLE g AS
WITH RECURSIVE seq(i) AS (
    SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < (SELECT n FROM p)
), u AS (
    SELECT i,
      i * 2654435761 % 4294967296 / 429497 AS u1,
      i * 2246822519 % 4294967296 / 429497 AS u2,
      i * 3266489917 % 4294967296 / 429497 AS u3,
      i * 668265263 % 4294967296 / 429497 AS u4,
      i * 374761393 % 4294967296 / 429497 AS u5,
      i * 3432918353 % 4294967296 / 429497 AS u6,
      i * 461845907 % 4294967296 / 429497 AS u7,
      i * 2869860233 % 4294967296 / 429497 AS u8,
      i * 1597334677 % 4294967296 / 429497 AS u9,
      i * 3812015801 % 4294967296 / 429497 AS u10,
      i * 2471408141 % 4294967296 / 429497 AS u11,
      i * 1181783497 % 4294967296 / 429497 AS u12
    FROM seq
), s AS (
    SELECT u.*,
      CASE WHEN (i > (SELECT n FROM p) * 4 / 5 AND u1 < 4500) OR u1 < 125
        THEN CASE WHEN u2 < 3000 THEN 'new' WHEN u2 < 8000 THEN 'in_progress'
          ELSE 'on_hold' END
        ELSE CASE WHEN u2 < 8500 THEN 'closed' WHEN u2 < 9000 THEN 'resolved'
          WHEN u2 < 9500 THEN 'cancelled' ELSE 'redirected' END
      END AS status,
      CASE WHEN u3 < 8000 THEN 'incident' WHEN u3 < 9500 THEN 'request'
        ELSE 'change' END AS type,
      CASE WHEN u4 < 300 THEN 0 WHEN u4 < 1500 THEN 1 WHEN u4 < 5000 THEN 2
        WHEN u4 < 8500 THEN 3 WHEN u4 < 9500 THEN 4 END AS pi,
      (SELECT now FROM p) - ((SELECT n FROM p) - i) * 94608000 /
        (SELECT n FROM p) - 600 - u12 % 3600 AS opened_at
    FROM u
)
SELECT s.*,
  pri.name AS priority, pri.resp, pri.reso, ifnull(pri.stag, 604800) AS stag,
  CASE WHEN u7 < 6000 THEN 'service-desk' WHEN u7 < 9000 THEN 'support-l2'
    ELSE 'engineering' END AS grp,
  CASE WHEN u7 < 6000 THEN 'N1' WHEN u7 < 9000 THEN 'N2' ELSE 'N3' END
    AS tier,
  'tech' || printf('%02d', u8 % 50 + 1) AS tech,
  'user' || (u9 * 2 + u1 % 2) AS caller,
  0 AS stagnant
FROM s LEFT JOIN pri USING (pi);

-- Exactly 10 stagnant tickets and 10 stagnant but already escalated,
-- among the open, workable tickets opened more than a week ago.
CREATE TEMP TABLE pick AS
SELECT i, row_number() OVER (ORDER BY (i * 2246822519) % 4294967296) AS r
FROM g WHERE status IN ('new', 'in_progress') AND
    opened_at < (SELECT now FROM p) - 8 * 86400;
UPDATE g SET stagnant = CASE WHEN (SELECT r FROM pick WHERE pick.i = g.i) <= 10
    THEN 1 ELSE 2 END
WHERE i IN (SELECT i FROM pick WHERE r <= 20);

-- The times of each ticket's life.
CREATE TEMP TABLE t AS
SELECT g.*,
  CASE WHEN status <> 'new'
    THEN opened_at + ifnull(resp, 86400) * (u10 % 1500) / 1000 END
    AS responded_at,
  CASE WHEN status IN ('closed', 'resolved')
    THEN opened_at + ifnull(reso, 604800) * (u11 % 2000) / 1600 + 300 END
    AS resolved_at
FROM g;

CREATE TEMP TABLE tt AS
SELECT t.*,
  CASE WHEN status = 'closed'
    THEN min(resolved_at + 5 * 86400, (SELECT now FROM p) - 60) END
    AS closed_at,
  CASE
    WHEN stagnant > 0 THEN (SELECT now FROM p) - stag - 3600 - u5 % 86400
    WHEN status IN ('new', 'in_progress') THEN
      max(opened_at, (SELECT now FROM p) - stag * (u5 % 1000) / 2000)
    WHEN status = 'on_hold' THEN
      opened_at + ((SELECT now FROM p) - opened_at) * (u5 % 1000) / 1000
    WHEN status = 'closed' THEN
      min(resolved_at + 5 * 86400, (SELECT now FROM p) - 60)
    WHEN status = 'resolved' THEN resolved_at
    ELSE opened_at + 600 + u5 % 7200
  END AS updated_at
FROM t;
-- A ticket cannot be resolved in the future: such ones are still open.
UPDATE tt SET resolved_at = min(resolved_at, updated_at),
    responded_at = min(responded_at, updated_at)
WHERE resolved_at > updated_at OR responded_at > updated_at;

INSERT INTO tickets (id, type, status, summary, description, caller,
    affected, channel, contact, service, category, subcategory, impact,
    urgency, priority, priority_rank, major, tier, group_name, assignee,
    opened_at, updated_at, responded_at, resolved_at, closed_at,
    response_due, resolution_due, resolution_type, resolution_code,
    resolution_notes, satisfaction, reopen_count, reassignment_count,
    parent, stagnant_escalated_at, breach_escalated_at, auto_closed,
    hold_reason, ext_ref)
SELECT i, type, status,
  (SELECT text FROM phrase WHERE k = u6 % 16 + 1),
  CASE WHEN u6 % 5 < 2 THEN 'Reported by ' || caller ||
    ': it started this morning and blocks the daily work.' END,
  caller,
  CASE WHEN u9 % 10 = 0 THEN 'user' || ((u9 * 7) % 20000) ELSE caller END,
  (SELECT value FROM json_each('["phone","email","chat","walk-in",' ||
    '"portal","monitoring"]') WHERE key = u10 % 6),
  CASE WHEN u10 % 3 = 0 THEN caller || '@example.com' END,
  (SELECT name FROM svc WHERE k = u11 % 20 + 1),
  CASE WHEN type = 'incident' THEN
    (SELECT category FROM cat WHERE k = u12 % 21 + 1) END,
  CASE WHEN type = 'incident' THEN
    (SELECT subcategory FROM cat WHERE k = u12 % 21 + 1) END,
  CASE pi WHEN 0 THEN 'high' WHEN 1 THEN
      CASE WHEN u5 % 2 THEN 'high' ELSE 'medium' END
    WHEN 2 THEN CASE u5 % 3 WHEN 0 THEN 'high' WHEN 1 THEN 'medium'
      ELSE 'low' END
    WHEN 3 THEN CASE WHEN u5 % 2 THEN 'medium' ELSE 'low' END
    WHEN 4 THEN 'low' END,
  CASE pi WHEN 0 THEN 'high' WHEN 1 THEN
      CASE WHEN u5 % 2 THEN 'medium' ELSE 'high' END
    WHEN 2 THEN CASE u5 % 3 WHEN 0 THEN 'low' WHEN 1 THEN 'medium'
      ELSE 'high' END
    WHEN 3 THEN CASE WHEN u5 % 2 THEN 'low' ELSE 'medium' END
    WHEN 4 THEN 'low' END,
  priority, pi, u6 < 3, tier, grp,
  CASE WHEN status <> 'new' AND status <> 'redirected' THEN tech END,
  opened_at, updated_at, responded_at, resolved_at, closed_at,
  opened_at + resp, opened_at + reso,
  CASE WHEN resolved_at IS NOT NULL THEN
    CASE WHEN u8 % 4 = 0 THEN 'workaround' ELSE 'permanent' END END,
  CASE WHEN resolved_at IS NOT NULL THEN
    CASE u8 % 5 WHEN 0 THEN 'solved' WHEN 1 THEN 'workaround'
      WHEN 2 THEN 'user-error' WHEN 3 THEN 'solved' ELSE 'not-reproducible'
    END END,
  CASE WHEN resolved_at IS NOT NULL THEN 'Fixed and checked with the user.'
    END,
  CASE WHEN status = 'closed' AND u7 % 2 = 0 THEN u7 % 5 + 1 END,
  u11 < 300, CASE WHEN grp <> 'service-desk' THEN 1 ELSE 0 END,
  NULL,
  CASE WHEN stagnant = 2 THEN updated_at + 600 END,
  NULL, 0,
  CASE WHEN status = 'on_hold' THEN
    CASE WHEN u8 % 2 THEN 'user' ELSE 'vendor' END END,
  NULL
FROM tt ORDER BY i;

-- About five events per ticket, in the order they happened:
--   open, prioritize (when prioritized), then by status:
--   in_progress: start, note;  on_hold: start, note, hold;
--   resolved: start, note, resolve;  closed: start, resolve, close, and a
--   note for half of them;  cancelled, redirected: the status change.
CREATE TEMP TABLE step (k INTEGER, kind TEXT, field TEXT, new TEXT);
INSERT INTO step VALUES (0, 'open', 'status', 'new'),
    (1, 'prioritize', 'priority', NULL),
    (2, 'start', 'status', 'in_progress'), (3, 'note', NULL, NULL),
    (4, 'hold', 'status', 'on_hold'), (5, 'resolve', 'status', 'resolved'),
    (6, 'close', 'status', 'closed'), (7, 'cancel', 'status', 'cancelled'),
    (8, 'redirect', 'status', 'redirected');

INSERT INTO events (ticket, at, recorded_at, actor, login, kind, field, old,
    new, message)
SELECT i, at, at, actor, actor, kind, field, old, new, message FROM (
  SELECT tt.i, step.k, step.kind, step.field,
    CASE step.k WHEN 0 THEN NULL WHEN 1 THEN NULL WHEN 2 THEN 'new'
      WHEN 3 THEN NULL WHEN 4 THEN 'in_progress' WHEN 5 THEN 'in_progress'
      WHEN 6 THEN 'resolved' ELSE 'new' END AS old,
    CASE step.k WHEN 1 THEN tt.priority ELSE step.new END AS new,
    CASE step.k
      WHEN 0 THEN tt.opened_at
      WHEN 1 THEN tt.opened_at
      WHEN 2 THEN ifnull(tt.responded_at, tt.opened_at)
      WHEN 3 THEN CASE WHEN tt.status = 'in_progress' THEN tt.updated_at
        ELSE (ifnull(tt.responded_at, tt.opened_at) +
          ifnull(tt.resolved_at, tt.updated_at)) / 2 END
      WHEN 5 THEN tt.resolved_at
      WHEN 6 THEN tt.closed_at
      ELSE tt.updated_at END AS at,
    CASE WHEN step.k = 0 THEN tt.caller ELSE tt.tech END AS actor,
    CASE step.k WHEN 3 THEN 'Called the user back; checking the logs.'
      WHEN 5 THEN 'Fixed and checked with the user.' END AS message
  FROM tt JOIN step ON CASE step.k
      WHEN 0 THEN 1
      WHEN 1 THEN tt.pi IS NOT NULL
      WHEN 2 THEN tt.status IN ('in_progress', 'on_hold', 'resolved',
        'closed')
      WHEN 3 THEN tt.status IN ('in_progress', 'on_hold', 'resolved') OR
        (tt.status = 'closed' AND tt.u3 % 2 = 0)
      WHEN 4 THEN tt.status = 'on_hold'
      WHEN 5 THEN tt.status IN ('resolved', 'closed')
      WHEN 6 THEN tt.status = 'closed'
      WHEN 7 THEN tt.status = 'cancelled'
      WHEN 8 THEN tt.status = 'redirected'
    END
) ORDER BY at, i, k;

INSERT INTO majors (ticket, state, proposed_at, proposal, declared_at,
    declared_by, ended_at, bridge, root_cause)
SELECT id, CASE WHEN status IN ('new', 'in_progress', 'on_hold')
    THEN 'active' ELSE 'ended' END, opened_at, 'priority P1', opened_at + 300,
  'tech01', CASE WHEN status IN ('new', 'in_progress', 'on_hold') THEN NULL
    ELSE ifnull(resolved_at, updated_at) END, 'https://meet.example.com/' || id,
  NULL
FROM tickets WHERE major = 1;

PRAGMA journal_mode = WAL;
