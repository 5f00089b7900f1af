import type { Language } from '../shared/languages.ts';

/*
 * The widget's spoken words (the place in line, the queue's answer greeting),
 * through the browser's speech synthesis where it has one. Every caller also
 * shows the words as text: a browser without a voice, a muted tab, a person
 * who cannot hear.
 */

/** Says `text` in the page's language; a pause for the dash, a full stop when it has none. */
export function speak(text: string, language: Language): void {
  if (!('speechSynthesis' in window)) return;
  const stop = language === 'en' ? '.' : '。';
  const spoken = text.replace('—', ',');
  const utterance = new SpeechSynthesisUtterance(
    /[.!?。！？]$/u.test(spoken) ? spoken : `${spoken}${stop}`,
  );
  utterance.lang = language === 'zh' ? 'zh-CN' : 'en';
  window.speechSynthesis.speak(utterance);
}

/** Stops whatever the widget is saying. */
export function stopSpeaking(): void {
  if ('speechSynthesis' in window) window.speechSynthesis.cancel();
}
