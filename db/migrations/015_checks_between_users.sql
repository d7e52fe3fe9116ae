-- 015: checks between users. A machine may need its check after use confirmed (cleaned,
-- nothing broken) by a member at a level before anyone starts it again; the lock and what the
-- last check found wrong are the machine's state. A running session may be offered to the next
-- member for a minute (handover_until) and then end with the reason 'handover'.
ALTER TABLE machines ADD COLUMN check_after_use TEXT NOT NULL DEFAULT 'none'
    CHECK (check_after_use = 'none' OR check_after_use = 'user' OR check_after_use = 'trainer'
           OR check_after_use = 'host');
ALTER TABLE machines ADD COLUMN awaiting_check INTEGER NOT NULL DEFAULT 0 CHECK (awaiting_check IN (0, 1));
ALTER TABLE machines ADD COLUMN check_note TEXT;
ALTER TABLE sessions ADD COLUMN handover_until TEXT;

-- The end reasons gain 'handover'. As in 011: a CHECK cannot be altered, and every stored row
-- satisfies the wider rule, so its text is rewritten in sqlite_schema; the index rebuilt below
-- changes the schema cookie so that every connection reloads it. A text changed by hand is
-- left as it is: a handover then fails to store, with a storage error, and changes nothing.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'OR end_reason = ''fault'' OR end_reason = ''station_down'')',
                     'OR end_reason = ''fault'' OR end_reason = ''station_down'' OR end_reason = ''handover'')')
 WHERE type = 'table' AND name = 'sessions';
PRAGMA writable_schema = RESET;
DROP INDEX sessions_open;
CREATE INDEX sessions_open ON sessions(machine_id) WHERE ended_at IS NULL;
