import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ChatEntry, ContactId, QueueId, TransferTarget } from '@lineup/protocol';
import {
  LineupAgent,
  LineupError,
  type AgentView,
  type ConnectionChange,
  type ContactView,
} from '@lineup/sdk';
import { agentCallClient } from '../shared/calls/call-client.ts';
import { Chat } from '../shared/chat.tsx';
import { AgentCalls } from './call-panel.tsx';
import { sendFile } from '../shared/chat-attachment.tsx';
import { ConnectionNote } from '../shared/connection-note.tsx';
import { merged, messageOf } from '../shared/messages.ts';
import type { SignedInProps } from '../shared/signed-in-page.tsx';
import { useNow } from '../shared/use-now.ts';
import { clockOf } from '../shared/words.ts';
import { LanguageSwitch, useWords } from '../shared/i18n.tsx';
import { agentWords } from './agent-words.ts';
import { CallbackLater } from './callback-later.tsx';
import { PreviousContacts } from './previous-contacts.tsx';
import { QueueChooser } from './queue-chooser.tsx';
import { WrapUpCard, type Finished } from './wrap-up.tsx';

/*
 * The agent desktop: presence (ready, not ready with a reason), the ringing
 * offer with the customer, queue, wait and countdown, the conversations held,
 * and the waiting count of each served queue. The agent's state is what the
 * server says: after each of its events the desktop reads the agent again
 * (`agent()`), so a button never shows a state the server did not confirm.
 */

/** Reasons offered for "not ready"; any text is accepted by the server. */
const notReadyReasons = ['Break', 'Lunch', 'Meeting', 'Training', 'After-call work'] as const;

function customerNameOf(contact: ContactView | undefined): string {
  return contact?.customer.name ?? contact?.customer.id ?? '…';
}

