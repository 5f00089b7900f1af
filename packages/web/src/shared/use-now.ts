import { useEffect, useState } from 'react';

/** The wall clock, re-read every `everyMs`: for countdowns and waits that move between messages. */
export function useNow(everyMs = 1000): number {
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      setNowMs(Date.now());
    }, everyMs);
    return () => {
      clearInterval(timer);
    };
  }, [everyMs]);
  return nowMs;
}
