-- 014: PINs. A host's or admin's PIN (and any member's, for a machine that requires one),
-- kept as Argon2id of an HMAC keyed by the installation's pepper (db/pin.hpp): never the digits.
-- The lockout lives here, so that a restart does not give a guesser five more tries: `failures`
-- wrong PINs since the last right one, `lockouts` so far (the delay grows with it), and until
-- when the member's PIN is refused whatever it is. An admin unlocks (failures and lockouts back
-- to 0) or forgets the PIN (hash NULL: the member chooses a new one at their next host action).
CREATE TABLE member_pins (
    member_id    INTEGER PRIMARY KEY REFERENCES members(id),
    hash         TEXT,               -- crypto_pwhash_str; NULL: none set
    failures     INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    lockouts     INTEGER NOT NULL DEFAULT 0 CHECK (lockouts >= 0),
    locked_until TEXT,               -- NULL: not locked
    changed_at   TEXT NOT NULL
);

-- A machine may require its member's PIN at the kiosk, on top of the badge (the laser: a cloned
-- badge alone is not enough). Its own reader then refuses a badge alone.
ALTER TABLE machines ADD COLUMN pin_required INTEGER NOT NULL DEFAULT 0 CHECK (pin_required IN (0, 1));
