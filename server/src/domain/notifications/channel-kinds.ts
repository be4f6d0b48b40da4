/** The services podup notifies. No imports: the panel's bundle takes it through contract/vocabulary.ts. */
export const CHANNEL_KINDS = ['ntfy', 'gotify', 'slack', 'discord', 'matrix', 'teams', 'json'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
