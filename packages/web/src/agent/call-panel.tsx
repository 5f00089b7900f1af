import { useCallback, useEffect, useState } from 'react';
import type { Call, ContactId, PartyId } from '@lineup/protocol';
import type { LineupAgent } from '@lineup/sdk';
import type { AgentCallClient } from '../shared/calls/call-client.ts';
import { CallMediaView } from '../shared/calls/call-media-view.tsx';
import { AnswerButtons, MediaSwitches } from '../shared/calls/call-buttons.tsx';
import { callStatusOf, callWords, otherPartiesOf } from '../shared/calls/call-words.ts';
import { useWords } from '../shared/i18n.tsx';
import { ContactRecordings } from '../shared/calls/recording-player.tsx';
import { useCalls, type Calls } from '../shared/calls/use-calls.ts';
import { messageOf } from '../shared/messages.ts';
import { useNow } from '../shared/use-now.ts';

/*
 * The agent desktop's calls (docs/web.md, Calls): a call button on the
 * selected contact, a call to a colleague, and for each call its state and
 * timer, answer or decline, hold and resume, microphone, camera and screen,
 * blind transfer, consult then complete or cancel, conference, recording,
 * hang-up; under them the selected contact's calls with their recordings.
 */

/** A colleague or a queue a call can go to. */
interface Target {
  key: string;
  label: string;
  target: { agentId: string } | { queueId: string };
}

/** How often the colleagues one may call are read again: who is logged in changes. */
const targetsEveryMs = 5000;

/** The agents (logged in, not this one) and queues, read again every few seconds. */
function useTargets(agent: LineupAgent, self: string | null): Target[] {
  const t = useWords(callWords);
  const [targets, setTargets] = useState<Target[]>([]);
  useEffect(() => {
    let isCurrent = true;
    const read = () =>
      void Promise.all([agent.agents({ limit: 1_000 }), agent.queues({ limit: 1_000 })]).then(
        ([agents, queues]) => {
          if (!isCurrent) return;
          setTargets([
            ...agents.items
              .filter((other) => other.id !== self && other.presence !== 'offline')
              .map((other) => ({
                key: `agent ${other.id}`,
                label: t.agentTarget(other.name),
                target: { agentId: other.id },
              })),
            ...queues.items.map((queue) => ({
              key: `queue ${queue.id}`,
              label: t.queueTarget(queue.name),
              target: { queueId: queue.id },
            })),
          ]);
        },
        () => undefined,
      );
    read();
    const timer = setInterval(read, targetsEveryMs);
    return () => {
      isCurrent = false;
      clearInterval(timer);
    };
  }, [agent, self, t]);
  return targets;
}

