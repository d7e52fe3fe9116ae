-- The badge taps a station journaled while the shared database was out of reach, once
-- replayed (db/src/offline_journal.cpp): one row per tap, keyed by the station's journal
-- (a random key of its own) and the tap's number in it. A tap found here is never written
-- again, so a journal replayed twice, or a replay whose answer was lost, changes nothing.
-- presence_id is the presence the tap opened or closed (none: it found nothing to close).
-- A station of one PC never journals: on SQLite the table stays empty.
CREATE TABLE replayed_taps (
    key         TEXT PRIMARY KEY,
    presence_id INTEGER,
    replayed_at TEXT NOT NULL
);
