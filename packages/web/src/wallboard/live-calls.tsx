import { useCallback, useEffect, useRef, useState } from 'react';
import type { CallId, MonitorMode, PartyId, QualitySample } from '@lineup/protocol';
import type { SupervisorCallClient } from '../shared/calls/call-client.ts';
import { CallMediaView } from '../shared/calls/call-media-view.tsx';
import {
  callStatusOf,
  callWords,
  otherPartiesOf,
  qualityInWords,
} from '../shared/calls/call-words.ts';
import { useWords } from '../shared/i18n.tsx';
import { ContactRecordings } from '../shared/calls/recording-player.tsx';
import { useCalls } from '../shared/calls/use-calls.ts';
import { messageOf } from '../shared/messages.ts';
import { useNow } from '../shared/use-now.ts';

/*
 * The wallboard's calls: every live call of the tenant with its parties,
 * state and timer, and its latest quality as the parties' browsers report it;
 * Listen, Whisper and Barge join it (the supervisor's microphone goes to
 * nobody, to the agent, to both), Stop leaves. A call that ended shows its
 * contact's recordings, playable here.
 */

/** The monitor modes in the order of their buttons; each mode's label is its word. */
const monitorModes: readonly MonitorMode[] = ['listen', 'whisper', 'barge'];

/** Live calls, their quality, monitoring, and recordings of the calls that ended. */
export function LiveCalls({ client, subject }: { client: SupervisorCallClient; subject: string }) {
  const self = `supervisor:${subject}` as PartyId;
  const selfOf = useCallback(() => self, [self]);
  const calls = useCalls(client, selfOf, () => false);
  const nowMs = useNow();
  const t = useWords(callWords);
  const [quality, setQuality] = useState<ReadonlyMap<CallId, QualitySample>>(new Map());
  const [failure, setFailure] = useState<string | null>(null);
  const [opened, setOpened] = useState<CallId | null>(null);
  const { learn } = calls;
  const asked = useRef(new Set<CallId>());
  // The socket pushes calls as they change; the calls already live when the page opened come
  // from the list of the tenant's live calls.
  useEffect(() => {
    let isCurrent = true;
    void client.liveCalls().then(
      (live) => {
        if (isCurrent) for (const call of live) learn(call);
      },
      () => undefined,
    );
    return () => {
      isCurrent = false;
    };
  }, [client, learn]);
  useEffect(
    () =>
      client.onQuality(({ callId, contactId, sample }) => {
        setQuality((current) => new Map(current).set(callId, sample));
        // The socket pushes calls as they change: one that began before this page opened shows
        // first by its quality samples, and its contact's calls say the rest.
        if (contactId === undefined || asked.current.has(callId)) return;
        asked.current.add(callId);
        void client.contactCalls(contactId).then(
          (records) => {
            for (const record of records) if (record.call.state !== 'ended') learn(record.call);
          },
          () => undefined,
        );
      }),
    [client, learn],
  );
  const act = (action: () => Promise<unknown>) => {
    setFailure(null);
    action().catch((error: unknown) => {
      setFailure(messageOf(error));
    });
  };
  return (
    <section className="card live-calls" aria-label={t.calls}>
      <h2>{t.calls}</h2>
      {[failure, calls.failure].map((text) =>
        text === null ? null : (
          <p key={text} className="banner error" role="alert">
            {text}
          </p>
        ),
      )}
      {calls.calls.length === 0 ? (
        <p className="muted">{t.noCalls}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.call}</th>
              <th scope="col">{t.state}</th>
              <th scope="col">{t.quality}</th>
              <th scope="col">{t.monitor}</th>
            </tr>
          </thead>
          <tbody>
            {calls.calls.map((call) => {
              const me = call.parties.find(
                (party) => party.partyId === self && party.state === 'joined',
              );
              const isLive = call.state === 'active' || call.state === 'held';
              return (
                <tr key={call.callId} data-call={call.callId} data-state={call.state}>
                  <td>
                    {t.mediaOf(call.media === 'video', otherPartiesOf(call, self, t))}
                    {call.isRecording ? ` ${t.recording}` : ''}
                  </td>
                  <td>{callStatusOf(call, self, nowMs, t)}</td>
                  <td className="call-quality">{qualityInWords(quality.get(call.callId), t)}</td>
                  <td>
                    {isLive ? (
                      <span className="actions">
                        {monitorModes.map((mode) => (
                          <button
                            key={mode}
                            type="button"
                            className={me?.monitor === mode ? '' : 'secondary'}
                            aria-pressed={me?.monitor === mode}
                            onClick={() => {
                              act(() => client.monitor(call.callId, mode));
                            }}
                          >
                            {t[mode]}
                          </button>
                        ))}
                        {me === undefined ? null : (
                          <button
                            type="button"
                            className="danger"
                            onClick={() => {
                              act(() => client.monitorStop(call.callId));
                            }}
                          >
                            {t.stop}
                          </button>
                        )}
                        <CallMediaView session={calls.session(call.callId)} local={undefined} />
                      </span>
                    ) : call.contactId === undefined ? null : opened === call.callId ? (
                      <ContactRecordings
                        client={client}
                        contactId={call.contactId}
                        version={call.callId}
                      />
                    ) : (
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => {
                          setOpened(call.callId);
                        }}
                      >
                        {t.recordings}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
