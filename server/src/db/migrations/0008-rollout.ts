/**
 * The rollout per unit: its role (the canary of its image), its place in the order, what the health gate saw,
 * and the dependents checked after its restart or rollback (JSON).
 */
export default `
ALTER TABLE task_units ADD COLUMN role TEXT;
ALTER TABLE task_units ADD COLUMN position INTEGER;
ALTER TABLE task_units ADD COLUMN health TEXT;
ALTER TABLE task_units ADD COLUMN dependents TEXT NOT NULL DEFAULT '[]';
`;
