-- The e-mails the station sends (renewal reminders, when [smtp] is configured): queued by
-- the station thread in a transaction, sent by the service's mail thread, each try recorded
-- here. One reminder per membership end: (kind, member, until) is unique, so a station that
-- looks again, or restarts, queues nothing twice. A row is pending until sent_at or
-- given_up_at is set; next_try_at is when the sender may take it (after a failed try, later).
-- The recipient is personal data: erasing a member deletes their rows, and the nightly
-- purge deletes rows finished before the presence retention.
CREATE TABLE mail_queue (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('renewal')),
    member_id   INTEGER NOT NULL REFERENCES members(id),
    until_day   TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    queued_at   TEXT NOT NULL,
    next_try_at TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error  TEXT,
    sent_at     TEXT,
    given_up_at TEXT,
    CHECK (sent_at IS NULL OR given_up_at IS NULL),
    UNIQUE (kind, member_id, until_day)
);
CREATE INDEX mail_queue_due ON mail_queue(next_try_at) WHERE sent_at IS NULL AND given_up_at IS NULL;
CREATE INDEX mail_queue_by_member ON mail_queue(member_id);
