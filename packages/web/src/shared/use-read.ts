import { useEffect, useRef, useState } from 'react';

/**
 * What `read` resolves with, read again whenever `key` changes: null until
 * the first answer, `fallback` when it fails. An answer that comes after the
 * key changed (or the component went away) is dropped.
 */
export function useRead<T>(read: () => Promise<T>, key: string | number, fallback: T): T | null {
  const [value, setValue] = useState<T | null>(null);
  // The latest reader: callers pass a new closure every render, the key says when to read.
  const reader = useRef(read);
  reader.current = read;
  const fallbackRef = useRef(fallback);
  useEffect(() => {
    let isCurrent = true;
    reader.current().then(
      (found) => {
        if (isCurrent) setValue(found);
      },
      () => {
        if (isCurrent) setValue(fallbackRef.current);
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [key]);
  return value;
}