/** A picker of a colleague (or a queue, where allowed) and a button that acts on the choice. */
function TargetAction({
  label,
  targets,
  withQueues,
  onChoose,
}: {
  label: string;
  targets: Target[];
  withQueues: boolean;
  onChoose: (target: Target['target']) => void;
}) {
  const t = useWords(callWords);
  const offered = targets.filter((target) => withQueues || 'agentId' in target.target);
  const [key, setKey] = useState('');
  const chosen = offered.find((target) => target.key === key) ?? offered[0];
  if (offered.length === 0) return null;
  return (
    <span className="call-target">
      <select
        aria-label={t.toWhom(label)}
        value={chosen?.key ?? ''}
        onChange={(event) => {
          setKey(event.target.value);
        }}
      >
        {offered.map((target) => (
          <option key={target.key} value={target.key}>
            {target.label}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          if (chosen !== undefined) onChoose(chosen.target);
        }}
      >
        {label}
      </button>
    </span>
  );
}

function CallCard({
  call,
  self,
  calls,
  client,
  targets,
  act,
}: {
  call: Call;
  self: PartyId;
  calls: Calls;
  client: AgentCallClient;
  targets: Target[];
  act: (action: () => Promise<unknown>) => void;
}) {
  const nowMs = useNow();
  const t = useWords(callWords);
  const me = call.parties.find((party) => party.partyId === self);
  const session = calls.session(call.callId);
  const local = calls.local(call.callId);
  const hasCustomer = call.parties.some((party) => party.role === 'customer');
  const isJoined = me?.state === 'joined';
  const others = otherPartiesOf(call, self, t);
  return (
    <article
      className={`call-card ${call.state}`}
      data-call={call.callId}
      data-state={call.state}
      aria-label={t.callWith(others)}
    >
      <header>
        <strong>{t.mediaCallWith(call.media === 'video', others)}</strong>
        <span className="call-status" role="status">
          {callStatusOf(call, self, nowMs, t)}
        </span>
        {call.isRecording ? <span className="call-recording">{t.recording}</span> : null}
      </header>
      {me?.state === 'ringing' ? <AnswerButtons client={client} call={call} act={act} /> : null}
      {isJoined ? (
        <div className="actions call-controls">
          {hasCustomer && call.state === 'active' ? (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                act(() => client.hold(call.callId));
              }}
            >
              {t.hold}
            </button>
          ) : null}
          {hasCustomer && call.state === 'held' && call.consult === undefined ? (
            <button
              type="button"
              onClick={() => {
                act(() => client.resume(call.callId));
              }}
            >
              {t.resume}
            </button>
          ) : null}
          <MediaSwitches calls={calls} call={call} act={act} canShareScreen />
          {hasCustomer && session !== undefined ? (
            session.isRecording ? (
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  act(() => session.stopRecording());
                }}
              >
                {t.stopRecording}
              </button>
            ) : (
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  act(async () => {
                    session.startRecording(await client.startRecording(call.callId, 'audio/webm'));
                  });
                }}
              >
                {t.record}
              </button>
            )
          ) : null}
          {call.contactId !== undefined && call.consult === undefined ? (
            <>
              <TargetAction
                label={t.transfer}
                targets={targets}
                withQueues
                onChoose={(target) => {
                  act(() => client.transfer(call.callId, target));
                }}
              />
              <TargetAction
                label={t.consult}
                targets={targets}
                withQueues={false}
                onChoose={(target) => {
                  act(() => client.consult(call.callId, 'agentId' in target ? target.agentId : ''));
                }}
              />
              <TargetAction
                label={t.addToCall}
                targets={targets}
                withQueues={false}
                onChoose={(target) => {
                  act(() =>
                    client.conference(call.callId, 'agentId' in target ? target.agentId : ''),
                  );
                }}
              />
            </>
          ) : null}
          {call.consult !== undefined ? (
            <>
              <button
                type="button"
                onClick={() => {
                  act(() => client.consultComplete(call.callId));
                }}
              >
                {t.completeTransfer}
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  act(() => client.consultCancel(call.callId));
                }}
              >
                {t.cancelConsult}
              </button>
            </>
          ) : null}
          <button
            type="button"
            className="danger"
            onClick={() => {
              act(() => client.hangUp(call.callId));
            }}
          >
            {t.hangUp}
          </button>
        </div>
      ) : null}
      <CallMediaView session={session} local={local} />
    </article>
  );
}

/** The calls of the agent desktop, above the conversation of the selected contact. */
export function AgentCalls({
  agent,
  client,
  selectedContactId,
}: {
  agent: LineupAgent;
  client: AgentCallClient;
  selectedContactId: ContactId | null;
}) {
  const [agentId, setAgentId] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    void agent.agentId().then(setAgentId, () => undefined);
  }, [agent]);
  const self = agentId === null ? null : (`agent:${agentId}` as PartyId);
  const selfOf = useCallback(() => self, [self]);
  const calls = useCalls(client, selfOf);
  const targets = useTargets(agent, agentId);
  const t = useWords(callWords);
  const act = (action: () => Promise<unknown>) => {
    setFailure(null);
    action().catch((error: unknown) => {
      setFailure(messageOf(error));
    });
  };
  if (self === null) return null;
  const mine = calls.calls.filter((call) =>
    call.parties.some((party) => party.partyId === self && party.state !== 'left'),
  );
  const live = mine.filter((call) => call.state !== 'ended');
  const hasSelectedCall = live.some((call) => call.contactId === selectedContactId);
  // The contact's calls are read again when one of them starts or stops recording, or ends.
  const version = calls.calls
    .filter((call) => call.contactId === selectedContactId)
    .map((call) => `${call.callId} ${call.state} ${String(call.isRecording)}`)
    .join();
  return (
    <section className="card calls" aria-label={t.calls}>
      {[failure, calls.failure].map((text) =>
        text === null ? null : (
          <p key={text} className="banner error" role="alert">
            {text}
          </p>
        ),
      )}
      {live.map((call) => (
        <CallCard
          key={call.callId}
          call={call}
          self={self}
          calls={calls}
          client={client}
          targets={targets}
          act={act}
        />
      ))}
      <div className="actions call-start">
        {selectedContactId !== null && !hasSelectedCall ? (
          <>
            <button
              type="button"
              onClick={() => {
                act(() => client.start({ contactId: selectedContactId }, 'video'));
              }}
            >
              {t.videoCall}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                act(() => client.start({ contactId: selectedContactId }, 'audio'));
              }}
            >
              {t.voiceCall}
            </button>
          </>
        ) : null}
        <TargetAction
          label={t.callAgent}
          targets={targets}
          withQueues={false}
          onChoose={(target) => {
            act(() =>
              client.start({ agentId: 'agentId' in target ? target.agentId : '' }, 'audio'),
            );
          }}
        />
      </div>
      {selectedContactId === null ? null : (
        <ContactRecordings client={client} contactId={selectedContactId} version={version} />
      )}
    </section>
  );
}
