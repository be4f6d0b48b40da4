import { screen, waitFor, within } from '@testing-library/react';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import { mockState, resetMocks } from '@/testing/mocks/state';
import type { Profile } from '@/testing/mocks/profiles';
import { renderApp } from '@/testing/test-utils';

/**
 * axe-core over every page's rendered DOM, in the light and the dark theme. jsdom has no layout and loads no
 * stylesheet, so `color-contrast` cannot be judged here (axe reports it incomplete): the Chromium e2e checks
 * it against the real CSS. Everything else (names, roles, labels, landmarks, focusable scroll regions, ...)
 * must pass.
 */
async function violations(): Promise<string[]> {
  const result = await axe.run(document.body, {
    rules: { 'color-contrast': { enabled: false }, 'label-content-name-mismatch': { enabled: true } },
    resultTypes: ['violations'],
  });
  return result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`,
  );
}

/** Rendered and settled: its heading is there and nothing is still loading. */
async function settled(heading: RegExp | string) {
  await screen.findByRole('heading', { level: 1, name: heading });
  await waitFor(() => expect(document.querySelector('.spinner, [aria-busy="true"]')).toBeNull());
}

const firstUnit = () => mockState().reads.units.body.units[0]!.unit;

const pages: [string, () => string, RegExp | string][] = [
  ['overview', () => '/', 'Overview'],
  ['tasks', () => '/tasks', 'Tasks'],
  ['units', () => '/units', 'Units'],
  ['unit', () => `/units/${encodeURIComponent(firstUnit())}`, /\.service$|\.container$|^[\w@.-]+$/],
  ['schedules', () => '/schedules', 'Schedules'],
  ['events', () => '/events', 'Events'],
  ['tokens', () => '/tokens', /tokens/i],
  ['notifications', () => '/notifications', 'Notifications'],
  ['settings', () => '/settings', 'Settings'],
];

describe.each(['light', 'dark'] as const)('axe-core, %s theme', (theme) => {
  describe.each(['happy-path', 'empty', 'busy', 'degraded', 'real-host'] as Profile[])('%s', (profile) => {
    it.each(pages)('%s has no violations', async (name, url, heading) => {
      if (profile === 'empty' && name === 'unit') return;
      document.documentElement.dataset.theme = theme;
      renderApp(url(), { profile });
      await settled(heading);
      expect(await violations()).toEqual([]);
    });
  });
});

describe.each(['light', 'dark'] as const)('axe-core over the task drawer, %s theme', (theme) => {
  it.each([
    ['a rolled-back task with its cause and journal', 'happy-path', 'rolled-back'],
    ['the running task, its log streaming', 'busy', 'running'],
    ['a failed task while a part is down', 'degraded', 'failed'],
  ] as const)('%s', async (_name, profile, status) => {
    document.documentElement.dataset.theme = theme;
    resetMocks(profile);
    const id = mockState().tasks.find((t) => t.task.status === status)!.task.id;
    renderApp(`/tasks?task=${id}`);
    const drawer = await screen.findByRole('dialog', { name: `Task ${id}` });
    await within(drawer).findByRole('region', { name: 'Task log' });
    await waitFor(() => expect(document.querySelector('.spinner, [aria-busy="true"]')).toBeNull());
    expect(await violations()).toEqual([]);
  });
});

describe('axe-core over the policy dialogs and the schedule editor', () => {
  it('snooze dialog with a date-time picked but missing', async () => {
    const { user } = renderApp('/units');
    await settled('Units');
    await user.click(screen.getByRole('button', { name: /^Snooze worker\.service/ }));
    await user.click(screen.getByRole('radio', { name: 'until a date and time' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Snooze worker.service' }));
    await user.click(dialog.getByRole('button', { name: 'Snooze' }));
    await dialog.findByRole('alert');
    expect(await violations()).toEqual([]);
  });

  it('age and windows dialog with a refused value at its field', async () => {
    const { user } = renderApp('/units');
    await settled('Units');
    await user.click(screen.getByRole('button', { name: /^Age & windows of worker\.service/ }));
    const dialog = within(screen.getByRole('dialog', { name: 'Minimum age and windows: worker.service' }));
    const input = dialog.getByRole('textbox', { name: 'Minimum image age' });
    await user.clear(input);
    await user.type(input, 'soon');
    await user.click(dialog.getByRole('button', { name: 'Set minimum image age' }));
    await dialog.findByRole('alert');
    expect(await violations()).toEqual([]);
  });

  it('schedule editor with its next runs', async () => {
    const { user } = renderApp('/schedules');
    await settled('Schedules');
    await user.click(screen.getByRole('button', { name: 'New schedule' }));
    await waitFor(() => expect(screen.getAllByRole('listitem').length).toBeGreaterThan(0));
    expect(await violations()).toEqual([]);
  });
});
