import { useEffect, useRef, useState } from 'react';
import type { ContactId } from '@lineup/protocol';
import type { LineupCustomer } from '@lineup/sdk';
import { HoldMusic } from '../shared/calls/hold-music.ts';
import { callWords } from '../shared/calls/call-words.ts';
import { useLanguage, useWords } from '../shared/i18n.tsx';
import type { Language } from '../shared/languages.ts';
import { placeInWords } from '../shared/words.ts';

/*
 * Waiting for a voice or video agent sounds like a phone queue: hold music,
 * and every so often the place in line and the expected wait, spoken with the
 * browser's speech synthesis where it has one and always shown as text (a
 * browser without a voice, a muted tab, a person who cannot hear).
 */

/** How often the place is announced when the embedding page does not say (data-announce-every). */
export const announceEveryMsDefault = 30_000;

/** The announcement as the speech synthesis reads it, in the page's language (a pause for the dash). */
function speakable(text: string, language: Language): SpeechSynthesisUtterance {
  const utterance = new SpeechSynthesisUtterance(
    language === 'en' ? `${text.replace('—', ',')}.` : `${text}。`,
  );
  utterance.lang = language === 'zh' ? 'zh-CN' : 'en';
  return utterance;
}

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
  const language = useLanguage();
  const t = useWords(callWords);
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
      const text = placeInWords(now, wait, language);
      setAnnouncement(text);
      if ('speechSynthesis' in window) {
        window.speechSynthesis.speak(speakable(text, language));
      }
    };
    announce();
    const timer = setInterval(announce, announceEveryMs);
    return () => {
      clearInterval(timer);
      music.stop();
      if ('speechSynthesis' in window) window.speechSynthesis.cancel();
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
