import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ChatEntry, ContactId, QueueId, TransferTarget } from '@lineup/protocol';
import {
  LineupAgent,
  LineupError,
  type AgentView,
  type ConnectionChange,
  type ContactHistoryItem,
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

/*
 * The agent desktop: presence (ready, not ready with a reason), the ringing
 * offer with the customer, queue, wait and countdown, the conversations held,
 * and the waiting count of each served queue. The agent's state is what the
 * server says: after each of its events the desktop reads the agent again
 * (`agent()`), so a button never shows a state the server did not confirm.
 */

/** Reasons offered for "not ready"; any text is accepted by the server. */
const notReadyReasons = ['Break', 'Lunch', 'Meeting', 'Training', 'After-call work'] as const;

/** Disposition codes offered at wrap-up; the server keeps any code the tenant uses. */
const dispositionCodes = ['Resolved', 'Sale', 'Follow-up', 'Complaint', 'Other'] as const;

/** A contact the agent completed and has not wrapped up yet. */
interface Finished {
  contactId: ContactId;
  name: string;
}

function customerNameOf(contact: ContactView | undefined): string {
  return contact?.customer.name ?? contact?.customer.id ?? 'Customer';
}

/** The desktop of the agent the token names. */
export function AgentApp({ url, token, onSignOut }: SignedInProps) {
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
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [finished, setFinished] = useState<Finished | null>(null);
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
      setNotice(`The offer was withdrawn (${event.reason}).`);
    });
    client.on('offerTimedOut', () => {
      setNotice('The offer timed out: it went back to the queue.');
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
    document.title =
      view?.offer == null ? 'Lineup — Agent desktop' : `🔔 Incoming ${view.offer.channel} — Lineup`;
  }, [view?.offer]);

  if (agent === null) return null;
  const signOut = async () => {
    if (view !== null && view.presence !== 'offline') await act(() => agent.logOut());
    agent.close();
    onSignOut();
  };

  return (
    <div className="desk">
      <header className="topbar">
        <h1>Agent desktop</h1>
        <span className="who">{view?.name ?? ''}</span>
        {view === null ? null : <PresenceBadge view={view} />}
        <span className="spacer" />
        {view === null ? null : <PresenceControls agent={agent} view={view} act={act} />}
        <button type="button" className="secondary" onClick={() => void signOut()}>
          Sign out
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
        <div className="banner announcement" role="status" aria-label="Announcement">
          <span>
            <strong>Announcement from {announcement.from}:</strong> {announcement.text}
          </span>
          <button
            type="button"
            className="secondary small"
            onClick={() => {
              setAnnouncement(null);
            }}
          >
            Dismiss
          </button>
        </div>
      )}
      <div className="desk-body">
        <aside className="card side" aria-label="Waiting in your queues">
          <h2>Waiting</h2>
          {waiting.size === 0 ? (
            <p className="muted">No queues yet.</p>
          ) : (
            <ul className="waiting-list">
              {[...waiting].map(([queueId, count]) => (
                <li key={queueId} className={count > 0 ? 'has-waiting' : ''}>
                  <span>{queueNames.get(queueId) ?? queueId}</span>
                  <strong aria-label={`${count} waiting in ${queueNames.get(queueId) ?? queueId}`}>
                    {count}
                  </strong>
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
          {finished === null ? null : (
            <WrapUpCard
              agent={agent}
              finished={finished}
              act={act}
              onDone={() => {
                setFinished(null);
              }}
            />
          )}
          {view === null || view.contactIds.length === 0 ? (
            view?.offer == null ? (
              <section className="card idle">
                <p className="muted">
                  {view?.presence === 'ready'
                    ? view.mode === 'manual'
                      ? 'Manual mode: take the next customer when you are ready for one.'
                      : 'You are ready: the next customer will ring here.'
                    : view?.presence === 'wrapUp'
                      ? 'Wrapping up. Say you are ready when you are.'
                      : 'Set yourself ready to take customers.'}
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
                            setNotice('Nobody is waiting in your queues.');
                            return;
                          }
                          throw error;
                        }
                      })
                    }
                  >
                    Next customer
                  </button>
                ) : null}
              </section>
            ) : null
          ) : (
            <section className="card conversations">
              <nav className="tabs" aria-label="Your conversations">
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
              </nav>
              {selected === null ? null : (
                <Conversation
                  key={selected}
                  agent={agent}
                  contactId={selected}
                  contact={contacts.get(selected)}
                  queueName={
                    queueNames.get(contacts.get(selected)?.queueId ?? ('' as QueueId)) ??
                    contacts.get(selected)?.queueId ??
                    ''
                  }
                  entries={conversations.get(selected) ?? []}
                  isCustomerTyping={typing.has(selected)}
                  canWrite={connection?.state === 'open'}
                  readUpToSeq={readByCustomer.get(selected) ?? 0}
                  onSent={(entry) => {
                    setConversations((current) =>
                      new Map(current).set(selected, merged(current.get(selected) ?? [], [entry])),
                    );
                  }}
                  act={act}
                  onCompleted={(contactId) => {
                    setFinished({ contactId, name: customerNameOf(contacts.get(contactId)) });
                  }}
                />
              )}
            </section>
          )}
        </main>
      </div>
    </div>
  );
}

