-- 005: the repair log, the role a volunteer picks at badge-in, and hosts' corrections of
-- forgotten check-outs. Additive only. Times are UTC text 'YYYY-MM-DDTHH:MM:SSZ' and days
-- 'YYYY-MM-DD' (local), as in 001. Enum texts are those of core's to_string(); rows are
-- written only by SqliteStore (repair_store.cpp), which also appends their events
-- (repair.logged, repair.edited, presence.role, presence.corrected) to the append-only log.

CREATE TABLE repairs (
    id               INTEGER PRIMARY KEY,
    day              TEXT NOT NULL,              -- local date of the repair (ORDS event_date)
    owner_member_id  INTEGER REFERENCES members(id),  -- NULL: an anonymous visitor
    item             TEXT NOT NULL CHECK (item IN ('bicycle', 'powered')),
    component        TEXT CHECK (component IN ('wheel', 'brakes', 'gears', 'chain', 'bottom-bracket',
                                               'headset', 'frame', 'other')),
    ords_category_id INTEGER CHECK (ords_category_id BETWEEN 1 AND 40),
    partner_category TEXT NOT NULL DEFAULT '',
    brand            TEXT NOT NULL DEFAULT '',
    model            TEXT NOT NULL DEFAULT '',
    year             INTEGER,
    problem          TEXT NOT NULL DEFAULT '',
    done             TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('fixed', 'repairable', 'end-of-life', 'unknown')),
    barrier          TEXT CHECK (barrier IN ('parts-not-available', 'parts-too-expensive', 'no-way-to-open',
                                             'no-information', 'lack-of-equipment', 'too-worn-out')),
    minutes          INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 720),
    notes            TEXT NOT NULL DEFAULT '',
    logged_by        INTEGER,                    -- the member at the kiosk, NULL: the command line
    logged_at        TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK ((item = 'bicycle') = (component IS NOT NULL)),
    CHECK ((item = 'powered') = (ords_category_id IS NOT NULL)),
    CHECK (barrier IS NULL OR status = 'end-of-life')
);
CREATE INDEX repairs_by_day ON repairs(day);

-- Who did the repair (one row per volunteer, in the order given).
CREATE TABLE repair_volunteers (
    repair_id INTEGER NOT NULL REFERENCES repairs(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (repair_id, member_id)
) WITHOUT ROWID;
CREATE INDEX repair_volunteers_by_member ON repair_volunteers(member_id);

CREATE TABLE repair_parts (
    repair_id INTEGER NOT NULL REFERENCES repairs(id),
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    salvaged  INTEGER NOT NULL CHECK (salvaged IN (0, 1)),
    donor     TEXT,                              -- "donor-12"; only for salvaged parts
    CHECK (donor IS NULL OR salvaged = 1),
    PRIMARY KEY (repair_id, position)
) WITHOUT ROWID;

-- The role picked at badge-in, and any change during the presence: the role applies from
-- `since` until the next row of the same presence (the first row from check-in).
CREATE TABLE presence_roles (
    presence_id INTEGER NOT NULL REFERENCES presence(id),
    since       TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('greeter', 'mechanic', 'trainer', 'host')),
    PRIMARY KEY (presence_id, since)
) WITHOUT ROWID;

-- A host's correction of a presence the station closed by itself (closed_by = 'auto': the
-- volunteer forgot to badge out). The presence row keeps what the station did; reports use
-- the correction. One correction per presence; a new one replaces it (the log keeps both).
CREATE TABLE presence_corrections (
    presence_id   INTEGER PRIMARY KEY REFERENCES presence(id),
    checked_out   TEXT NOT NULL,
    corrected_by  INTEGER,                       -- NULL: the command line
    corrected_at  TEXT NOT NULL
);
