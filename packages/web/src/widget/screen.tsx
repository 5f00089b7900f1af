import type { ChatEntry, ContactId, QueueId } from '@lineup/protocol';
import type { LineupCustomer, MessageInput, PublicQueueStatus } from '@lineup/sdk';
import { Chat } from '../shared/chat.tsx';
import { placeInWords } from '../shared/words.ts';
import { CallBackForm, Rating } from './contact-forms.tsx';
import { MessageForm } from './message-form.tsx';
import { QueueList, type JoinChannel } from './queue-list.tsx';
import type { Stage } from './stage.ts';

/*
 * What the widget shows at each stage: the list, the place in line, the
 * callback, a deflection, the message form, the chat, the end and a rating.
 * The state and the server calls live in widget-app.tsx.
 */

/** What a screen shows and what its buttons do. */
export interface ScreenProps {
  customer: LineupCustomer;
  stage: Stage;
  entries: ChatEntry[];
  isAgentTyping: boolean;
  agentReadUpToSeq: number;
  isOpen: boolean;
  onSeen: (contactId: ContactId, upToSeq: number) => void;
  onAttach: (contactId: ContactId, file: File) => Promise<void>;
  loadAttachment: (attachmentId: string) => Promise<Blob>;
  onJoin: (queue: PublicQueueStatus, name: string, channel: JoinChannel) => Promise<void>;
  onWriteMessage: (queueId: QueueId, queueName: string) => void;
  onLeaveMessage: (queueId: QueueId, input: MessageInput) => Promise<void>;
  onLeave: (contactId: ContactId) => Promise<void>;
  onCallBack: (contactId: ContactId, number: string) => Promise<void>;
  onRate: (contactId: ContactId, score: number, comment: string) => Promise<void>;
  onRestart: () => void;
}

/** The screen of the widget's stage. */
export function Screen(props: ScreenProps) {
  const { customer, stage } = props;
  switch (stage.kind) {
    case 'loading':
      return <p className="muted">One moment…</p>;
    case 'choose':
      return (
        <QueueList
          customer={customer}
          onJoin={props.onJoin}
          onWriteMessage={props.onWriteMessage}
        />
      );
    case 'message':
      return (
        <MessageForm
          queueId={stage.queueId}
          queueName={stage.queueName}
          onSend={props.onLeaveMessage}
          onCancel={props.onRestart}
        />
      );
    case 'waiting':
      return (
        <section className="waiting" aria-label="Your place in line">
          <h2>{stage.queueName}</h2>
          <p className="place" aria-live="polite">
            {stage.position === null
              ? 'You are in line'
              : placeInWords(stage.position, stage.ewtMs)}
          </p>
          <p className="muted">Keep this page open: an agent will be with you here.</p>
          <CallBackForm onCallBack={(number) => props.onCallBack(stage.contactId, number)} />
          <button
            type="button"
            className="secondary"
            onClick={() => {
              void props.onLeave(stage.contactId);
            }}
          >
            Leave the line
          </button>
        </section>
      );
    case 'callback':
      return (
        <section className="waiting" aria-label="Your callback">
          <h2>{stage.queueName}</h2>
          <p className="place" role="status">
            {stage.isCalling
              ? `An agent is calling you now at ${stage.number}.`
              : stage.isRetrying
                ? `We could not reach you; we will try ${stage.number} again.`
                : `We will call you at ${stage.number}.`}
          </p>
          <p className="muted">You keep your place in line; you may close this page.</p>
        </section>
      );
    case 'deflected': {
      const { messageQueue } = stage;
      return (
        <section className="notice">
          <p role="status">{stage.message}</p>
          <div className="actions">
            {messageQueue === null ? null : (
              <button
                type="button"
                onClick={() => {
                  props.onWriteMessage(messageQueue.queueId, messageQueue.queueName);
                }}
              >
                Leave a message
              </button>
            )}
            <button type="button" className="secondary" onClick={props.onRestart}>
              Back to the list
            </button>
          </div>
        </section>
      );
    }
    case 'left':
      return (
        <section className="notice">
          <p role="status">{stage.message}</p>
          <button type="button" onClick={props.onRestart}>
            Back to the list
          </button>
        </section>
      );
    case 'chat':
      return (
        <>
          <p className="with-agent" role="status">
            You are chatting with <strong>{stage.agentName}</strong>
          </p>
          <Chat
            entries={props.entries}
            selfRole="customer"
            otherName={stage.agentName}
            isOtherTyping={props.isAgentTyping}
            canWrite={props.isOpen}
            onSend={async (text) => {
              await customer.sendChat(stage.contactId, { text });
            }}
            onTyping={(isTyping) => {
              customer.setTyping(stage.contactId, isTyping);
            }}
            readUpToSeq={props.agentReadUpToSeq}
            onSeen={(upToSeq) => {
              props.onSeen(stage.contactId, upToSeq);
            }}
            onAttach={(file) => props.onAttach(stage.contactId, file)}
            loadAttachment={props.loadAttachment}
          />
        </>
      );
    case 'ended':
      return (
        <section className="ended">
          <p role="status">{stage.agentName} ended the conversation.</p>
          {props.entries.length === 0 ? null : (
            <Chat
              entries={props.entries}
              selfRole="customer"
              otherName={stage.agentName}
              isOtherTyping={false}
              canWrite={false}
              isEnded
              readUpToSeq={props.agentReadUpToSeq}
              loadAttachment={props.loadAttachment}
              onSend={() => Promise.resolve()}
              onTyping={() => undefined}
            />
          )}
          {stage.isRated ? (
            <>
              <p role="status">Thank you for your rating!</p>
              <button type="button" onClick={props.onRestart}>
                Start a new conversation
              </button>
            </>
          ) : (
            <Rating
              onRate={(score, comment) => props.onRate(stage.contactId, score, comment)}
              onSkip={props.onRestart}
            />
          )}
        </section>
      );
  }
}