/** The desktop of the agent the token names. */
export function AgentApp({ url, token, onSignOut }: SignedInProps) {
  const t = useWords(agentWords);
  /** The words in use, for the socket's listeners set up once. */
  const words = useRef(t);
  words.current = t;
  const [agent, setAgent] = useState<LineupAgent | null>(null);
  const [connection, setConnection] = useState<ConnectionChange | null>(null);
  const [view, setView] = useState<AgentView | null>(null);
  const [contacts, setContacts] = useState<ReadonlyMap<ContactId, ContactView>>(new Map());
  const [conversations, setConversations] = useState<ReadonlyMap<ContactId, ChatEntry[]>>(
    new Map(),
  );
  const [typing, setTyping] = useState<ReadonlySet<ContactId>>(new Set());
  /** Per conversation, the last of the agent's messages the customer has read. */
  const [readByCustomer, setReadByCustomer] = useState<ReadonlyMap<ContactId, number>>(new Map());
  const [waiting, setWaiting] = useState<ReadonlyMap<QueueId, number>>(new Map());
  const [queueNames, setQueueNames] = useState<ReadonlyMap<QueueId, string>>(new Map());
  const [selected, setSelected] = useState<ContactId | null>(null);
  /** Every conversation at once, in columns, rather than the selected tab's alone. */
  const [isSideBySide, setIsSideBySide] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  /** Contacts completed and not wrapped up yet, oldest first: several chats end one by one. */
  const [finished, setFinished] = useState<readonly Finished[]>([]);
  const [announcement, setAnnouncement] = useState<{ from: string; text: string } | null>(null);

  /** Reads a contact once (customer, queue, when it joined) and its conversation. */
  const learnContact = useCallback(async (client: LineupAgent, contactId: ContactId) => {
    const contact = await client.contact(contactId);
    setContacts((current) => new Map(current).set(contactId, contact));
    return contact;
  }, []);

  const refresh = useCallback(
    async (client: LineupAgent) => {
      const latest = await client.agent();
      setView(latest);
      const wanted = [
        ...latest.contactIds,
        ...(latest.offer === null ? [] : [latest.offer.contactId]),
      ];
      for (const contactId of wanted) {
        setContacts((current) => {
          if (!current.has(contactId)) void learnContact(client, contactId).catch(() => undefined);
          return current;
        });
      }
      for (const contactId of latest.contactIds) {
        setConversations((current) => {
          if (!current.has(contactId)) {
            void client.transcript(contactId).then(
              (transcript) => {
                setConversations((now) =>
                  new Map(now).set(
                    contactId,
                    merged(now.get(contactId) ?? [], transcript.messages),
                  ),
                );
              },
              () => undefined,
            );
            return new Map(current).set(contactId, []);
          }
          return current;
        });
      }
      setSelected((current) =>
        current !== null && latest.contactIds.includes(current)
          ? current
          : (latest.contactIds[0] ?? null),
      );
      return latest;
    },
    [learnContact],
  );

  useEffect(() => {
    const client = new LineupAgent({ url, token });
    const reread = () => {
      void refresh(client).catch((error: unknown) => {
        setFailure(messageOf(error));
      });
    };
    client.on('connection', (change) => {
      setConnection(change);
      if (change.state === 'open') reread();
    });
    client.on('event', reread);
    client.on('offerCancelled', (event) => {
      setNotice(words.current.offerWithdrawn(event.reason));
    });
    client.on('offerTimedOut', () => {
      setNotice(words.current.offerTimedOut);
    });
    client.on('offerCreated', () => {
      setNotice(null);
    });
    client.on('announcement', ({ from, text }) => {
      setAnnouncement({ from, text });
    });
    client.on('waiting', ({ queues }) => {
      setWaiting(new Map(queues.map(({ queueId, waiting: count }) => [queueId, count])));
      for (const { queueId } of queues) {
        setQueueNames((current) => {
          if (!current.has(queueId)) {
            void client.queue(queueId).then(
              (queue) => {
                setQueueNames((now) => new Map(now).set(queueId, queue.name));
              },
              () => undefined,
            );
            return new Map(current).set(queueId, queueId);
          }
          return current;
        });
      }
    });
    client.on('chat', ({ contactId, message }) => {
      setConversations((current) =>
        new Map(current).set(contactId, merged(current.get(contactId) ?? [], [message])),
      );
    });
    client.on('chatRead', ({ contactId, by, upToSeq }) => {
      if (by.role !== 'customer') return;
      setReadByCustomer((current) =>
        new Map(current).set(contactId, Math.max(current.get(contactId) ?? 0, upToSeq)),
      );
    });
    client.on('chatTyping', ({ contactId, from, isTyping }) => {
      if (from.role !== 'customer') return;
      setTyping((current) => {
        const next = new Set(current);
        if (isTyping) next.add(contactId);
        else next.delete(contactId);
        return next;
      });
    });
    // Every queue's name, for the queues the agent may serve and its earlier contacts.
    void client.queues({ limit: 1_000 }).then(
      (page) => {
        setQueueNames(
          (current) =>
            new Map([...page.items.map((queue) => [queue.id, queue.name] as const), ...current]),
        );
      },
      () => undefined,
    );
    setAgent(client);
    return () => {
      client.close();
    };
  }, [url, token, refresh]);

  const act = async (action: () => Promise<unknown>) => {
    setFailure(null);
    try {
      await action();
    } catch (error: unknown) {
      setFailure(messageOf(error));
    }
  };

  const callClient = useMemo(() => (agent === null ? null : agentCallClient(agent)), [agent]);
  const offerContact =
    view?.offer === null || view === null ? undefined : contacts.get(view.offer.contactId);
  useEffect(() => {
    document.title = view?.offer == null ? t.pageTitle : t.ringingTitle(view.offer.channel);
  }, [view?.offer, t]);

  if (agent === null) return null;
  const queueNameOf = (queueId: QueueId) => queueNames.get(queueId) ?? queueId;
  const signOut = async () => {
    if (view !== null && view.presence !== 'offline') await act(() => agent.logOut());
    agent.close();
    onSignOut();
  };

  return (
    <div className="desk">
      <header className="topbar">
        <h1>{t.agentDesktop}</h1>
        <span className="who">{view?.name ?? ''}</span>
        {view === null ? null : <PresenceBadge view={view} />}
        <span className="spacer" />
        {view === null ? null : <PresenceControls agent={agent} view={view} act={act} />}
        <LanguageSwitch />
        <button type="button" className="secondary" onClick={() => void signOut()}>
          {t.signOut}
        </button>
      </header>
      <ConnectionNote change={connection} />
      {failure === null ? null : (
        <p className="banner error" role="alert">
          {failure}
        </p>
      )}
      {notice === null ? null : (
        <p className="banner notice" role="status">
          {notice}
        </p>
      )}
      {announcement === null ? null : (
        <div className="banner announcement" role="status" aria-label={t.announcement}>
          <span>
            <strong>{t.announcementFrom(announcement.from)}</strong> {announcement.text}
          </span>
          <button
            type="button"
            className="secondary small"
            onClick={() => {
              setAnnouncement(null);
            }}
          >
            {t.dismiss}
          </button>
        </div>
      )}
      <div className="desk-body">
        <aside className="card side" aria-label={t.waitingInYourQueues}>
          {view === null ? null : (
            <QueueChooser
              agent={agent}
              membershipsKey={JSON.stringify(view.memberships)}
              queueNameOf={queueNameOf}
              act={act}
            />
          )}
          <h2>{t.waiting}</h2>
          {waiting.size === 0 ? (
            <p className="muted">{t.noQueuesYet}</p>
          ) : (
            <ul className="waiting-list">
              {[...waiting].map(([queueId, count]) => (
                <li key={queueId} className={count > 0 ? 'has-waiting' : ''}>
                  <span>{queueNameOf(queueId)}</span>
                  <strong aria-label={t.waitingIn(count, queueNameOf(queueId))}>{count}</strong>
                </li>
              ))}
            </ul>
          )}
        </aside>
        <main className="work">
          {callClient === null ? null : (
            <AgentCalls agent={agent} client={callClient} selectedContactId={selected} />
          )}
          {view?.offer == null ? null : (
            <OfferCard
              offer={view.offer}
              contact={offerContact}
              queueName={queueNames.get(view.offer.queueId) ?? view.offer.queueId}
              onAccept={(offerId) => act(() => agent.acceptOffer(offerId))}
              onReject={(offerId) => act(() => agent.rejectOffer(offerId))}
            />
          )}
          {finished.map((item) => (
            <WrapUpCard
              key={item.contactId}
              agent={agent}
              finished={item}
              act={act}
              onDone={() => {
                setFinished((current) =>
                  current.filter((other) => other.contactId !== item.contactId),
                );
              }}
            />
          ))}
          {view === null || view.contactIds.length === 0 ? (
            view?.offer == null ? (
              <section className="card idle">
                <p className="muted">
                  {view?.presence === 'ready'
                    ? view.mode === 'manual'
                      ? t.manualIdle
                      : t.readyIdle
                    : view?.presence === 'wrapUp'
                      ? t.wrapUpIdle
                      : t.notReadyIdle}
                </p>
                {view?.mode === 'manual' && view.presence === 'ready' ? (
                  <button
                    type="button"
                    onClick={() =>
                      void act(async () => {
                        try {
                          await agent.requestNext();
                        } catch (error: unknown) {
                          // R7: nobody waiting is an answer, not a failure.
                          if (error instanceof LineupError && error.code === 'no_contact_waiting') {
                            setNotice(t.nobodyWaiting);
                            return;
                          }
                          throw error;
                        }
                      })
                    }
                  >
                    {t.nextCustomer}
                  </button>
                ) : null}
              </section>
            ) : null
          ) : (
            <section className="card conversations">
              <nav className="tabs" aria-label={t.yourConversations}>
                <span className="muted capacity">
                  {t.chatsOf(view.contactIds.length, view.capacity.chat)}
                </span>
                {view.contactIds.map((contactId) => (
                  <button
                    key={contactId}
                    type="button"
                    className={contactId === selected ? 'tab selected' : 'tab'}
                    aria-pressed={contactId === selected}
                    onClick={() => {
                      setSelected(contactId);
                    }}
                  >
                    {customerNameOf(contacts.get(contactId))}
                  </button>
                ))}
                <span className="spacer" />
                {view.contactIds.length > 1 ? (
                  <button
                    type="button"
                    className="secondary small"
                    aria-pressed={isSideBySide}
                    onClick={() => {
                      setIsSideBySide((current) => !current);
                    }}
                  >
                    {t.sideBySide}
                  </button>
                ) : null}
              </nav>
              <div className={isSideBySide ? 'side-by-side' : undefined}>
                {(isSideBySide ? view.contactIds : selected === null ? [] : [selected]).map(
                  (contactId) => (
                    <Conversation
                      key={contactId}
                      agent={agent}
                      contactId={contactId}
                      contact={contacts.get(contactId)}
                      queueName={queueNameOf(contacts.get(contactId)?.queueId ?? ('' as QueueId))}
                      entries={conversations.get(contactId) ?? []}
                      isCustomerTyping={typing.has(contactId)}
                      canWrite={connection?.state === 'open'}
                      readUpToSeq={readByCustomer.get(contactId) ?? 0}
                      onSent={(entry) => {
                        setConversations((current) =>
                          new Map(current).set(
                            contactId,
                            merged(current.get(contactId) ?? [], [entry]),
                          ),
                        );
                      }}
                      act={act}
                      queueNameOf={queueNameOf}
                      onCompleted={(completed, code) => {
                        const name = customerNameOf(contacts.get(completed));
                        setFinished((current) => [
                          ...current.filter((other) => other.contactId !== completed),
                          code === undefined
                            ? { contactId: completed, name }
                            : { contactId: completed, name, code },
                        ]);
                      }}
                    />
                  ),
                )}
              </div>
            </section>
          )}
        </main>
      </div>
    </div>
  );
}

