-- 007: skills. One skill record per member gates machines and tools, replacing the
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

-- Supervised use: the level-3 member or host who confirmed a session of a member one level
-- short; supervisor_left once they checked out (the session is then never extended).
ALTER TABLE sessions ADD COLUMN supervisor_id INTEGER REFERENCES members(id);
ALTER TABLE sessions ADD COLUMN supervisor_left INTEGER NOT NULL DEFAULT 0 CHECK (supervisor_left IN (0, 1));

-- Upgrade: nobody loses access and nobody gains any. Every machine required its own list
-- (an empty list let nobody in), so every machine now requires a skill of its own at level
-- 2, named after it; so does every tool that needed an authorisation. Names must stay
-- apart (skill names ignore case): a machine whose name another machine already has in
-- other letter case adds its number, a tool whose name a machine or another such tool has
-- adds its tag. Each listed member gets a level-2 grant of that skill.
CREATE TEMP TABLE upgrade_skill_names (kind TEXT NOT NULL, item INTEGER NOT NULL, name TEXT NOT NULL);
INSERT INTO upgrade_skill_names (kind, item, name)
    SELECT 'machine', m.id,
           CASE WHEN EXISTS (SELECT 1 FROM machines o WHERE o.id < m.id AND o.name = m.name COLLATE NOCASE)
                THEN m.name || ' (' || m.id || ')' ELSE m.name END
    FROM machines m;
INSERT INTO upgrade_skill_names (kind, item, name)
    SELECT 'tool', t.id,
           CASE WHEN EXISTS (SELECT 1 FROM machines o WHERE o.name = t.name COLLATE NOCASE)
                  OR EXISTS (SELECT 1 FROM tools o WHERE o.needs_authorisation = 1 AND o.id <> t.id
                             AND o.name = t.name COLLATE NOCASE)
                THEN t.name || ' (' || t.tag || ')' ELSE t.name END
    FROM tools t WHERE t.needs_authorisation = 1;
INSERT OR IGNORE INTO skills (name, category, created_at)
    SELECT name, kind, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM upgrade_skill_names ORDER BY kind, item;
UPDATE machines SET skill_level = 2, skill_id =
    (SELECT s.id FROM upgrade_skill_names u JOIN skills s ON s.name = u.name
     WHERE u.kind = 'machine' AND u.item = machines.id);
UPDATE tools SET skill_level = 2, skill_id =
    (SELECT s.id FROM upgrade_skill_names u JOIN skills s ON s.name = u.name
     WHERE u.kind = 'tool' AND u.item = tools.id)
    WHERE needs_authorisation = 1;
INSERT INTO skill_grants (member_id, skill_id, level, signed_by, signed_at, note)
    SELECT a.member_id, m.skill_id, 2, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'upgrade'
    FROM machine_authorisations a JOIN machines m ON m.id = a.machine_id
    UNION
    SELECT a.member_id, t.skill_id, 2, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'upgrade'
    FROM tool_authorisations a JOIN tools t ON t.id = a.tool_id;
DROP TABLE upgrade_skill_names;
-- The machine lists are now grants; the station derives who may use a machine from them.
-- (tool_authorisations stays, read for display only, until the tool store drops it.)
DROP TABLE machine_authorisations;
