-- 002 (PostgreSQL): the event log becomes append-only, and the lookups of the hot paths get
-- indexes. One trigger function refuses a change with the message its trigger names; the
-- tables that are append-only (events, audit, receipts, closings) use it.
CREATE FUNCTION etabli_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION etabli_refuse('the event log is append-only');
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION etabli_refuse('the event log is append-only');
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION etabli_refuse('the event log is append-only');

CREATE INDEX badges_by_member ON badges(member_id);
-- At most one open presence per member: a second check-in must close the first. With several
-- stations on one database, this index is what refuses the second of two check-ins at once.
CREATE UNIQUE INDEX presence_open_by_member ON presence(member_id) WHERE checked_out IS NULL;
CREATE INDEX presence_by_checked_in ON presence(checked_in);
CREATE INDEX events_by_at ON events(at);
