-- 003: the allocation core: machines and who may use them, opening hours, bookings,
-- machine sessions (the usage history), walk-in queues and the engine's id counters.
-- Times are UTC text 'YYYY-MM-DDTHH:MM:SSZ' and days 'YYYY-MM-DD', as in 001; durations are
-- integers whose unit ends the column name (_min, _s). Enum texts are those of alloc's
-- to_string(). Rows are written only by SqliteStore::commit_alloc / save_hours, which copy
-- the engine's decisions: these constraints are a safety net, the rules live in alloc.

-- Machine ids are chosen by the station (alloc::Machine::id), hence no AUTOINCREMENT.
CREATE TABLE machines (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    kind                TEXT NOT NULL DEFAULT '',
    pool                TEXT,          -- NULL: in no pool
    status              TEXT NOT NULL DEFAULT 'available'
                        CHECK (status IN ('available', 'maintenance', 'out-of-order')),
    slot_min            INTEGER NOT NULL DEFAULT 15 CHECK (slot_min > 0),
    min_length_min      INTEGER NOT NULL DEFAULT 15 CHECK (min_length_min > 0),
    max_length_min      INTEGER NOT NULL DEFAULT 120 CHECK (max_length_min >= min_length_min),
    buffer_after_min    INTEGER NOT NULL DEFAULT 0 CHECK (buffer_after_min >= 0),
    ahead_days          INTEGER NOT NULL DEFAULT 14 CHECK (ahead_days >= 0),
    quota_week_min      INTEGER CHECK (quota_week_min >= 0),  -- NULL: no quota
    quota_scope         TEXT NOT NULL DEFAULT 'machine' CHECK (quota_scope IN ('machine', 'pool')),
    no_show_release_min INTEGER NOT NULL DEFAULT 15 CHECK (no_show_release_min >= 0),
    warn_before_min     INTEGER NOT NULL DEFAULT 5 CHECK (warn_before_min >= 0),
    grace_after_s       INTEGER NOT NULL DEFAULT 0 CHECK (grace_after_s >= 0),
    host_loss           TEXT NOT NULL DEFAULT 'cut' CHECK (host_loss IN ('cut', 'grace', 'until_idle')),
    host_loss_s         INTEGER NOT NULL DEFAULT 0 CHECK (host_loss_s >= 0),  -- grace, or the hard maximum
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

-- Until skills arrive (a later issue), who may use a machine is a list hosts edit.
CREATE TABLE machine_authorisations (
    machine_id INTEGER NOT NULL REFERENCES machines(id),
    member_id  INTEGER NOT NULL REFERENCES members(id),
    PRIMARY KEY (machine_id, member_id)
) WITHOUT ROWID;
CREATE INDEX machine_authorisations_by_member ON machine_authorisations(member_id);

-- Weekly opening hours in the workshop's local time: [from_min, to_min) after midnight.
CREATE TABLE opening_weekly (
    weekday  INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),  -- 0 = Sunday … 6 = Saturday
    from_min INTEGER NOT NULL CHECK (from_min BETWEEN 0 AND 1439),
    to_min   INTEGER NOT NULL CHECK (to_min BETWEEN 1 AND 1440),
    CHECK (from_min < to_min),
    PRIMARY KEY (weekday, from_min)
) WITHOUT ROWID;

-- A day listed here replaces the weekly schedule. Open with windows: one row per window.
-- Closed: one row with from_min and to_min NULL (and no window row).
CREATE TABLE opening_exceptions (
    day      TEXT NOT NULL,
    from_min INTEGER CHECK (from_min BETWEEN 0 AND 1439),
    to_min   INTEGER CHECK (to_min BETWEEN 1 AND 1440),
    CHECK ((from_min IS NULL) = (to_min IS NULL)),
    CHECK (from_min IS NULL OR from_min < to_min),
    UNIQUE (day, from_min)
);
CREATE UNIQUE INDEX opening_exceptions_closed ON opening_exceptions(day) WHERE from_min IS NULL;

