/** Webhook tasks keep where their image came from (commit, commit page, release or package page) as JSON. */
export default `
ALTER TABLE tasks ADD COLUMN source TEXT;
`;
