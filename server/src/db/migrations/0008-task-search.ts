/**
 * The task list's text search (a substring of id, image, units, caller, reason or summary) through a trigram
 * index instead of LIKE over every task. Contentless (the text stays in tasks only) with deletes, keyed by
 * tasks.search_row (tasks has no rowid); triggers keep it equal to the tasks table whoever writes it.
 */
export default `
ALTER TABLE tasks ADD COLUMN search_row INTEGER;
UPDATE tasks SET search_row = r.n
  FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM tasks) AS r
  WHERE tasks.id = r.id;
CREATE UNIQUE INDEX tasks_search_row ON tasks (search_row);

CREATE VIRTUAL TABLE tasks_search USING fts5(
  id, image, units, caller, reason, summary,
  content = '', contentless_delete = 1, tokenize = 'trigram'
);
INSERT INTO tasks_search (rowid, id, image, units, caller, reason, summary)
  SELECT search_row, id, image, units, caller, reason, summary FROM tasks;

CREATE TRIGGER tasks_search_insert AFTER INSERT ON tasks BEGIN
  UPDATE tasks SET search_row = (SELECT coalesce(max(search_row), 0) + 1 FROM tasks) WHERE id = NEW.id;
  INSERT INTO tasks_search (rowid, id, image, units, caller, reason, summary)
    SELECT search_row, id, image, units, caller, reason, summary FROM tasks WHERE id = NEW.id;
END;
CREATE TRIGGER tasks_search_update AFTER UPDATE OF image, units, caller, reason, summary ON tasks BEGIN
  DELETE FROM tasks_search WHERE rowid = OLD.search_row;
  INSERT INTO tasks_search (rowid, id, image, units, caller, reason, summary)
    VALUES (NEW.search_row, NEW.id, NEW.image, NEW.units, NEW.caller, NEW.reason, NEW.summary);
END;
CREATE TRIGGER tasks_search_delete AFTER DELETE ON tasks BEGIN
  DELETE FROM tasks_search WHERE rowid = OLD.search_row;
END;
`;
