-- 013: trust. The audit trail: every host's and admin's action, every refused attempt at one,
-- every PIN lockout and change of rights, appended in the transaction of its effect. Each row
-- carries the SHA-256 of the row before it (prev_hash) and its own (hash, over its fields and
-- prev_hash): `etabli audit verify` recomputes the chain and names the first row that does not
-- hold. Ids only in `detail`: an erased member's name must not stay in a table nobody may edit.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor_id  INTEGER,            -- the member who acted; NULL: the command line or the station
    principal TEXT NOT NULL,      -- as the rights table saw them: host, admin, command_line…
    origin    TEXT NOT NULL,      -- local, kiosk, reader
    action    TEXT NOT NULL,      -- member.add, pin.lockout…
    outcome   TEXT NOT NULL,      -- done, refused, lockout…
    detail    TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_by_actor ON audit(actor_id);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

-- Members' data (RGPD): an erased member keeps their number, so that statistics, volunteer
-- hours and repair exports stay countable, but names nobody ("Membre effacé n°N"). When.
ALTER TABLE members ADD COLUMN erased_at TEXT;

-- Retention: raw presences older than [privacy] presence_months become one row per member, day
-- and role with the day's total time (summary = 1): volunteer hours stay right, the times of
-- arrival and the badges used are gone. A summary is never reduced again.
ALTER TABLE presence ADD COLUMN summary INTEGER NOT NULL DEFAULT 0;

-- Which secret keys the audit chain (a fingerprint, never the secret): a database moved without
-- its etabli.db.pepper is then said to be so, not reported as rewritten.
CREATE TABLE trust_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
