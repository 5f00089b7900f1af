import { useEffect, useRef, useState } from 'react';
import type { ContactId } from '@lineup/protocol';
import type { LineupCustomer } from '@lineup/sdk';
import { HoldMusic } from '../shared/calls/hold-music.ts';
import { placeInWords } from '../shared/words.ts';

/*
 * Waiting for a voice or video agent sounds like a phone queue: hold music,
 * and every so often the place in line and the expected wait, spoken with the
 * browser's speech synthesis where it has one and always shown as text (a
 * browser without a voice, a muted tab, a person who cannot hear).
 */

/** How often the place is announced when the embedding page does not say (data-announce-every). */
export const announceEveryMsDefault = 30_000;

/** Hold music and spoken announcements while a voice or video contact waits. */
export function QueueWaitAudio({
  customer,
  contactId,
  position,
  ewtMs,
  announceEveryMs = announceEveryMsDefault,
}: {
  customer: LineupCustomer;
  contactId: ContactId;
  position: number | null;
  ewtMs: number | null;
  announceEveryMs?: number;
}) {
  const [isCall, setIsCall] = useState(false);
  const [announcement, setAnnouncement] = useState<string | null>(null);
  const place = useRef({ position, ewtMs });
  place.current = { position, ewtMs };

  useEffect(() => {
    let isCurrent = true;
    void customer.contact(contactId).then(
      (contact) => {
        if (isCurrent) setIsCall(contact.channel === 'voice' || contact.channel === 'video');
      },
      () => undefined,
    );
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
      const text = placeInWords(now, wait);
      setAnnouncement(text);
      if ('speechSynthesis' in window) {
        window.speechSynthesis.speak(new SpeechSynthesisUtterance(`${text.replace('—', ',')}.`));
      }
    };
    announce();
    const timer = setInterval(announce, announceEveryMs);
    return () => {
      clearInterval(timer);
      music.stop();
      if ('speechSynthesis' in window) window.speechSynthesis.cancel();
    };
  }, [isCall, announceEveryMs]);

  if (!isCall) return null;
  return (
    <p className="queue-announcement" role="status" data-hold-music="playing">
      ♪ Hold music{announcement === null ? '' : ` · ${announcement}`}
    </p>
  );
}
