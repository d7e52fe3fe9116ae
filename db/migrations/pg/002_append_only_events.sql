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

-- The change feed, so that every station sees what the others write: each row written is
-- announced on the channel etabli_changes when its transaction commits (never before, never
-- for a rollback), as "table:key:n". The key is the row's primary key (its columns joined with
-- ','; empty for a table without one: refresh it whole); n comes from the sequence change_feed.
-- Numbers are taken as rows are written and announced in commit order, so a later commit may
-- bring a smaller one: a station that has not seen a number once the feed went quiet missed a
-- notification, and reloads.
CREATE SEQUENCE change_feed AS bigint;
CREATE FUNCTION etabli_announce() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    j jsonb;
    k text := '';
BEGIN
    IF TG_OP = 'DELETE' THEN j := to_jsonb(OLD); ELSE j := to_jsonb(NEW); END IF;
    FOR i IN 0 .. TG_NARGS - 1 LOOP
        k := k || CASE WHEN i > 0 THEN ',' ELSE '' END || COALESCE(j ->> TG_ARGV[i], '');
    END LOOP;
    PERFORM pg_notify('etabli_changes', TG_TABLE_NAME || ':' || k || ':' || nextval('change_feed'));
    RETURN NULL;
END;
$$;
-- Puts the announcement on every table that has none yet, with its key's columns: the
-- migrations' runner calls it after the last step, so a table a later step adds is announced too.
CREATE FUNCTION etabli_announce_all() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT c.relname,
               (SELECT string_agg(quote_literal(a.attname), ', ' ORDER BY k.ord)
                  FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                 WHERE i.indrelid = c.oid AND i.indisprimary) AS keys
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'etabli_schema'
           AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'etabli_announce')
    LOOP
        EXECUTE format('CREATE TRIGGER etabli_announce AFTER INSERT OR UPDATE OR DELETE ON %I '
                       'FOR EACH ROW EXECUTE FUNCTION etabli_announce(%s)', t.relname, COALESCE(t.keys, ''));
    END LOOP;
END;
$$;
