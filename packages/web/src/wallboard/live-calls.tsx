import { useCallback, useEffect, useRef, useState } from 'react';
import type { CallId, MonitorMode, PartyId, QualitySample } from '@lineup/protocol';
import type { SupervisorCallClient } from '../shared/calls/call-client.ts';
import { CallMediaView } from '../shared/calls/call-media-view.tsx';
import { callStatusOf, otherPartiesOf, qualityInWords } from '../shared/calls/call-words.ts';
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

const monitorModes: readonly { mode: MonitorMode; label: string }[] = [
  { mode: 'listen', label: 'Listen' },
  { mode: 'whisper', label: 'Whisper' },
  { mode: 'barge', label: 'Barge' },
];

/** Live calls, their quality, monitoring, and recordings of the calls that ended. */
export function LiveCalls({ client, subject }: { client: SupervisorCallClient; subject: string }) {
  const self = `supervisor:${subject}` as PartyId;
  const selfOf = useCallback(() => self, [self]);
  const calls = useCalls(client, selfOf, () => false);
  const nowMs = useNow();
  const [quality, setQuality] = useState<ReadonlyMap<CallId, QualitySample>>(new Map());
  const [failure, setFailure] = useState<string | null>(null);
  const [opened, setOpened] = useState<CallId | null>(null);
  const { learn } = calls;
  const asked = useRef(new Set<CallId>());
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
    <section className="card live-calls" aria-label="Calls">
      <h2>Calls</h2>
      {[failure, calls.failure].map((text) =>
        text === null ? null : (
          <p key={text} className="banner error" role="alert">
            {text}
          </p>
        ),
      )}
      {calls.calls.length === 0 ? (
        <p className="muted">No calls yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Call</th>
              <th scope="col">State</th>
              <th scope="col">Quality</th>
              <th scope="col">Monitor</th>
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
                    {call.media === 'video' ? 'Video' : 'Voice'}: {otherPartiesOf(call, self)}
                    {call.isRecording ? ' ● Recording' : ''}
                  </td>
                  <td>{callStatusOf(call, self, nowMs)}</td>
                  <td className="call-quality">{qualityInWords(quality.get(call.callId))}</td>
                  <td>
                    {isLive ? (
                      <span className="actions">
                        {monitorModes.map(({ mode, label }) => (
                          <button
                            key={mode}
                            type="button"
                            className={me?.monitor === mode ? '' : 'secondary'}
                            aria-pressed={me?.monitor === mode}
                            onClick={() => {
                              act(() => client.monitor(call.callId, mode));
                            }}
                          >
                            {label}
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
                            Stop
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
                        Recordings
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
