-- 016: a machine's photo, shown on the kiosk's machine list and page: a file name relative
-- to the photos folder ([photos] in etabli.toml), as tools' and know-how steps' photos.
ALTER TABLE machines ADD COLUMN photo TEXT;
