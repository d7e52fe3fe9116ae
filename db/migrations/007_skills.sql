-- 007: skills (#7). One skill record per member gates machines and tools, replacing the
-- per-machine and per-tool authorisation lists of 003 and 004. Levels: 0 none, 1 learning,
-- 2 autonomous, 3 can teach. Grants are never updated or deleted: the member's level on a
-- skill is that of their latest grant (a renewal or a withdrawal is a new row), so the
-- table is also the history of who signed what. Times are UTC text, days 'YYYY-MM-DD'.

CREATE TABLE skills (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    category     TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    -- A level-2 grant falls back to level 1 after this many months without a machine
    -- session on a machine requiring the skill; 0: never.
    lapse_months INTEGER NOT NULL DEFAULT 6 CHECK (lapse_months BETWEEN 0 AND 120),
    created_at   TEXT NOT NULL
);

CREATE TABLE skill_grants (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    skill_id    INTEGER NOT NULL REFERENCES skills(id),
    level       INTEGER NOT NULL CHECK (level BETWEEN 0 AND 3),
    signed_by   INTEGER REFERENCES members(id),  -- the trainer or host; NULL: command line or upgrade
    signed_at   TEXT NOT NULL,
    expires_day TEXT,                            -- last valid day, inclusive; NULL: no expiry
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX skill_grants_by_member ON skill_grants(member_id, skill_id, id);
CREATE INDEX skill_grants_by_skill ON skill_grants(skill_id);

-- What a machine or a tool requires: a skill at a level. NULL skill_id: nothing required.
ALTER TABLE machines ADD COLUMN skill_id INTEGER REFERENCES skills(id);
ALTER TABLE machines ADD COLUMN skill_level INTEGER NOT NULL DEFAULT 2 CHECK (skill_level BETWEEN 1 AND 3);
ALTER TABLE tools ADD COLUMN skill_id INTEGER REFERENCES skills(id);
ALTER TABLE tools ADD COLUMN skill_level INTEGER NOT NULL DEFAULT 2 CHECK (skill_level BETWEEN 1 AND 3);

-- Upgrade: nobody loses access. Every machine required its own list (an empty list let
-- nobody in), so every machine now requires a skill named after it at level 2; a tool
-- that needed an authorisation requires a skill named after the tool. A machine and a tool
-- of the same name share the skill. Each listed member gets a level-2 grant.
INSERT OR IGNORE INTO skills (name, category, created_at)
    SELECT name, 'machine', strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM machines;
INSERT OR IGNORE INTO skills (name, category, created_at)
    SELECT name, 'tool', strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM tools WHERE needs_authorisation = 1;
UPDATE machines SET skill_id = (SELECT s.id FROM skills s WHERE s.name = machines.name), skill_level = 2;
UPDATE tools SET skill_id = (SELECT s.id FROM skills s WHERE s.name = tools.name), skill_level = 2
    WHERE needs_authorisation = 1;
INSERT INTO skill_grants (member_id, skill_id, level, signed_by, signed_at, note)
    SELECT a.member_id, m.skill_id, 2, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'upgrade'
    FROM machine_authorisations a JOIN machines m ON m.id = a.machine_id
    UNION
    SELECT a.member_id, t.skill_id, 2, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'upgrade'
    FROM tool_authorisations a JOIN tools t ON t.id = a.tool_id;
