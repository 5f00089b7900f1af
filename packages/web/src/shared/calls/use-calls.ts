import { useCallback, useEffect, useRef, useState } from 'react';
import type { Call, CallId, CallSignalMessage, PartyId } from '@lineup/protocol';
import type { CallClient } from './call-client.ts';
import { CallSession } from './call-session.ts';
import { LocalMedia } from './local-media.ts';
import { messageOf } from '../messages.ts';

/*
 * The calls of a page, for React: every call the server pushes, and for each
 * call this person has joined, its media (a CallSession over one LocalMedia
 * per kind of call, shared when an agent holds a customer and consults a
 * colleague). Media starts when the call is answered and stops when it ends
 * or this person leaves it; the devices are released with the last call.
 */

/** Ended calls kept for the page to show how they ended; older ones are dropped. */
const endedCallsKeptMax = 10;
/** Signals kept for a call whose media is still starting (a bound against a flood). */
const earlySignalsMax = 128;

/** The page's calls and their media. */
export interface Calls {
  /** Every call known, newest first. */
  calls: Call[];
  session(callId: CallId): CallSession | undefined;
  local(callId: CallId): LocalMedia | undefined;
  /** Why media could not start (the camera refused, no microphone). */
  failure: string | null;
  /** Adds a call read over REST (a wallboard opened during a call it never heard start). */
  learn: (call: Call) => void;
  /** Turns the camera, microphone or screen sharing of a call on or off, and tells the server. */
  switchMedia(
    callId: CallId,
    change: 'camera' | 'microphone' | 'screen',
    isOn: boolean,
  ): Promise<void>;
}

function isLive(call: Call, self: PartyId | null): boolean {
  return (
    (call.state === 'active' || call.state === 'held') &&
    call.parties.some((party) => party.partyId === self && party.state === 'joined')
  );
}

/** Follows the calls `client` hears; `selfOf` says who this page is in a call (null: not in it). */
export function useCalls(
  client: CallClient | null,
  selfOf: (call: Call) => PartyId | null,
  /** Whether this page sends its camera in a call: a supervisor never does. */
  sendsCamera: (call: Call) => boolean = (call) => call.media === 'video',
): Calls {
  const [calls, setCalls] = useState<ReadonlyMap<CallId, Call>>(new Map());
  const [failure, setFailure] = useState<string | null>(null);
  const [, setVersion] = useState(0);
  const sessions = useRef(new Map<CallId, CallSession>());
  const starting = useRef(new Set<CallId>());
  const early = useRef(new Map<CallId, CallSignalMessage[]>());
  /** The local media by whether it has a camera: one for voice calls, one for video calls. */
  const locals = useRef(new Map<boolean, { media: LocalMedia; users: Set<CallId> }>());
  const selfOfRef = useRef(selfOf);
  selfOfRef.current = selfOf;
  const learnRef = useRef<(call: Call) => void>(() => undefined);
  const sendsCameraRef = useRef(sendsCamera);
  sendsCameraRef.current = sendsCamera;

  useEffect(() => {
    if (client === null) return;
    const changed = () => {
      setVersion((version) => version + 1);
    };

    const release = (callId: CallId) => {
      for (const [kind, entry] of locals.current) {
        if (!entry.users.delete(callId) || entry.users.size > 0) continue;
        entry.media.close();
        locals.current.delete(kind);
      }
    };

    const start = async (call: Call, self: PartyId) => {
      starting.current.add(call.callId);
      try {
        const hasVideo = sendsCameraRef.current(call);
        let entry = locals.current.get(hasVideo);
        if (entry === undefined) {
          entry = { media: await LocalMedia.open({ hasVideo }), users: new Set() };
          locals.current.set(hasVideo, entry);
        }
        entry.users.add(call.callId);
        const { iceServers } = await client.iceServers();
        const session = new CallSession({
          self,
          call: latest.get(call.callId) ?? call,
          local: entry.media,
          iceServers,
          channel: client,
          onChange: changed,
        });
        sessions.current.set(call.callId, session);
        for (const signal of early.current.get(call.callId) ?? []) session.receive(signal);
        early.current.delete(call.callId);
        const now = latest.get(call.callId);
        if (now !== undefined) follow(now);
        setFailure(null);
      } catch (error: unknown) {
        release(call.callId);
        setFailure(
          `Your camera or microphone could not start: ${error instanceof Error ? error.message : String(error)}`,
        );
      } finally {
        starting.current.delete(call.callId);
        changed();
      }
    };

    /** The latest version of each call, read by the asynchronous start. */
    const latest = new Map<CallId, Call>();

    const follow = (call: Call) => {
      const self = selfOfRef.current(call);
      const session = sessions.current.get(call.callId);
      if (isLive(call, self)) {
        if (session !== undefined) session.update(call);
        else if (self !== null && !starting.current.has(call.callId)) void start(call, self);
        return;
      }
      if (session !== undefined) {
        sessions.current.delete(call.callId);
        session
          .close()
          .catch((error: unknown) => {
            setFailure(messageOf(error));
          })
          .finally(() => {
            release(call.callId);
            changed();
          });
      }
      early.current.delete(call.callId);
    };

    const accept = (call: Call) => {
      // A call read over REST may be older than what the socket already pushed.
      const known = latest.get(call.callId);
      if (known !== undefined && known.log.length > call.log.length) return;
      latest.set(call.callId, call);
      follow(call);
      setCalls((current) => {
        const next = new Map(current);
        next.delete(call.callId);
        const updated = new Map([[call.callId, call], ...next]);
        const ended = [...updated.values()].filter((known) => known.state === 'ended');
        for (const old of ended.slice(endedCallsKeptMax)) {
          updated.delete(old.callId);
          latest.delete(old.callId);
        }
        return updated;
      });
    };
    learnRef.current = accept;
    const stopCall = client.onCall(({ call }) => {
      accept(call);
    });
    const stopSignal = client.onSignal((message) => {
      const session = sessions.current.get(message.callId);
      if (session !== undefined) {
        session.receive(message);
        return;
      }
      const waiting = early.current.get(message.callId) ?? [];
      if (waiting.length < earlySignalsMax) waiting.push(message);
      early.current.set(message.callId, waiting);
    });
    const current = sessions.current;
    const media = locals.current;
    return () => {
      stopCall();
      stopSignal();
      // The page is leaving the calls: a recording that cannot finish now has nobody to tell.
      for (const session of current.values()) session.close().catch(() => undefined);
      current.clear();
      for (const entry of media.values()) entry.media.close();
      media.clear();
    };
  }, [client]);

  const learn = useCallback((call: Call) => {
    learnRef.current(call);
  }, []);
  const localOf = (callId: CallId) =>
    [...locals.current.values()].find((entry) => entry.users.has(callId))?.media;

  return {
    calls: [...calls.values()],
    session: (callId) => sessions.current.get(callId),
    local: localOf,
    failure,
    learn,
    async switchMedia(callId, change, isOn) {
      const local = localOf(callId);
      if (local === undefined || client === null) return;
      if (change === 'camera') local.setCamera(isOn);
      if (change === 'microphone') local.setMicrophone(isOn);
      if (change === 'screen') {
        if (isOn) await local.shareScreen();
        else local.stopScreen();
      }
      setVersion((version) => version + 1);
      await client.setMedia(callId, local.switches);
    },
  };
}
