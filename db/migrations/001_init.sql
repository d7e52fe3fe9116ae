-- 001: members, their badges, presence in the workshop, and the event log.
-- Times are UTC text 'YYYY-MM-DDTHH:MM:SSZ'; days are 'YYYY-MM-DD'.
CREATE TABLE members (
    id           INTEGER PRIMARY KEY,
    display_name TEXT NOT NULL,
    email        TEXT UNIQUE,  -- lower-cased; NULL when none
    role         TEXT NOT NULL DEFAULT 'member'
                 CHECK (role IN ('member', 'volunteer', 'host', 'admin')),
    valid_until  TEXT,         -- last day of membership, inclusive; NULL = no end
    lang         TEXT NOT NULL DEFAULT 'fr' CHECK (lang IN ('fr', 'en')),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE badges (
    uid        TEXT PRIMARY KEY,  -- exactly as read, leading zeros kept
    member_id  INTEGER NOT NULL REFERENCES members(id),
    status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'lost', 'revoked')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE presence (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    badge_uid   TEXT,             -- the badge tapped to come in, NULL when none
    checked_in  TEXT NOT NULL,
    checked_out TEXT,             -- NULL while in the workshop
    closed_by   TEXT CHECK (closed_by IN ('badge', 'auto'))
);

-- The log of every state change and refused tap. actor_member_id has no foreign key on
-- purpose: the log outlives what it talks about.
CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    actor_member_id INTEGER,
    kind            TEXT NOT NULL,
    subject         TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT '{}'
);
