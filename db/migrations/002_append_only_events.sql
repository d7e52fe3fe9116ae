-- 002: the event log becomes append-only, and the lookups of the hot paths get indexes.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;

CREATE INDEX badges_by_member ON badges(member_id);
-- At most one open presence per member: a second check-in must close the first.
CREATE UNIQUE INDEX presence_open_by_member ON presence(member_id) WHERE checked_out IS NULL;
CREATE INDEX presence_by_checked_in ON presence(checked_in);
CREATE INDEX events_by_at ON events(at);
