import type { FastifyInstance } from 'fastify';
import type { Clock, TimerScheduler } from '../clock.ts';
import type { Host } from '../host.ts';
import type { ServerStore } from '../store.ts';
import { CallStore } from './call-store.ts';
import { Calls, callSettingsDefault, type CallSettings } from './calls.ts';
import { iceSettingsDefault, type IceSettings } from './ice-servers.ts';
import { CallRecordings, recordingSettingsDefault, type RecordingSettings } from './recordings.ts';

/*
 * The calls of a server, put together: the registry, its store, the
 * recordings and the ICE settings, from one settings object (the `calls`
 * section of the settings file, docs/calls.md, Settings).
 */

/** Every setting of calls: ring time and limits, recordings, STUN and TURN. */
export type CallServerSettings = CallSettings & RecordingSettings & IceSettings;

/** The defaults of every setting of calls. */
export const callServerSettingsDefault: CallServerSettings = {
  ...callSettingsDefault,
  ...recordingSettingsDefault,
  ...iceSettingsDefault,
};

/** How a server's calls are set up. */
export interface CallOptions {
  /** Each has a default (callServerSettingsDefault). */
  settings?: Partial<CallServerSettings>;
  /** Where recordings are kept (<data dir>/recordings); none: recordings are refused. */
  recordingsDir?: string;
}

/** The calls of an app, closed before it closes. */
export function setUpCalls(
  app: FastifyInstance,
  options: {
    host: Host;
    store: ServerStore;
    clock: Clock;
    scheduler: TimerScheduler;
    calls: CallOptions | undefined;
  },
): { calls: Calls; recordings: CallRecordings; ice: IceSettings } {
  const settings = { ...callServerSettingsDefault, ...options.calls?.settings };
  const store = new CallStore(options.store.db);
  const calls = new Calls({
    host: options.host,
    store,
    clock: options.clock,
    scheduler: options.scheduler,
    settings,
  });
  const recordings = new CallRecordings({
    calls,
    store,
    clock: options.clock,
    directory: options.calls?.recordingsDir ?? null,
    settings,
  });
  app.addHook('preClose', (done) => {
    calls.close();
    done();
  });
  return { calls, recordings, ice: settings };
}
