import { useEffect, useState } from 'react';
import { useWords } from '../i18n.tsx';
import { callWords } from './call-words.ts';
import { mediaDevices, type LocalMedia, type MediaDevice } from './local-media.ts';

/*
 * The microphone and camera a call uses, chosen during the call: the
 * browser's devices (their names show once the page may use one), and the
 * new one replaces the old in every pair at once.
 */

/** A choice of microphone and, for a video call, camera. */
export function DevicePicker({
  local,
  hasVideo,
  act,
}: {
  local: LocalMedia;
  hasVideo: boolean;
  /** Runs the change and shows its failure, as the page's other buttons do. */
  act: (action: () => Promise<unknown>) => void;
}) {
  const t = useWords(callWords);
  const [devices, setDevices] = useState<MediaDevice[]>([]);
  useEffect(() => {
    let isCurrent = true;
    const read = () => {
      mediaDevices().then(
        (found) => {
          if (isCurrent) setDevices(found);
        },
        () => undefined,
      );
    };
    read();
    navigator.mediaDevices.addEventListener('devicechange', read);
    return () => {
      isCurrent = false;
      navigator.mediaDevices.removeEventListener('devicechange', read);
    };
  }, []);
  const kinds = hasVideo
    ? ([
        ['audioinput', t.microphone],
        ['videoinput', t.camera],
      ] as const)
    : ([['audioinput', t.microphone]] as const);
  return (
    <span className="call-devices">
      {kinds.map(([kind, label]) => {
        const offered = devices.filter((device) => device.kind === kind);
        if (offered.length < 2) return null;
        return (
          <select
            key={kind}
            aria-label={label}
            value={local.deviceIdOf(kind) ?? ''}
            onChange={(event) => {
              const deviceId = event.target.value;
              act(() => local.chooseDevice(kind, deviceId));
            }}
          >
            {offered.map((device) => (
              <option key={device.deviceId} value={device.deviceId}>
                {device.label}
              </option>
            ))}
          </select>
        );
      })}
    </span>
  );
}
