/**
 * The task list's text search (a substring of id, image, units, caller, reason or summary) through trigram
 * indexes instead of LIKE over every task. Contentless (the text stays in tasks only) with deletes, keyed by
 * tasks.search_row (tasks has no rowid), which the task store assigns as it inserts. What a task is created
 * with is indexed once; its summary, written when it ends, apart, so that an ending tokenizes only the summary.
 * Triggers keep both equal to the tasks table whoever writes it.
 */
export default `
ALTER TABLE tasks ADD COLUMN search_row INTEGER;
UPDATE tasks SET search_row = r.n
  FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM tasks) AS r
  WHERE tasks.id = r.id;
CREATE UNIQUE INDEX tasks_search_row ON tasks (search_row);

CREATE VIRTUAL TABLE tasks_search USING fts5(
  id, image, units, caller, reason,
  content = '', contentless_delete = 1, tokenize = 'trigram'
);
CREATE VIRTUAL TABLE task_summaries_search USING fts5(
  summary,
  content = '', contentless_delete = 1, tokenize = 'trigram'
);
INSERT INTO tasks_search (rowid, id, image, units, caller, reason)
  SELECT search_row, id, image, units, caller, reason FROM tasks;
INSERT INTO task_summaries_search (rowid, summary)
  SELECT search_row, summary FROM tasks WHERE summary IS NOT NULL;

CREATE TRIGGER tasks_search_insert AFTER INSERT ON tasks WHEN NEW.search_row IS NOT NULL BEGIN
  INSERT INTO tasks_search (rowid, id, image, units, caller, reason)
    VALUES (NEW.search_row, NEW.id, NEW.image, NEW.units, NEW.caller, NEW.reason);
  INSERT INTO task_summaries_search (rowid, summary)
    SELECT NEW.search_row, NEW.summary WHERE NEW.summary IS NOT NULL;
END;
-- A task written without a search_row (not through the task store) gets the next one here.
CREATE TRIGGER tasks_search_insert_unnumbered AFTER INSERT ON tasks WHEN NEW.search_row IS NULL BEGIN
  UPDATE tasks SET search_row = (SELECT coalesce(max(search_row), 0) + 1 FROM tasks) WHERE id = NEW.id;
  INSERT INTO tasks_search (rowid, id, image, units, caller, reason)
    SELECT search_row, id, image, units, caller, reason FROM tasks WHERE id = NEW.id;
  INSERT INTO task_summaries_search (rowid, summary)
    SELECT search_row, summary FROM tasks WHERE id = NEW.id AND summary IS NOT NULL;
END;
CREATE TRIGGER tasks_search_update AFTER UPDATE OF image, units, caller, reason ON tasks
  WHEN OLD.image IS NOT NEW.image OR OLD.units IS NOT NEW.units OR OLD.caller IS NOT NEW.caller
    OR OLD.reason IS NOT NEW.reason
BEGIN
  DELETE FROM tasks_search WHERE rowid = OLD.search_row;
  INSERT INTO tasks_search (rowid, id, image, units, caller, reason)
    VALUES (NEW.search_row, NEW.id, NEW.image, NEW.units, NEW.caller, NEW.reason);
END;
CREATE TRIGGER tasks_summary_update AFTER UPDATE OF summary ON tasks WHEN OLD.summary IS NOT NEW.summary BEGIN
  DELETE FROM task_summaries_search WHERE rowid = OLD.search_row;
  INSERT INTO task_summaries_search (rowid, summary)
    SELECT NEW.search_row, NEW.summary WHERE NEW.summary IS NOT NULL;
END;
CREATE TRIGGER tasks_search_delete AFTER DELETE ON tasks BEGIN
  DELETE FROM tasks_search WHERE rowid = OLD.search_row;
  DELETE FROM task_summaries_search WHERE rowid = OLD.search_row;
END;
`;
