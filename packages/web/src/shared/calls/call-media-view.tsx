import { useEffect, useRef } from 'react';
import { useWords } from '../i18n.tsx';
import { callWords } from './call-words.ts';
import type { CallSession } from './call-session.ts';
import type { LocalMedia } from './local-media.ts';

/*
 * What a page shows and plays of a call: each other party's video (or a
 * name tile in a voice call) with its audio, the audio a monitored agent
 * forwards, and this person's own picture, mirrored and muted.
 */

/** Plays tracks in a media element, replacing its stream only when the tracks changed. */
function useTracks(
  element: React.RefObject<HTMLMediaElement | null>,
  tracks: readonly (MediaStreamTrack | null)[],
) {
  useEffect(() => {
    const media = element.current;
    if (media === null) return;
    const present = tracks.filter((track): track is MediaStreamTrack => track !== null);
    const current = media.srcObject instanceof MediaStream ? media.srcObject.getTracks() : [];
    const isSame =
      present.length === current.length && present.every((track, i) => current[i] === track);
    if (!isSame) media.srcObject = present.length === 0 ? null : new MediaStream(present);
  });
}

function RemoteTile({
  name,
  partyId,
  audio,
  video,
  forwardedAudio,
  isVideoCall,
}: {
  name: string;
  partyId: string;
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  forwardedAudio: MediaStreamTrack | null;
  isVideoCall: boolean;
}) {
  const t = useWords(callWords);
  const videoElement = useRef<HTMLVideoElement>(null);
  const audioElement = useRef<HTMLAudioElement>(null);
  const forwardedElement = useRef<HTMLAudioElement>(null);
  useTracks(videoElement, [video]);
  useTracks(audioElement, [audio]);
  useTracks(forwardedElement, [forwardedAudio]);
  return (
    <figure className="call-tile" data-party={partyId}>
      {isVideoCall ? (
        <video ref={videoElement} autoPlay playsInline muted aria-label={t.videoOf(name)} />
      ) : (
        <div className="call-voice" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </div>
      )}
      <audio ref={audioElement} autoPlay />
      <audio ref={forwardedElement} autoPlay />
      <figcaption>{name}</figcaption>
    </figure>
  );
}

/** The other parties of a call and this person's own picture. */
export function CallMediaView({
  session,
  local,
}: {
  session: CallSession | undefined;
  local: LocalMedia | undefined;
}) {
  const selfVideo = useRef<HTMLVideoElement>(null);
  useTracks(selfVideo, [local?.videoTrack ?? null]);
  if (session === undefined) return null;
  const isVideoCall = session.call.media === 'video';
  return (
    <div className="call-media">
      {session.remotes.map(({ partyId, name, remote }) => (
        <RemoteTile
          key={partyId}
          partyId={partyId}
          name={name}
          audio={remote.audio}
          video={remote.video}
          forwardedAudio={remote.forwardedAudio}
          isVideoCall={isVideoCall && !partyId.startsWith('supervisor:')}
        />
      ))}
      {isVideoCall && local?.videoTrack != null ? (
        <video
          ref={selfVideo}
          className="call-self"
          autoPlay
          playsInline
          muted
          aria-label="Your picture"
        />
      ) : null}
    </div>
  );
}
