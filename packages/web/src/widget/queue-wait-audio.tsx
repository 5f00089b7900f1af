import { useEffect, useRef, useState } from 'react';
import { positionAnnouncementEveryMsDefault, type ContactId, type QueueId } from '@lineup/protocol';
import type { LineupCustomer } from '@lineup/sdk';
import { HoldMusic } from '../shared/calls/hold-music.ts';
import { callWords } from '../shared/calls/call-words.ts';
import { useLanguage, useWords } from '../shared/i18n.tsx';
import { placeInWords } from '../shared/words.ts';
import { speak, stopSpeaking } from './speech.ts';

/*
 * Waiting for a voice or video agent sounds like a phone queue: hold music,
 * and every so often the place in line and the expected wait, spoken
 * (speech.ts) and always shown as text.
 */

/** Pages of queue statuses read at most to find the queue's announcement interval. */
const statusPagesMax = 20;

/**
 * How often the queue announces the place (its `positionAnnouncementEveryMs`,
 * 0 = never), as customers may read it; the default when the queue is not found.
 */
async function announcementEveryMsOf(customer: LineupCustomer, queueId: QueueId): Promise<number> {
  let after: string | undefined;
  for (let page = 0; page < statusPagesMax; page += 1) {
    const { items, next } = await customer.queueStatuses(after === undefined ? {} : { after });
    const queue = items.find((status) => status.queueId === queueId);
    if (queue !== undefined) return queue.positionAnnouncementEveryMs;
    if (next === null) break;
    after = next;
  }
  return positionAnnouncementEveryMsDefault;
}

/** Hold music and spoken announcements while a voice or video contact waits. */
export function QueueWaitAudio({
  customer,
  contactId,
  position,
  ewtMs,
}: {
  customer: LineupCustomer;
  contactId: ContactId;
  position: number | null;
  ewtMs: number | null;
}) {
  const language = useLanguage();
  const t = useWords(callWords);
  const [isCall, setIsCall] = useState(false);
  const [announceEveryMs, setAnnounceEveryMs] = useState(positionAnnouncementEveryMsDefault);
  const [announcement, setAnnouncement] = useState<string | null>(null);
  const place = useRef({ position, ewtMs });
  place.current = { position, ewtMs };

  useEffect(() => {
    let isCurrent = true;
    void customer
      .contact(contactId)
      .then(async (contact) => {
        if (contact.channel !== 'voice' && contact.channel !== 'video') return;
        // The interval first, so that a queue that says "never" is never announced.
        const everyMs = await announcementEveryMsOf(customer, contact.queueId);
        if (!isCurrent) return;
        setAnnounceEveryMs(everyMs);
        setIsCall(true);
      })
      // Unread, the contact makes no sound and the interval stays the default.
      .catch(() => undefined);
    return () => {
      isCurrent = false;
    };
  }, [customer, contactId]);

  useEffect(() => {
    if (!isCall) return;
    const music = new HoldMusic();
    music.start();
    const announce = () => {
      const { position: now, ewtMs: wait } = place.current;
      if (now === null) return;
      const text = placeInWords(now, wait, language);
      setAnnouncement(text);
      speak(text, language);
    };
    // 0: the queue plays hold music only.
    const timer = announceEveryMs === 0 ? undefined : setInterval(announce, announceEveryMs);
    if (timer !== undefined) announce();
    return () => {
      clearInterval(timer);
      music.stop();
      stopSpeaking();
    };
  }, [isCall, announceEveryMs, language]);

  if (!isCall) return null;
  return (
    <p className="queue-announcement" role="status" data-hold-music="playing">
      {t.holdMusic}
      {announcement === null ? '' : ` · ${announcement}`}
    </p>
  );
}
