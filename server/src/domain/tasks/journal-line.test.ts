import { describe, expect, it } from 'vitest';
import { journalErrorLine } from './journal-line.js';

describe('journalErrorLine', () => {
  it('takes the first line that reads like the error, else the last one', () => {
    expect(
      journalErrorLine(
        "journal of web.service:\nStarting web.service...\nweb.service: Main process exited, code=exited, status=1/FAILURE\nweb.service: Failed with result 'exit-code'.",
      ),
    ).toBe('web.service: Main process exited, code=exited, status=1/FAILURE');
    expect(journalErrorLine('journal of a.service:\nStarting a.service...\nStarted a.service.')).toBe(
      'Started a.service.',
    );
    expect(journalErrorLine('journal of a.service:')).toBeNull();
  });
});