const presenceWords: Record<AgentView['presence'], string> = {
  offline: 'Logged out',
  ready: 'Ready',
  notReady: 'Not ready',
  wrapUp: 'Wrap-up',
};

function PresenceBadge({ view }: { view: AgentView }) {
  const reason = view.presence === 'notReady' && view.reason !== null ? ` — ${view.reason}` : '';
  return (
    <span className={`presence presence-${view.presence}`} role="status" aria-label="Your state">
      {presenceWords[view.presence]}
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
  const [reason, setReason] = useState<string>(notReadyReasons[0]);
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
        Manual mode
      </label>
      <button
        type="button"
        disabled={view.presence === 'ready'}
        onClick={() => void act(() => (isOffline ? agent.logIn() : agent.setPresence('ready')))}
      >
        Ready
      </button>
      <label htmlFor="not-ready-reason" className="visually-hidden">
        Reason for not ready
      </label>
      <select
        id="not-ready-reason"
        value={reason}
        onChange={(event) => {
          setReason(event.target.value);
        }}
      >
        {notReadyReasons.map((value) => (
          <option key={value}>{value}</option>
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
        Not ready
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
  const nowMs = useNow();
  const secondsLeft = Math.max(0, Math.ceil((offer.expiresAtMs - nowMs) / 1000));
  const isVip = contact?.customer.type === 'vip';
  return (
    <section
      className="card offer ringing"
      role="alertdialog"
      aria-label={`Incoming ${offer.channel}`}
    >
      <h2>Incoming {offer.channel}</h2>
      <dl className="facts">
        <dt>Customer</dt>
        <dd>
          {customerNameOf(contact)}
          {isVip ? <span className="vip">VIP</span> : null}
        </dd>
        <dt>Queue</dt>
        <dd>{queueName}</dd>
        <dt>Waited</dt>
        <dd>{contact === undefined ? '…' : clockOf(nowMs - contact.joinedAtMs)}</dd>
        <dt>Answer within</dt>
        <dd aria-live="off">{secondsLeft} s</dd>
      </dl>
      <div className="actions">
        <button type="button" onClick={() => void onAccept(offer.offerId)}>
          Accept
        </button>
        <button type="button" className="secondary" onClick={() => void onReject(offer.offerId)}>
          Reject
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
  onCompleted: (contactId: ContactId) => void;
}) {
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
          <button
            type="button"
            onClick={() =>
              void act(async () => {
                await agent.completeContact(contactId);
                onCompleted(contactId);
              })
            }
          >
            Complete
          </button>
        </div>
      </div>
      {contact === undefined ? null : <PreviousContacts agent={agent} contact={contact} />}
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

/** Previous contacts shown at most. */
const previousShownMax = 5;

const outcomeWords: Record<NonNullable<ContactHistoryItem['outcome']>, string> = {
  completed: 'completed',
  abandoned: 'hung up',
  timedOut: 'timed out',
  deflected: 'turned away',
  callbackClosed: 'called back',
};

/** The customer's earlier contacts, newest first: when, where, how it ended, the wrap-up code. */
function PreviousContacts({ agent, contact }: { agent: LineupAgent; contact: ContactView }) {
  const [items, setItems] = useState<ContactHistoryItem[] | null>(null);
  useEffect(() => {
    let isCurrent = true;
    agent.customerContacts(contact.customer.id, { limit: previousShownMax + 1 }).then(
      (page) => {
        if (isCurrent) setItems(page.items.filter((item) => item.id !== contact.id));
      },
      () => {
        if (isCurrent) setItems([]);
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [agent, contact.customer.id, contact.id]);
  if (items === null) return null;
  return (
    <details className="previous" open={items.length > 0}>
      <summary>
        {items.length === 0 ? 'No previous contacts' : `Previous contacts (${items.length})`}
      </summary>
      <ul aria-label="Previous contacts">
        {items.slice(0, previousShownMax).map((item) => (
          <li key={item.id}>
            {new Date(item.joinedAtMs).toLocaleString()} · {item.lastQueueId} ·{' '}
            {item.outcome === null ? 'still open' : outcomeWords[item.outcome]}
            {item.disposition === null ? '' : ` · ${item.disposition.code}`}
            {item.rating === null ? '' : ` · rated ${item.rating.score}/5`}
          </li>
        ))}
      </ul>
    </details>
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
                label: `Queue: ${queue.name}`,
                target: { queueId: queue.id, keepsPlace: true },
              })),
              ...agents.items
                .filter((other) => other.id !== me && other.presence !== 'offline')
                .map((other) => ({
                  key: `agent ${other.id}`,
                  label: `Agent: ${other.name}`,
                  target: { agentId: other.id },
                })),
            ];
            setChoices(found);
            setKey(found[0]?.key ?? '');
          })
        }
      >
        Transfer
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
        Transfer to{' '}
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
        Transfer now
      </button>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          setChoices(null);
        }}
      >
        Cancel
      </button>
    </form>
  );
}

