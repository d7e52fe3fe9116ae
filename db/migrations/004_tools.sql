-- 004: the tool library: tools, who may borrow the tools that need an authorisation,
-- loans (with their deposits and return checks) and reservations (day ranges and waiting
-- lists). Times are UTC text and days 'YYYY-MM-DD', as in 001; money in integer cents. Enum
-- texts are those of core/tools.hpp's to_string(). Rows are written only by
-- SqliteStore::commit_tools, one transaction per use case, with one event per row in the
-- append-only log (002): tool.*, loan.*, reservation.*, tool_auth.*. Ids are chosen by the
-- station (the next after the largest stored), hence no AUTOINCREMENT.

CREATE TABLE tools (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL,
    category            TEXT NOT NULL DEFAULT '',
    tag                 TEXT NOT NULL UNIQUE,  -- upper-cased label text
    location            TEXT NOT NULL DEFAULT '',
    condition           TEXT NOT NULL DEFAULT 'good'
                        CHECK (condition IN ('good', 'worn', 'damaged', 'broken')),
    status              TEXT NOT NULL DEFAULT 'available'
                        CHECK (status IN ('available', 'on_loan', 'reserved', 'in_repair', 'retired')),
    loan_days           INTEGER NOT NULL DEFAULT 14 CHECK (loan_days BETWEEN 1 AND 365),
    deposit_cents       INTEGER NOT NULL DEFAULT 0 CHECK (deposit_cents >= 0),
    max_renewals        INTEGER NOT NULL DEFAULT 2 CHECK (max_renewals >= 0),
    notes               TEXT NOT NULL DEFAULT '',
    photo               TEXT,
    needs_authorisation INTEGER NOT NULL DEFAULT 0 CHECK (needs_authorisation IN (0, 1)),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX tools_by_category ON tools(category);

-- Until skills arrive, the same per-member list as machine_authorisations.
CREATE TABLE tool_authorisations (
    tool_id   INTEGER NOT NULL REFERENCES tools(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    PRIMARY KEY (tool_id, member_id)
) WITHOUT ROWID;

-- Loans are never deleted: returned rows are the history the exports read.
CREATE TABLE loans (
    id               INTEGER PRIMARY KEY,
    tool_id          INTEGER NOT NULL REFERENCES tools(id),
    member_id        INTEGER NOT NULL REFERENCES members(id),
    basket           INTEGER NOT NULL,          -- the loans checked out together share it
    lent_at          TEXT NOT NULL,
    due_day          TEXT NOT NULL,             -- last day, inclusive
    returned_at      TEXT,                      -- NULL while out
    renewals         INTEGER NOT NULL DEFAULT 0 CHECK (renewals >= 0),
    deposit_cents    INTEGER NOT NULL DEFAULT 0 CHECK (deposit_cents >= 0),
    deposit          TEXT NOT NULL DEFAULT 'none' CHECK (deposit IN ('none', 'held', 'returned', 'kept')),
    deposit_reason   TEXT NOT NULL DEFAULT '',
    return_condition TEXT CHECK (return_condition IN ('good', 'worn', 'damaged', 'broken')),
    return_note      TEXT NOT NULL DEFAULT '',
    lent_by          INTEGER REFERENCES members(id)  -- a volunteer for the member; NULL: themself or the command line
);
-- The station loads the open loans at start and the overdue list reads them: a partial
-- index keeps that read off the history, however long it grows. A new loan takes the next
-- id, so its entry lands at the end of the index (one page per checkout).
CREATE INDEX loans_open ON loans(id) WHERE returned_at IS NULL;
-- One tool is out to one member at a time.
CREATE UNIQUE INDEX loans_open_by_tool ON loans(tool_id) WHERE returned_at IS NULL;

CREATE TABLE tool_reservations (
    id         INTEGER PRIMARY KEY,
    tool_id    INTEGER NOT NULL REFERENCES tools(id),
    member_id  INTEGER NOT NULL REFERENCES members(id),
    kind       TEXT NOT NULL CHECK (kind IN ('range', 'waiting')),
    state      TEXT NOT NULL DEFAULT 'waiting'
               CHECK (state IN ('waiting', 'held', 'fulfilled', 'cancelled', 'expired')),
    from_day   TEXT NOT NULL,
    to_day     TEXT NOT NULL CHECK (to_day >= from_day),
    held_until TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX tool_reservations_live ON tool_reservations(tool_id) WHERE state IN ('waiting', 'held');
