// The off switch, as the build reads it (bin/podup-serve and src/snapshot/stamp.ts read the same variable).
export const snapshotOff = process.env.PODUP_SNAPSHOT === 'off';
