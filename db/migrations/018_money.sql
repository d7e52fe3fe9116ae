-- 018 (issue 20): memberships and the receipts journal. Plans (annual, reduced, family, prix
-- libre…); every payment one append-only line of `receipts` (a correction is a counter-entry
-- naming the line it corrects); a day's closing confirmed by a host, after which the day takes
-- no line; the memberships each payment extended. Days are local dates, times UTC text, sums
-- in cents. Not a certified cash register: for associations without VAT liability.

CREATE TABLE plans (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    months      INTEGER NOT NULL CHECK (months BETWEEN 1 AND 60),
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    free_price  INTEGER NOT NULL DEFAULT 0 CHECK (free_price IN (0, 1)),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL
);

CREATE TABLE closings (
    day          TEXT PRIMARY KEY,
    lines        INTEGER NOT NULL,
    total_cents  INTEGER NOT NULL,
    totals       TEXT NOT NULL,          -- "cash=1200;card=3000": each means with a line
    confirmed_at TEXT NOT NULL,
    by_member_id INTEGER REFERENCES members(id)
);
CREATE TRIGGER closings_final_update BEFORE UPDATE ON closings
BEGIN
    SELECT RAISE(ABORT, 'a closing is final');
END;
CREATE TRIGGER closings_final_delete BEFORE DELETE ON closings
BEGIN
    SELECT RAISE(ABORT, 'a closing is final');
END;

CREATE TABLE receipts (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    day          TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents <> 0 AND abs(amount_cents) <= 100000000),
    means        TEXT NOT NULL CHECK (means IN ('cash', 'cheque', 'card', 'transfer', 'helloasso')),
    what         TEXT NOT NULL CHECK (what IN ('dues', 'repair', 'bike', 'parts', 'consumables', 'donation', 'other')),
    label        TEXT NOT NULL DEFAULT '',
    member_id    INTEGER REFERENCES members(id),
    plan_id      INTEGER REFERENCES plans(id),
    bike_id      INTEGER REFERENCES bikes(id),
    by_member_id INTEGER REFERENCES members(id),
    corrects     INTEGER UNIQUE REFERENCES receipts(id),
    external_ref TEXT UNIQUE,
    note         TEXT NOT NULL DEFAULT '',
    CHECK ((corrects IS NULL) = (amount_cents > 0))
);
CREATE INDEX receipts_by_day ON receipts(day);
CREATE TRIGGER receipts_append_only_update BEFORE UPDATE ON receipts
BEGIN
    SELECT RAISE(ABORT, 'the receipts journal is append-only: record a correction');
END;
CREATE TRIGGER receipts_append_only_delete BEFORE DELETE ON receipts
BEGIN
    SELECT RAISE(ABORT, 'the receipts journal is append-only: record a correction');
END;
CREATE TRIGGER receipts_day_closed BEFORE INSERT ON receipts
WHEN EXISTS (SELECT 1 FROM closings WHERE day = NEW.day)
BEGIN
    SELECT RAISE(ABORT, 'this day is closed');
END;

CREATE TABLE memberships (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members(id),
    plan_id    INTEGER REFERENCES plans(id),
    receipt_id INTEGER NOT NULL REFERENCES receipts(id),
    until_day  TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX memberships_by_member ON memberships(member_id);
