-- 015 (PostgreSQL): checks between users, and the handover of a running session, as in
-- ../015_checks_between_users.sql. A CHECK is altered here the plain way: dropped and added.
ALTER TABLE machines ADD COLUMN check_after_use text NOT NULL DEFAULT 'none'
    CHECK (check_after_use IN ('none', 'user', 'trainer', 'host'));
ALTER TABLE machines ADD COLUMN awaiting_check boolean NOT NULL DEFAULT false;
ALTER TABLE machines ADD COLUMN check_note text;
ALTER TABLE sessions ADD COLUMN handover_until timestamptz;

ALTER TABLE sessions DROP CONSTRAINT sessions_end_reason;
ALTER TABLE sessions ADD CONSTRAINT sessions_end_reason
    CHECK (end_reason IN ('badge', 'host', 'allowed_end', 'fault', 'station_down', 'handover'));
