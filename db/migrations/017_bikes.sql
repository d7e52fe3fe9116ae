-- 017 (issue 20): the bike register. Bikes taken in (donated, abandoned, found, bought), their
-- marking identifier and its checks, the parts taken from donor bikes, how each bike left and
-- to whom; repairs may name the register's bike they were done on. Days are local dates
-- (YYYY-MM-DD), times UTC text, sums in cents. Ids are chosen by the station.

CREATE TABLE bikes (
    id                 INTEGER PRIMARY KEY,          -- the workshop's number, on its QR tag
    intake_day         TEXT NOT NULL,
    origin             TEXT NOT NULL CHECK (origin IN ('donated', 'abandoned', 'found', 'bought')),
    from_member_id     INTEGER REFERENCES members(id),
    from_text          TEXT NOT NULL DEFAULT '',
    type               TEXT NOT NULL,
    brand              TEXT NOT NULL DEFAULT '',
    model              TEXT NOT NULL DEFAULT '',
    colour             TEXT NOT NULL DEFAULT '',
    wheel_size         TEXT NOT NULL DEFAULT '',
    frame_size         TEXT NOT NULL DEFAULT '',
    frame_serial       TEXT NOT NULL DEFAULT '',
    condition          TEXT NOT NULL,
    note               TEXT NOT NULL DEFAULT '',
    -- NULL: no marking. Never two bikes with one identifier, never a second one on a bike
    -- (the station refuses to change it once set; the trigger below says so to anyone else).
    marking            TEXT UNIQUE CHECK (marking IS NULL OR length(marking) = 10),
    marked_here        INTEGER NOT NULL DEFAULT 0 CHECK (marked_here IN (0, 1)),  -- engraved by the workshop
    marking_check      TEXT NOT NULL DEFAULT 'unchecked' CHECK (marking_check IN ('unchecked', 'clear', 'stolen')),
    marking_checked_by INTEGER REFERENCES members(id),
    marking_checked_on TEXT,
    owner_notified_on  TEXT,
    status             TEXT NOT NULL DEFAULT 'in_stock'
                       CHECK (status IN ('in_stock', 'sold', 'given', 'scrapped', 'returned')),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX bikes_by_status ON bikes(status);

CREATE TRIGGER bikes_one_marking BEFORE UPDATE OF marking ON bikes
WHEN OLD.marking IS NOT NULL AND (NEW.marking IS NULL OR NEW.marking <> OLD.marking)
BEGIN
    SELECT RAISE(ABORT, 'a marked bike keeps its identifier');
END;

CREATE TABLE bike_photos (
    bike_id  INTEGER NOT NULL REFERENCES bikes(id),
    position INTEGER NOT NULL,
    photo    TEXT NOT NULL,
    PRIMARY KEY (bike_id, position)
);

-- How a bike left: one row per bike. The buyer's fields are emptied (purged_at set) by the
-- retention rules once the bike was declared to its marking operator, or long after.
CREATE TABLE bike_departures (
    bike_id          INTEGER PRIMARY KEY REFERENCES bikes(id),
    kind             TEXT NOT NULL CHECK (kind IN ('sold', 'given', 'scrapped', 'returned')),
    day              TEXT NOT NULL,
    has_buyer        INTEGER NOT NULL CHECK (has_buyer IN (0, 1)),
    buyer_surname    TEXT NOT NULL DEFAULT '',
    buyer_first_name TEXT NOT NULL DEFAULT '',
    buyer_phone      TEXT NOT NULL DEFAULT '',
    buyer_email      TEXT NOT NULL DEFAULT '',
    buyer_address    TEXT NOT NULL DEFAULT '',
    price_kind       TEXT NOT NULL CHECK (price_kind IN ('fixed', 'free')),
    price_cents      INTEGER NOT NULL CHECK (price_cents >= 0),
    by_member_id     INTEGER REFERENCES members(id),
    declared_at      TEXT,
    purged_at        TEXT,
    CHECK (kind <> 'sold' OR price_cents > 0),
    CHECK (kind NOT IN ('sold', 'given') OR purged_at IS NOT NULL
           OR (has_buyer = 1 AND buyer_surname <> '' AND buyer_first_name <> '' AND buyer_phone <> '' AND buyer_email <> ''))
);
CREATE INDEX bike_departures_to_declare ON bike_departures(declared_at);

-- A part taken from a donor bike; to_bike_id once it is fitted on another.
CREATE TABLE bike_parts (
    id           INTEGER PRIMARY KEY,
    from_bike_id INTEGER NOT NULL REFERENCES bikes(id),
    to_bike_id   INTEGER REFERENCES bikes(id),
    part         TEXT NOT NULL,
    day          TEXT NOT NULL,
    by_member_id INTEGER REFERENCES members(id),
    CHECK (to_bike_id IS NULL OR to_bike_id <> from_bike_id)
);
CREATE INDEX bike_parts_from ON bike_parts(from_bike_id);
CREATE INDEX bike_parts_to ON bike_parts(to_bike_id);

ALTER TABLE repairs ADD COLUMN bike_id INTEGER REFERENCES bikes(id);
CREATE INDEX repairs_by_bike ON repairs(bike_id) WHERE bike_id IS NOT NULL;
