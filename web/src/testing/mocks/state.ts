/**
 * The mock backend's state: a profile's recorded fixture, moved to "now", plus only what a UI flow changes
 * (who is signed in, tasks a trigger or retry added, a task a stop changed, how far the running task has
 * played). Every answer is a recorded one; the state only picks which.
 */
import type { ApiChannel, ApiEvent, ApiTask, ApiTaskDetail, ApiToken } from '@contract';
import type { DataFixture, Recorded, TaskStory } from './fixture-format';
import { DATA_FIXTURES, TRANSPORT } from './fixtures';
import { History } from './history';
import { LivePlayback, type FrameListener } from './live-task';
import { PROFILE_SETUP, type Profile, type ProfileSetup } from './profiles';
import { replay } from './replay';

export const toTask = ({ unitResults: _units, log: _log, ...task }: ApiTaskDetail): ApiTask => task;

/** One task of the list; a clone's detail is only built when someone asks for it. */
export class MockTask {
  task: ApiTask;
  private built: ApiTaskDetail | undefined;

  constructor(
    task: ApiTask,
    /** Whose recorded answers it replays (its own, or those of the task it was cloned or retried from). */
    readonly story: TaskStory | undefined,
    /** The units it touched (an image's units are only in its results). */
    readonly units: readonly string[],
    private readonly build: () => ApiTaskDetail,
  ) {
    this.task = task;
  }

  get detail(): ApiTaskDetail {
    return (this.built ??= this.build());
  }

  set detail(d: ApiTaskDetail) {
    this.built = d;
    this.task = toTask(d);
  }
}

export interface MockState {
  profile: Profile;
  setup: ProfileSetup;
  data: DataFixture;
  signedIn: boolean;
  /** Wrong tokens sent so far: the next answer is the recorded one at that position. */
  wrongTokens: number;
  /** Newest first. */
  tasks: MockTask[];
  byId: Map<string, MockTask>;
  /** Newest first. */
  events: ApiEvent[];
  live: LivePlayback | undefined;
  /** The snapshot's reads, moved to now. */
  reads: Pick<DataFixture, 'healthz' | 'readyz' | 'overview' | 'units' | 'settings' | 'schedules'>;
  /** Task ids made up so far for tasks the mocks added. */
  made: number;
  /** The Tokens page's list as the panel changed it (created, revoked). */
  tokens: ApiToken[];
  /** The Notifications page's channels as the panel changed them (added, removed). */
  channels: ApiChannel[];
}

const unitsOf = (d: ApiTaskDetail): string[] => d.units ?? d.unitResults.map((u) => u.unit);

export function addTask(detail: ApiTaskDetail, story: TaskStory | undefined): MockTask {
  const t = new MockTask(toTask(detail), story, unitsOf(detail), () => detail);
  state.tasks.unshift(t);
  state.byId.set(t.task.id, t);
  return t;
}

function build(profile: Profile): MockState {
  const setup = PROFILE_SETUP[profile];
  const data = DATA_FIXTURES[setup.data];
  const shiftMs = Date.now() - Date.parse(data.recordedAt);
  const history = new History(data);
  const tasks = history.tasks(Math.max(setup.tasks, data.tasks.length)).map(({ of, id, shiftMs: back }) => {
    const how = { shiftMs: shiftMs + back, replace: new Map([[of.detail.id, id]]) };
    return new MockTask(replay(toTask(of.detail), how), of, unitsOf(of.detail), () => replay(of.detail, how));
  });
  const events = history
    .events(Math.max(setup.events, data.events.length))
    .map(({ of, id, shiftMs: back }, i, all) =>
      replay({ ...of, id: all.length - i, taskId: id || of.taskId }, { shiftMs: shiftMs + back }),
    );
  const live = data.live && new LivePlayback(data.live, { shiftMs });
  const { healthz, readyz, overview, units, settings, schedules } = data;
  return {
    profile,
    setup,
    data,
    signedIn: setup.transport !== 'auth-error',
    wrongTokens: 0,
    tasks,
    byId: new Map(tasks.map((t) => [t.task.id, t])),
    events,
    live,
    reads: replay({ healthz, readyz, overview, units, settings, schedules }, { shiftMs }),
    made: 0,
    tokens: replay(data.tokens.list.body.tokens ?? [], { shiftMs }),
    channels: replay(data.notifications.channels.body.channels ?? [], { shiftMs }),
  };
}

let state: MockState = build('happy-path');

export const mockState = (): MockState => state;

/** How far back the recording lies: recorded answers are moved forward by this. */
export const sinceRecording = (): number => Date.now() - Date.parse(state.data.recordedAt);

/** Starts over with `profile`'s recording (the same every time). */
export function resetMocks(profile: Profile = 'happy-path'): void {
  state = build(profile);
}

export const findTask = (id: string): MockTask | undefined => state.byId.get(id);

/** The detail of a task now (the running one changes as it plays). */
export function detailOf(t: MockTask): ApiTaskDetail {
  if (state.live && t.task.id === state.live.id) t.detail = state.live.detail();
  return t.detail;
}

/** The browser ticks on a timer, tests by hand: the running task plays its next recorded frame. */
export function tick(): void {
  state.live?.tick();
  const running = state.live && findTask(state.live.id);
  if (running) detailOf(running);
}

export const recordedTransport = () => TRANSPORT;

/** A recorded answer with a named stand-in replaced (`tsk_NOPE` -> the id asked for). */
export const answerFor = (answer: Recorded, from: string, to: string): Recorded =>
  replay(answer, { replace: new Map([[from, to]]) });

/** Frames of the running task's stream as they are played (tests hand them to a FakeEventSource). */
export function subscribe(taskId: string, listener: FrameListener): () => void {
  const live = state.live;
  return live && live.id === taskId ? live.subscribe(listener) : () => {};
}
