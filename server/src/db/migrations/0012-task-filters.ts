/**
 * The task list's filters and the overview at scale: an index per filter (with created_at, the list's order);
 * a unit's tasks newest first from task_units itself (it carries its task's created_at, filled by a trigger);
 * the newest result per unit through (unit, finished_at); and tasks per status and finishing minute kept by
 * triggers, so the overview's counts read a few hundred rows whatever the history holds. docs/benchmarks.md.
 */
export default `
CREATE INDEX tasks_image ON tasks (image, created_at) WHERE image IS NOT NULL;
CREATE INDEX tasks_kind ON tasks (kind, created_at);
CREATE INDEX tasks_trigger ON tasks (trigger, created_at);
CREATE INDEX tasks_finished ON tasks (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX task_units_finished ON task_units (unit, finished_at) WHERE finished_at IS NOT NULL;

ALTER TABLE task_units ADD COLUMN task_created_at INTEGER;
UPDATE task_units SET task_created_at = (SELECT created_at FROM tasks WHERE tasks.id = task_units.task_id);
CREATE INDEX task_units_newest ON task_units (unit, task_created_at, task_id);
CREATE TRIGGER task_units_created AFTER INSERT ON task_units BEGIN
  UPDATE task_units SET task_created_at = (SELECT created_at FROM tasks WHERE id = NEW.task_id)
    WHERE task_id = NEW.task_id AND unit = NEW.unit;
END;

-- Tasks per status and minute of finished_at (-1: not finished), always equal to what the tasks table holds.
CREATE TABLE task_tallies (
  status TEXT NOT NULL,
  minute INTEGER NOT NULL,
  n      INTEGER NOT NULL,
  PRIMARY KEY (status, minute)
) WITHOUT ROWID;
INSERT INTO task_tallies (status, minute, n)
  SELECT status, coalesce(CAST(finished_at / 60000 AS INTEGER), -1), count(*) FROM tasks GROUP BY 1, 2;

CREATE TRIGGER tasks_tally_insert AFTER INSERT ON tasks BEGIN
  INSERT INTO task_tallies (status, minute, n)
    VALUES (NEW.status, coalesce(CAST(NEW.finished_at / 60000 AS INTEGER), -1), 1)
    ON CONFLICT (status, minute) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tasks_tally_update AFTER UPDATE OF status, finished_at ON tasks
  WHEN OLD.status IS NOT NEW.status OR OLD.finished_at IS NOT NEW.finished_at
BEGIN
  UPDATE task_tallies SET n = n - 1
    WHERE status = OLD.status AND minute = coalesce(CAST(OLD.finished_at / 60000 AS INTEGER), -1);
  DELETE FROM task_tallies
    WHERE status = OLD.status AND minute = coalesce(CAST(OLD.finished_at / 60000 AS INTEGER), -1) AND n <= 0;
  INSERT INTO task_tallies (status, minute, n)
    VALUES (NEW.status, coalesce(CAST(NEW.finished_at / 60000 AS INTEGER), -1), 1)
    ON CONFLICT (status, minute) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tasks_tally_delete AFTER DELETE ON tasks BEGIN
  UPDATE task_tallies SET n = n - 1
    WHERE status = OLD.status AND minute = coalesce(CAST(OLD.finished_at / 60000 AS INTEGER), -1);
  DELETE FROM task_tallies
    WHERE status = OLD.status AND minute = coalesce(CAST(OLD.finished_at / 60000 AS INTEGER), -1) AND n <= 0;
END;
`;