function PresenceBadge({ view }: { view: AgentView }) {
  const t = useWords(agentWords);
  const reason = view.presence === 'notReady' && view.reason !== null ? ` — ${view.reason}` : '';
  return (
    <span className={`presence presence-${view.presence}`} role="status" aria-label={t.yourState}>
      {t.presence[view.presence]}
      {reason}
    </span>
  );
}

function PresenceControls({
  agent,
  view,
  act,
}: {
  agent: LineupAgent;
  view: AgentView;
  act: (action: () => Promise<unknown>) => Promise<void>;
}) {
  const t = useWords(agentWords);
  const [reason, setReason] = useState<(typeof notReadyReasons)[number]>(notReadyReasons[0]);
  const isOffline = view.presence === 'offline';
  return (
    <div className="presence-controls">
      <label className="mode">
        <input
          type="checkbox"
          checked={view.mode === 'manual'}
          onChange={(event) =>
            void act(() => agent.setMode(event.target.checked ? 'manual' : 'auto'))
          }
        />
        {t.manualMode}
      </label>
      <button
        type="button"
        disabled={view.presence === 'ready'}
        onClick={() => void act(() => (isOffline ? agent.logIn() : agent.setPresence('ready')))}
      >
        {t.ready}
      </button>
      <label htmlFor="not-ready-reason" className="visually-hidden">
        {t.reasonForNotReady}
      </label>
      <select
        id="not-ready-reason"
        value={reason}
        onChange={(event) => {
          setReason(event.target.value as (typeof notReadyReasons)[number]);
        }}
      >
        {notReadyReasons.map((value) => (
          <option key={value} value={value}>
            {t.reasons[value]}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="secondary"
        disabled={view.presence === 'notReady' && view.reason === reason}
        onClick={() =>
          void act(() => (isOffline ? agent.logIn(reason) : agent.setPresence('notReady', reason)))
        }
      >
        {t.notReady}
      </button>
    </div>
  );
}

function OfferCard({
  offer,
  contact,
  queueName,
  onAccept,
  onReject,
}: {
  offer: NonNullable<AgentView['offer']>;
  contact: ContactView | undefined;
  queueName: string;
  onAccept: (offerId: NonNullable<AgentView['offer']>['offerId']) => Promise<void>;
  onReject: (offerId: NonNullable<AgentView['offer']>['offerId']) => Promise<void>;
}) {
  const t = useWords(agentWords);
  const nowMs = useNow();
  const secondsLeft = Math.max(0, Math.ceil((offer.expiresAtMs - nowMs) / 1000));
  const isVip = contact?.customer.type === 'vip';
  return (
    <section
      className="card offer ringing"
      role="alertdialog"
      aria-label={t.incoming(offer.channel)}
    >
      <h2>{t.incoming(offer.channel)}</h2>
      <dl className="facts">
        <dt>{t.customer}</dt>
        <dd>
          {customerNameOf(contact)}
          {isVip ? <span className="vip">{t.vip}</span> : null}
        </dd>
        <dt>{t.queue}</dt>
        <dd>{queueName}</dd>
        <dt>{t.waited}</dt>
        <dd>{contact === undefined ? '…' : clockOf(nowMs - contact.joinedAtMs)}</dd>
        <dt>{t.answerWithin}</dt>
        <dd aria-live="off">{t.seconds(secondsLeft)}</dd>
      </dl>
      <div className="actions">
        <button type="button" onClick={() => void onAccept(offer.offerId)}>
          {t.accept}
        </button>
        <button type="button" className="secondary" onClick={() => void onReject(offer.offerId)}>
          {t.reject}
        </button>
      </div>
    </section>
  );
}

function Conversation({
  agent,
  contactId,
  contact,
  queueName,
  entries,
  isCustomerTyping,
  canWrite,
  readUpToSeq,
  onSent,
  act,
  queueNameOf,
  onCompleted,
}: {
  agent: LineupAgent;
  contactId: ContactId;
  contact: ContactView | undefined;
  queueName: string;
  entries: ChatEntry[];
  isCustomerTyping: boolean;
  canWrite: boolean;
  /** The customer read the agent's messages up to this seq. */
  readUpToSeq: number;
  /** A message the agent sent (a file), to show before its broadcast arrives. */
  onSent: (entry: ChatEntry) => void;
  act: (action: () => Promise<unknown>) => Promise<void>;
  queueNameOf: (queueId: QueueId) => string;
  /** The contact was completed (turned into a callback: with the outcome to preselect). */
  onCompleted: (contactId: ContactId, code?: Finished['code']) => void;
}) {
  const t = useWords(agentWords);
  /** The highest seq this desk has said it read, so that each receipt goes once. */
  const readSent = useRef(0);
  const name = customerNameOf(contact);
  if (contact?.channel === 'callback') {
    return <CallbackWork agent={agent} contact={contact} queueName={queueName} act={act} />;
  }
  return (
    <div className="conversation">
      <div className="conversation-head">
        <div>
          <h2>{name}</h2>
          <p className="muted">
            {queueName}
            {contact?.customer.number === undefined ? '' : ` · ${contact.customer.number}`}
          </p>
        </div>
        <div className="actions">
          <TransferControl agent={agent} contactId={contactId} act={act} />
          <CallbackLater
            agent={agent}
            contact={contact}
            act={act}
            onConverted={(converted) => {
              onCompleted(converted, 'Call back');
            }}
          />
          <button
            type="button"
            onClick={() =>
              void act(async () => {
                await agent.completeContact(contactId);
                onCompleted(contactId);
              })
            }
          >
            {t.complete}
          </button>
        </div>
      </div>
      {contact === undefined ? null : (
        <PreviousContacts agent={agent} contact={contact} queueNameOf={queueNameOf} />
      )}
      <Chat
        entries={entries}
        selfRole="agent"
        otherName={name}
        isOtherTyping={isCustomerTyping}
        canWrite={canWrite}
        onSend={async (text) => {
          await agent.sendChat(contactId, { text });
        }}
        onTyping={(isTyping) => {
          agent.setTyping(contactId, isTyping);
        }}
        readUpToSeq={readUpToSeq}
        onSeen={(upToSeq) => {
          if (upToSeq <= readSent.current) return;
          readSent.current = upToSeq;
          // A receipt that did not arrive is sent again with the next message seen.
          agent.markRead(contactId, upToSeq).catch(() => {
            readSent.current = 0;
          });
        }}
        onAttach={async (file) => {
          onSent(await sendFile(agent, contactId, file));
        }}
        loadAttachment={(attachmentId) => agent.downloadAttachment(attachmentId)}
      />
    </div>
  );
}

/** Where a contact may go: a queue (keeping its place) or another agent. */
interface TransferChoice {
  key: string;
  label: string;
  target: TransferTarget;
}

/**
 * Transfers the contact to another queue (it keeps its place, R12) or to
 * another logged-in agent; the choices are read when the agent opens it.
 */
function TransferControl({
  agent,
  contactId,
  act,
}: {
  agent: LineupAgent;
  contactId: ContactId;
  act: (action: () => Promise<unknown>) => Promise<void>;
}) {
  const t = useWords(agentWords);
  const [choices, setChoices] = useState<TransferChoice[] | null>(null);
  const [key, setKey] = useState('');
  if (choices === null) {
    return (
      <button
        type="button"
        className="secondary"
        onClick={() =>
          void act(async () => {
            const [queues, agents, me] = await Promise.all([
              agent.queues({ limit: 1_000 }),
              agent.agents({ limit: 1_000 }),
              agent.agentId(),
            ]);
            const found: TransferChoice[] = [
              ...queues.items.map((queue) => ({
                key: `queue ${queue.id}`,
                label: t.toQueue(queue.name),
                target: { queueId: queue.id, keepsPlace: true },
              })),
              ...agents.items
                .filter((other) => other.id !== me && other.presence !== 'offline')
                .map((other) => ({
                  key: `agent ${other.id}`,
                  label: t.toAgent(other.name),
                  target: { agentId: other.id },
                })),
            ];
            setChoices(found);
            setKey(found[0]?.key ?? '');
          })
        }
      >
        {t.transfer}
      </button>
    );
  }
  const chosen = choices.find((choice) => choice.key === key);
  return (
    <form
      className="transfer"
      onSubmit={(event) => {
        event.preventDefault();
        if (chosen === undefined) return;
        void act(() => agent.transferContact(contactId, chosen.target));
      }}
    >
      <label>
        {t.transferTo}{' '}
        <select
          value={key}
          onChange={(event) => {
            setKey(event.target.value);
          }}
        >
          {choices.map((choice) => (
            <option key={choice.key} value={choice.key}>
              {choice.label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={chosen === undefined}>
        {t.transferNow}
      </button>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          setChoices(null);
        }}
      >
        {t.cancel}
      </button>
    </form>
  );
}

/** A callback the agent holds: whom to call, and how the call went (R10). */
function CallbackWork({
  agent,
  contact,
  queueName,
  act,
}: {
  agent: LineupAgent;
  contact: ContactView;
  queueName: string;
  act: (action: () => Promise<unknown>) => Promise<void>;
}) {
  const t = useWords(agentWords);
  const number = contact.callbackNumber ?? contact.customer.number ?? '';
  const close = (outcome: 'reached' | 'noAnswer' | 'failed') =>
    void act(() => agent.closeCallback(contact.id, outcome));
  return (
    <div className="conversation callback-work">
      <div className="conversation-head">
        <div>
          <h2>{customerNameOf(contact)}</h2>
          <p className="muted">{t.callbackAttempt(queueName, contact.callbackAttempts + 1)}</p>
        </div>
      </div>
      <p className="call-number">
        {t.call} <a href={`tel:${number.replace(/[^+0-9*#]/g, '')}`}>{number}</a>
      </p>
      <div className="actions" role="group" aria-label={t.howDidTheCallGo}>
        <button
          type="button"
          onClick={() => {
            close('reached');
          }}
        >
          {t.reached}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            close('noAnswer');
          }}
        >
          {t.noAnswer}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            close('failed');
          }}
        >
          {t.wrongNumber}
        </button>
      </div>
    </div>
  );
}