/** Wrap-up of a completed contact: a disposition code and notes, kept in its history. */
function WrapUpCard({
  agent,
  finished,
  act,
  onDone,
}: {
  agent: LineupAgent;
  finished: Finished;
  act: (action: () => Promise<unknown>) => Promise<void>;
  onDone: () => void;
}) {
  const [code, setCode] = useState<string>(dispositionCodes[0]);
  const [notes, setNotes] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <section className="card wrap-up" aria-label={`Wrap-up of ${finished.name}`}>
      <h2>Wrap-up: {finished.name}</h2>
      {saved === null ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void act(async () => {
              const item = await agent.dispose(
                finished.contactId,
                code,
                notes.trim() === '' ? undefined : notes.trim(),
              );
              setSaved(item.disposition?.code ?? code);
            });
          }}
        >
          <label>
            Outcome{' '}
            <select
              value={code}
              onChange={(event) => {
                setCode(event.target.value);
              }}
            >
              {dispositionCodes.map((item) => (
                <option key={item} value={item}>
                  {item}
                </option>
              ))}
            </select>
          </label>
          <label className="notes">
            Notes
            <textarea
              value={notes}
              maxLength={2_000}
              rows={3}
              onChange={(event) => {
                setNotes(event.target.value);
              }}
            />
          </label>
          <div className="actions">
            <button type="submit">Save wrap-up</button>
            <button type="button" className="secondary" onClick={onDone}>
              Skip
            </button>
          </div>
        </form>
      ) : (
        <div className="actions">
          <p role="status">Saved: {saved}</p>
          <button type="button" className="secondary" onClick={onDone}>
            Done
          </button>
        </div>
      )}
    </section>
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
  const number = contact.callbackNumber ?? contact.customer.number ?? '';
  const close = (outcome: 'reached' | 'noAnswer' | 'failed') =>
    void act(() => agent.closeCallback(contact.id, outcome));
  return (
    <div className="conversation callback-work">
      <div className="conversation-head">
        <div>
          <h2>{customerNameOf(contact)}</h2>
          <p className="muted">
            {queueName} · callback, attempt {contact.callbackAttempts + 1}
          </p>
        </div>
      </div>
      <p className="call-number">
        Call <a href={`tel:${number.replace(/[^+0-9*#]/g, '')}`}>{number}</a>
      </p>
      <div className="actions" role="group" aria-label="How did the call go?">
        <button
          type="button"
          onClick={() => {
            close('reached');
          }}
        >
          Reached
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            close('noAnswer');
          }}
        >
          No answer
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            close('failed');
          }}
        >
          Wrong number
        </button>
      </div>
    </div>
  );
}
