-- 016 (PostgreSQL): a machine's photo, a file name relative to the photos folder, as in
-- ../016_machine_photos.sql.
ALTER TABLE machines ADD COLUMN photo text;
