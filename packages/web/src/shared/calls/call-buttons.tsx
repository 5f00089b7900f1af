import type { Call } from '@lineup/protocol';
import type { CallClient } from './call-client.ts';
import { useWords } from '../i18n.tsx';
import { callWords } from './call-words.ts';
import { DevicePicker } from './device-picker.tsx';
import type { Calls } from './use-calls.ts';

/*
 * The buttons every person's call has, the same in the agent desktop and the
 * widget: answer or decline a ringing call; once in it, the microphone, the
 * camera, the screen (agents) and the choice of devices.
 */

/** Runs a call action and shows its failure. */
type Act = (action: () => Promise<unknown>) => void;

/** Answer and Decline of a call that rings for this person. */
export function AnswerButtons({ client, call, act }: { client: CallClient; call: Call; act: Act }) {
  const t = useWords(callWords);
  return (
    <div className="actions call-actions">
      <button
        type="button"
        onClick={() => {
          act(() => client.answer(call.callId));
        }}
      >
        {t.answer}
      </button>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          act(() => client.hangUp(call.callId, 'rejected'));
        }}
      >
        {t.decline}
      </button>
    </div>
  );
}

/** Mute, camera, screen sharing (where offered) and devices of a call this person is in. */
export function MediaSwitches({
  calls,
  call,
  act,
  canShareScreen,
}: {
  calls: Calls;
  call: Call;
  act: Act;
  canShareScreen: boolean;
}) {
  const t = useWords(callWords);
  const local = calls.local(call.callId);
  if (local === undefined) return null;
  const switches = local.switches;
  const isVideo = call.media === 'video';
  const toggle = (change: 'camera' | 'microphone' | 'screen', isOn: boolean) => () => {
    act(() => calls.switchMedia(call.callId, change, isOn));
  };
  return (
    <>
      <button
        type="button"
        className="secondary"
        aria-pressed={!switches.microphone}
        onClick={toggle('microphone', !switches.microphone)}
      >
        {switches.microphone ? t.mute : t.unmute}
      </button>
      {isVideo ? (
        <button type="button" className="secondary" onClick={toggle('camera', !switches.camera)}>
          {switches.camera ? t.cameraOff : t.cameraOn}
        </button>
      ) : null}
      {isVideo && canShareScreen ? (
        <button type="button" className="secondary" onClick={toggle('screen', !switches.screen)}>
          {switches.screen ? t.stopSharing : t.shareScreen}
        </button>
      ) : null}
      <DevicePicker local={local} hasVideo={isVideo} act={act} />
    </>
  );
}
