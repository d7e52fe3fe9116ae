-- 008: trainings, help in the room and know-how cards. Times are UTC text.
-- Training places are ordered by id (sign-up order); their state is kept up to date by the
-- station (the first `capacity` places not cancelled are confirmed, the others wait).

CREATE TABLE trainings (
    id          INTEGER PRIMARY KEY,
    skill_id    INTEGER NOT NULL REFERENCES skills(id),
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    capacity    INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 200),
    trainer_id  INTEGER NOT NULL REFERENCES members(id),
    level       INTEGER NOT NULL DEFAULT 2 CHECK (level BETWEEN 1 AND 3),
    note        TEXT NOT NULL DEFAULT '',
    cancelled   INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
    granted_at  TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX trainings_by_end ON trainings(ends_at);

CREATE TABLE training_signups (
    id           INTEGER PRIMARY KEY,
    training_id  INTEGER NOT NULL REFERENCES trainings(id),
    member_id    INTEGER NOT NULL REFERENCES members(id),
    state        TEXT NOT NULL CHECK (state IN ('confirmed', 'waiting', 'cancelled')),
    signed_up_at TEXT NOT NULL,
    present_at   TEXT
);
CREATE INDEX training_signups_by_training ON training_signups(training_id, id);

-- Members who agreed to appear in "who can help me?" lists.
ALTER TABLE members ADD COLUMN help_opt_in INTEGER NOT NULL DEFAULT 0 CHECK (help_opt_in IN (0, 1));

CREATE TABLE help_requests (
    id          INTEGER PRIMARY KEY,
    asker_id    INTEGER NOT NULL REFERENCES members(id),
    skill_id    INTEGER NOT NULL REFERENCES skills(id),
    text        TEXT NOT NULL DEFAULT '',
    posted_at   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('open', 'helped', 'expired', 'left', 'withdrawn')),
    helper_id   INTEGER REFERENCES members(id),
    closed_at   TEXT
);
CREATE INDEX help_requests_by_state ON help_requests(state);

CREATE TABLE cards (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('suggested', 'published', 'rejected')),
    author_id   INTEGER REFERENCES members(id),   -- NULL: the command line
    reviewer_id INTEGER REFERENCES members(id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE card_steps (
    card_id  INTEGER NOT NULL REFERENCES cards(id),
    position INTEGER NOT NULL,
    text     TEXT NOT NULL,
    photo    TEXT,
    PRIMARY KEY (card_id, position)
);
-- kind: 'skill', 'machine' or 'tool'; target: that row's id.
CREATE TABLE card_links (
    card_id INTEGER NOT NULL REFERENCES cards(id),
    kind    TEXT NOT NULL CHECK (kind IN ('skill', 'machine', 'tool')),
    target  INTEGER NOT NULL,
    PRIMARY KEY (card_id, kind, target)
);
CREATE INDEX card_links_by_target ON card_links(kind, target);
-- "This helped me": one row per member and card.
CREATE TABLE card_helped (
    card_id   INTEGER NOT NULL REFERENCES cards(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    at        TEXT NOT NULL,
    PRIMARY KEY (card_id, member_id)
);