-- Bookings are never deleted: cancelled and no-show rows stay, completed rows are the
-- history the quota and the reports read.
CREATE TABLE bookings (
    id          INTEGER PRIMARY KEY,  -- chosen by the engine (IdCounters)
    machine_id  INTEGER NOT NULL REFERENCES machines(id),
    member_id   INTEGER NOT NULL REFERENCES members(id),
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL CHECK (ends_at >= starts_at),
    state       TEXT NOT NULL DEFAULT 'booked'
                CHECK (state IN ('booked', 'active', 'completed', 'no_show', 'cancelled')),
    created_by  INTEGER NULL REFERENCES members(id),      -- the member, the host for them, or NULL: the command line
    walk_in     INTEGER NOT NULL DEFAULT 0 CHECK (walk_in IN (0, 1)),
    series      INTEGER,             -- a host's weekly series; NULL for a single booking
    created_at  TEXT NOT NULL,
    host_note   TEXT,                -- why a host cancelled or moved it, shown to the member
    notice_seen INTEGER NOT NULL DEFAULT 0 CHECK (notice_seen IN (0, 1))
);
-- load_alloc reads every booked or active row, the others that ended in the last 8 days,
-- and, whatever their age, those with a host's note the member has not seen yet: one
-- partial index for each part. The live one is keyed by id on purpose: a new booking takes
-- the next id, so its entry lands at the end, on the page the previous booking wrote, where
-- an index by (state, end) put it in the middle of the future rows, one more page to write
-- (and often a split: three more) per booking. Ended rows join theirs near its end too
-- (they end about now).
CREATE INDEX bookings_live ON bookings(id) WHERE state IN ('booked', 'active');
CREATE INDEX bookings_ended ON bookings(ends_at) WHERE state IN ('completed', 'no_show', 'cancelled');
CREATE INDEX bookings_unseen_notes ON bookings(ends_at) WHERE host_note IS NOT NULL AND notice_seen = 0;
-- On purpose no index by member, by machine nor by day: each new booking would land at a
-- random place in it, one more page to read, write and checkpoint per commit (see
-- bench_alloc_store), and nothing reads bookings that way: the engine answers from memory for live
-- rows, and history (exports, reports: later issues) can afford a scan or bring its own
-- index then. Sessions keep their index by start, the usage history.
CREATE INDEX bookings_by_series ON bookings(series) WHERE series IS NOT NULL;

-- Machine sessions: the actual start and end of each use (the usage history).
CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,  -- chosen by the engine (IdCounters)
    machine_id    INTEGER NOT NULL REFERENCES machines(id),
    member_id     INTEGER NOT NULL REFERENCES members(id),
    booking_id    INTEGER NOT NULL REFERENCES bookings(id),
    started_at    TEXT NOT NULL,
    allowed_until TEXT NOT NULL,
    ended_at      TEXT,                 -- NULL while the machine runs
    end_reason    TEXT CHECK (end_reason IN ('badge', 'host', 'allowed_end', 'fault', 'station_down')),
    warned        INTEGER NOT NULL DEFAULT 0 CHECK (warned IN (0, 1)),
    CHECK (end_reason IS NULL OR ended_at IS NOT NULL)
);
CREATE INDEX sessions_by_started ON sessions(started_at);
CREATE INDEX sessions_open ON sessions(machine_id) WHERE ended_at IS NULL;

-- The walk-in queue as it stands: an entry leaves the table when it leaves the queue (the
-- event log keeps its story).
CREATE TABLE queue_entries (
    id                 INTEGER PRIMARY KEY,  -- chosen by the engine; id order = join order
    member_id          INTEGER NOT NULL REFERENCES members(id),
    machine_id         INTEGER REFERENCES machines(id),  -- exactly one of machine_id and pool
    pool               TEXT,
    joined_at          TEXT NOT NULL,
    offered_machine_id INTEGER REFERENCES machines(id),  -- the machine held for this member…
    offer_expires_at   TEXT,                             -- …until then
    CHECK ((machine_id IS NULL) <> (pool IS NULL))
);

-- One row: the engine's id counters after the last decision, and that decision's time.
CREATE TABLE alloc_state (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    next_booking     INTEGER NOT NULL,
    next_session     INTEGER NOT NULL,
    next_queue_entry INTEGER NOT NULL,
    next_series      INTEGER NOT NULL,
    as_of            TEXT
);
