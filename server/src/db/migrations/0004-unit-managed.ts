/**
 * Whether podup may move a unit (it opts in, or PODUP_UNITS lists it, and systemd has it) and why not.
 * Rows from before default to unmanaged until the next discovery says otherwise: never restart what was not
 * asked for.
 */
export default `
ALTER TABLE units ADD COLUMN managed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE units ADD COLUMN unmanaged_reason TEXT DEFAULT 'not discovered since podup was upgraded';
`;
