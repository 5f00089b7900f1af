import type { ContactId, QueueId } from '@lineup/protocol';

/*
 * Where the customer is in one conversation, kept in sessionStorage so that a
 * reload within the server's grace period picks up the same contact (the
 * server keeps a contact whose customer reconnects in time; docs/web.md).
 */

/** The widget's screens, each with what it shows. */
export type Stage =
  | { kind: 'loading' }
  | { kind: 'choose' }
  | {
      kind: 'waiting';
      contactId: ContactId;
      queueName: string;
      position: number | null;
      ewtMs: number | null;
    }
  | {
      kind: 'callback';
      contactId: ContactId;
      queueName: string;
      number: string;
      isCalling: boolean;
      /** An attempt went unanswered and another is planned (R10). */
      isRetrying: boolean;
    }
  | {
      kind: 'deflected';
      message: string;
      /** Set when the queue takes a message instead (action leaveMessage). */
      messageQueue: { queueId: QueueId; queueName: string } | null;
    }
  | { kind: 'message'; queueId: QueueId; queueName: string }
  | { kind: 'chat'; contactId: ContactId; queueName: string; agentName: string }
  | { kind: 'ended'; contactId: ContactId; agentName: string; isRated: boolean }
  | { kind: 'left'; why: LeftReason };

/**
 * Why a contact is over, said in the customer's language when shown (so that
 * a change of language changes it too).
 */
export type LeftReason =
  | { kind: 'talked' }
  | { kind: 'unreached'; number: string }
  | { kind: 'abandoned' }
  /** Away (reload or network) longer than the grace period: the server abandoned the contact. */
  | { kind: 'lost' }
  | { kind: 'timedOut' }
  | { kind: 'messageSent'; reach: string };

/** What is kept across a reload: the contact and the names shown with it. */
export interface KeptStage {
  kind: 'waiting' | 'callback' | 'chat' | 'ended';
  contactId: ContactId;
  queueName: string;
  agentName: string;
  isRated: boolean;
  /** The number a callback goes to; empty otherwise. */
  number?: string;
}

const storageKey = 'lineup.widget.contact';

/** Keeps the stage of a live or just-ended contact; forgets it on any other stage. */
export function keepStage(stage: Stage): void {
  switch (stage.kind) {
    case 'waiting':
      save({
        kind: 'waiting',
        contactId: stage.contactId,
        queueName: stage.queueName,
        agentName: '',
        isRated: false,
      });
      return;
    case 'callback':
      save({
        kind: 'callback',
        contactId: stage.contactId,
        queueName: stage.queueName,
        agentName: '',
        isRated: false,
        number: stage.number,
      });
      return;
    case 'chat':
      save({
        kind: 'chat',
        contactId: stage.contactId,
        queueName: stage.queueName,
        agentName: stage.agentName,
        isRated: false,
      });
      return;
    case 'ended':
      save({
        kind: 'ended',
        contactId: stage.contactId,
        queueName: '',
        agentName: stage.agentName,
        isRated: stage.isRated,
      });
      return;
    case 'loading':
      return;
    case 'choose':
    case 'deflected':
    case 'message':
    case 'left':
      sessionStorage.removeItem(storageKey);
      return;
  }
}

function save(kept: KeptStage): void {
  sessionStorage.setItem(storageKey, JSON.stringify(kept));
}

/** The stage kept before a reload, or null. */
export function keptStage(): KeptStage | null {
  const text = sessionStorage.getItem(storageKey);
  if (text === null) return null;
  try {
    const kept = JSON.parse(text) as Partial<KeptStage>;
    if (typeof kept.contactId !== 'string' || typeof kept.kind !== 'string') return null;
    return kept as KeptStage;
  } catch {
    return null;
  }
}
