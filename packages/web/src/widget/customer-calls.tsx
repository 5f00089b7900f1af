import { useCallback, useEffect, useState } from 'react';
import type { Call, PartyId } from '@lineup/protocol';
import type { CallClient } from '../shared/calls/call-client.ts';
import { CallMediaView } from '../shared/calls/call-media-view.tsx';
import { AnswerButtons, MediaSwitches } from '../shared/calls/call-buttons.tsx';
import { callStatusOf, callWords, otherPartiesOf } from '../shared/calls/call-words.ts';
import { useLanguage, useWords } from '../shared/i18n.tsx';
import { speak } from './speech.ts';
import { useCalls } from '../shared/calls/use-calls.ts';
import { messageOf } from '../shared/messages.ts';
import { useNow } from '../shared/use-now.ts';

/*
 * The customer's side of a call in the widget: the agent's call rings with
 * Answer and Decline; once answered, the agent's picture and voice, the
 * customer's own picture, microphone and camera switches and Hang up. On
 * hold the agent's media stops and hold music plays here; a recorded call
 * says so from its start.
 */

/**
 * The queue's answer greeting the customer heard as the call was answered
 * (the call's `greeting` step): spoken once and shown.
 */
function CallGreeting({ call }: { call: Call }) {
  const language = useLanguage();
  const greeting = call.log.find((entry) => entry.what === 'greeting')?.detail ?? null;
  useEffect(() => {
    if (greeting !== null) speak(greeting, language);
    // Spoken once per call, in the language of the moment it came: not again on a switch.
  }, [call.callId, greeting]);
  if (greeting === null) return null;
  return (
    <p className="call-greeting" role="status">
      {greeting}
    </p>
  );
}

/** A customer is `customer:<contactId>` in the calls of its contacts. */
function customerSelfOf(call: Call): PartyId | null {
  return call.contactId === undefined ? null : (`customer:${call.contactId}` as PartyId);
}

/** The calls of the customer's contacts. */
export function CustomerCalls({ client }: { client: CallClient }) {
  const selfOf = useCallback(customerSelfOf, []);
  const calls = useCalls(client, selfOf);
  const nowMs = useNow();
  const t = useWords(callWords);
  const [failure, setFailure] = useState<string | null>(null);
  const act = (action: () => Promise<unknown>) => {
    setFailure(null);
    action().catch((error: unknown) => {
      setFailure(messageOf(error));
    });
  };
  const live = calls.calls.filter((call) => {
    const self = customerSelfOf(call);
    return (
      call.state !== 'ended' &&
      call.parties.some((party) => party.partyId === self && party.state !== 'left')
    );
  });
  return (
    <>
      {[failure, calls.failure].map((text) =>
        text === null ? null : (
          <p key={text} className="error" role="alert">
            {text}
          </p>
        ),
      )}
      {live.map((call) => {
        const self = customerSelfOf(call);
        const me = call.parties.find((party) => party.partyId === self);
        const local = calls.local(call.callId);
        return (
          <section
            key={call.callId}
            className={`call ${call.state}`}
            data-call={call.callId}
            data-state={call.state}
            aria-label={t.call}
          >
            {me?.state === 'ringing' ? (
              <>
                <p className="call-ring" role="status">
                  {t.isCallingYou(otherPartiesOf(call, self, t), call.media === 'video')}
                </p>
                <AnswerButtons client={client} call={call} act={act} />
              </>
            ) : (
              <>
                <p className="call-status" role="status">
                  {call.state === 'held'
                    ? t.onHoldStay
                    : t.statusWith(
                        callStatusOf(call, self, nowMs, t),
                        otherPartiesOf(call, self, t),
                      )}
                </p>
                <CallGreeting call={call} />
                {call.isRecording ? (
                  <p className="call-recorded" role="note">
                    {t.isRecorded}
                  </p>
                ) : null}
                <CallMediaView session={calls.session(call.callId)} local={local} />
                <div className="call-actions">
                  <MediaSwitches calls={calls} call={call} act={act} canShareScreen={false} />
                  <button
                    type="button"
                    onClick={() => {
                      act(() => client.hangUp(call.callId));
                    }}
                  >
                    {t.hangUp}
                  </button>
                </div>
              </>
            )}
          </section>
        );
      })}
    </>
  );
}
