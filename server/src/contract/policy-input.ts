/** Inputs of the policy routes and commands, validated once for the API and the CLI. */
import { PolicyBody, SkipBody, SnoozeBody } from './api.js';
import { parseInput } from './parse.js';

export const parsePolicyBody = (raw: unknown) => parseInput(PolicyBody, raw, 'BAD_REQUEST');

export const parseSkipBody = (raw: unknown) => parseInput(SkipBody, raw, 'BAD_REQUEST');

/** The snooze's end as given (a time or a duration from now), or null to end it. */
export const parseSnoozeBody = (raw: unknown) => parseInput(SnoozeBody, raw, 'BAD_REQUEST').until;
