import { spawnSync } from 'node:child_process';
import { Argument, Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { completionScript, SHELLS } from './completion.js';

function program(): Command {
  const p = new Command('podup').option('--state-dir <dir>', 'state');
  p.command('doctor').option('--json', 'json');
  p.command('events').addOption(new Option('--outcome <o>', 'outcome').choices(['accepted', 'refused']));
  const tasks = p.command('tasks').option('-n, --limit <n>', 'how many');
  tasks.command('show <id>').option('--json', 'json');
  tasks.command('retry <id>');
  p.command('completion').addArgument(new Argument('<shell>').choices(SHELLS));
  p.command('backup <file>');
  return p;
}

/** What bash offers after typing `words` (the last one is being completed). */
function complete(words: string[]): string[] {
  const script = completionScript(program(), 'bash');
  const r = spawnSync(
    'bash',
    [
      '-c',
      `${script}\nCOMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _podup; printf '%s\\n' "\${COMPREPLY[@]}"`,
      'bash',
      ...words,
    ],
    { encoding: 'utf8', cwd: '/' },
  );
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

describe('shell completion generated from the commands', () => {
  it('bash completes commands, subcommands, options, choices and arguments', () => {
    expect(complete(['podup', ''])).toEqual(['doctor', 'events', 'tasks', 'completion', 'backup']);
    expect(complete(['podup', 'ta'])).toEqual(['tasks']);
    expect(complete(['podup', 'tasks', ''])).toEqual(['show', 'retry']);
    expect(complete(['podup', '--state-dir', '/tmp', 'tasks', '-n', '5', 's'])).toEqual(['show']);
    expect(complete(['podup', 'tasks', 'show', '1', '--'])).toEqual(['--json', '--help']);
    expect(complete(['podup', 'events', '--outcome', ''])).toEqual(['accepted', 'refused']);
    expect(complete(['podup', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    // Arguments without choices, and option values without them, are file names.
    expect(complete(['podup', 'backup', '/et'])).toEqual(['/etc']);
    expect(complete(['podup', '--state-dir', '/et'])).toEqual(['/etc']);
  });

  it('writes each script so that its shell can read it', () => {
    const check = { bash: ['bash', '-n'], zsh: ['zsh', '-n'], fish: ['fish', '--no-execute'] } as const;
    for (const shell of SHELLS) {
      const script = completionScript(program(), shell);
      expect(script).toContain('podup');
      const [cmd, ...args] = check[shell];
      const r = spawnSync(cmd, args, { input: script, encoding: 'utf8' });
      // zsh and fish are checked where they are installed (bash always is).
      if (r.error && shell !== 'bash') continue;
      expect(r.status, `${shell}: ${r.stderr}`).toBe(0);
    }
  });
});
