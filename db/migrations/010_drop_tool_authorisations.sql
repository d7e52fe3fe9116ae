-- 010: the per-tool authorisation lists of 004 go. Migration 007 turned every row into a
-- level-2 grant of the tool's skill, and since then lending reads grants only: every
-- `tool set --authorise` has written its grant next to its row, so the rows decide nothing and
-- no data moves here. Who may borrow a tool is now derived from skill_grants and the tool's
-- skill_id/skill_level. (tools.needs_authorisation stays: a tool marked so but with no skill
-- required yet lends to nobody.)
DROP TABLE tool_authorisations;
