-- 021 (PostgreSQL): the badge taps a station journaled while this database was out of its
-- reach, once replayed: a tap found here is never written again. The dialect of
-- ../021_replayed_taps.sql.
CREATE TABLE replayed_taps (
    key         text PRIMARY KEY,
    presence_id bigint,
    replayed_at timestamptz NOT NULL
);
