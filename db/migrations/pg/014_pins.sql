-- 014 (PostgreSQL): PINs (Argon2id of an HMAC keyed by the installation's pepper, never the
-- digits) and their lockouts, which every station then shares; a machine that requires its
-- member's PIN. The dialect of ../014_pins.sql.
CREATE TABLE member_pins (
    member_id    bigint PRIMARY KEY REFERENCES members(id),
    hash         text,               -- crypto_pwhash_str; NULL: none set
    failures     integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    lockouts     integer NOT NULL DEFAULT 0 CHECK (lockouts >= 0),
    locked_until timestamptz,        -- NULL: not locked
    changed_at   timestamptz NOT NULL
);

ALTER TABLE machines ADD COLUMN pin_required boolean NOT NULL DEFAULT false;
