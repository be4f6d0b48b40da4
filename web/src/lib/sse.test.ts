import { describe, expect, it, vi } from 'vitest';
import { FakeEventSource } from '@/testing/fake-event-source';
import { openEventStream } from './sse';

describe('openEventStream', () => {
  it('parses JSON per event name, passes the event id, skips data that is not JSON', () => {
    const log = vi.fn();
    const states: string[] = [];
    openEventStream('/api/tasks/x/log', { events: { log }, onState: (s) => states.push(s) });
    const source = FakeEventSource.live('/api/tasks/x/log')[0]!;
    expect(source.withCredentials).toBe(true);
    source.open();
    source.emit('log', { id: 7, message: 'hi' }, 7);
    source.dispatchEvent(new MessageEvent('log', { data: 'not json', lastEventId: '8' }));
    source.emit('other', { ignored: true });
    expect(log.mock.calls).toEqual([[{ id: 7, message: 'hi' }, '7']]);
    expect(states).toEqual(['connecting', 'open']);
  });

  it('reports reconnecting vs given up, and nothing after close()', () => {
    const log = vi.fn();
    const states: string[] = [];
    const stream = openEventStream('/s', { events: { log }, onState: (s) => states.push(s) });
    const source = FakeEventSource.live('/s')[0]!;
    source.fail();
    source.fail(true);
    expect(states).toEqual(['connecting', 'connecting', 'closed']);
    stream.close();
    expect(source.readyState).toBe(FakeEventSource.CLOSED);
    source.dispatchEvent(new MessageEvent('log', { data: '{"id":1}' }));
    expect(log).not.toHaveBeenCalled();
  });

  it('without EventSource it says so instead of throwing', () => {
    const saved = globalThis.EventSource;
    Object.defineProperty(globalThis, 'EventSource', {
      value: undefined,
      configurable: true,
      writable: true,
    });
    try {
      const onState = vi.fn();
      openEventStream('/s', { events: {}, onState }).close();
      expect(onState).toHaveBeenCalledWith('unsupported');
    } finally {
      Object.defineProperty(globalThis, 'EventSource', { value: saved, configurable: true, writable: true });
    }
  });
});
