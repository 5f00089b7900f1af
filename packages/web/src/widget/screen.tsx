import type { ChatEntry, ContactId, QueueId } from '@lineup/protocol';
import type { LineupCustomer, MessageInput, PublicQueueStatus } from '@lineup/sdk';
import { Chat } from '../shared/chat.tsx';
import { useLanguage } from '../shared/i18n.tsx';
import { placeInWords } from '../shared/words.ts';
import { CallBackForm, Rating } from './contact-forms.tsx';
import { MessageForm } from './message-form.tsx';
import { QueueList, type JoinChannel } from './queue-list.tsx';
import type { LeftReason, Stage } from './stage.ts';
import { widgetWords } from './widget-words.ts';

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
  const language = useLanguage();
  const t = widgetWords[language];
  const agentName = 'agentName' in stage && stage.agentName !== '' ? stage.agentName : t.yourAgent;
  switch (stage.kind) {
    case 'loading':
      return <p className="muted">{t.oneMoment}</p>;
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
        <section className="waiting" aria-label={t.yourPlace}>
          <h2>{stage.queueName}</h2>
          <p className="place" aria-live="polite">
            {stage.position === null
              ? t.inLine
              : placeInWords(stage.position, stage.ewtMs, language)}
          </p>
          <p className="muted">{t.keepOpen}</p>
          <CallBackForm onCallBack={(number) => props.onCallBack(stage.contactId, number)} />
          <button
            type="button"
            className="secondary"
            onClick={() => {
              void props.onLeave(stage.contactId);
            }}
          >
            {t.leaveLine}
          </button>
        </section>
      );
    case 'callback':
      return (
        <section className="waiting" aria-label={t.yourCallback}>
          <h2>{stage.queueName}</h2>
          <p className="place" role="status">
            {stage.isCalling
              ? t.callingNow(stage.number)
              : stage.isRetrying
                ? t.willRetry(stage.number)
                : t.willCall(stage.number)}
          </p>
          <p className="muted">{t.keepPlaceMayClose}</p>
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
                {t.leaveMessage}
              </button>
            )}
            <button type="button" className="secondary" onClick={props.onRestart}>
              {t.backToList}
            </button>
          </div>
        </section>
      );
    }
    case 'left':
      return (
        <section className="notice">
          <p role="status">{leftInWords(stage.why, t)}</p>
          <button type="button" onClick={props.onRestart}>
            {t.backToList}
          </button>
        </section>
      );
    case 'chat':
      return (
        <>
          <p className="with-agent" role="status">
            {t.chattingWith[0]}
            <strong>{agentName}</strong>
            {t.chattingWith[1]}
          </p>
          <Chat
            entries={props.entries}
            selfRole="customer"
            otherName={agentName}
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
          <p role="status">{t.endedBy(agentName)}</p>
          {props.entries.length === 0 ? null : (
            <Chat
              entries={props.entries}
              selfRole="customer"
              otherName={agentName}
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
              <p role="status">{t.thanksForRating}</p>
              <button type="button" onClick={props.onRestart}>
                {t.startNew}
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

/** Why a contact is over, in the customer's words. */
function leftInWords(why: LeftReason, t: (typeof widgetWords)['en']): string {
  switch (why.kind) {
    case 'talked':
      return t.thanksForTalking;
    case 'unreached':
      return t.couldNotReach(why.number);
    case 'abandoned':
      return t.youLeft;
    case 'lost':
      return t.placeLost;
    case 'timedOut':
      return t.timedOut;
    case 'messageSent':
      return t.messageSent(why.reach);
  }
}
