import type { Call, CallEndReason, QualitySample } from '@lineup/protocol';
import type { Catalog } from '../languages.ts';
import { clockOf } from '../words.ts';

/*
 * A call in words, as the agent, the customer and the supervisor read it:
 * who else is in it, where it stands with its timer, how it ended, and its
 * quality. Pure, so the wording is tested without a browser.
 */

const en = {
  theCustomer: 'the customer',
  agent: 'agent',
  nobody: 'nobody',
  /** Joins the last name to the others: "Dana, Bo and Chen". */
  and: ' and ',
  listSeparator: ', ',
  end: {
    hangup: 'Call ended',
    rejected: 'Call declined',
    noAnswer: 'No answer',
    transferred: 'Call transferred',
    failed: 'Call failed',
    disconnected: 'Call lost: the other side went away',
  } as Readonly<Record<CallEndReason, string>>,
  incomingCall: 'Incoming call',
  ringing: 'Ringing…',
  inCall: (clock: string) => `In call ${clock}`,
  onHold: (clock: string) => `On hold ${clock}`,
  rtt: (ms: number) => `rtt ${String(ms)} ms`,
  jitter: (ms: number) => `jitter ${String(ms)} ms`,
  loss: (percent: number) => `loss ${String(percent)}%`,
  // Buttons and labels of the call screens (agent desktop, widget, wallboard).
  calls: 'Calls',
  answer: 'Answer',
  decline: 'Decline',
  mute: 'Mute',
  unmute: 'Unmute',
  cameraOff: 'Camera off',
  cameraOn: 'Camera on',
  shareScreen: 'Share screen',
  stopSharing: 'Stop sharing',
  microphone: 'Microphone',
  camera: 'Camera',
  videoOf: (name: string) => `Video of ${name}`,
  recordingOf: (when: string) => `Recording of ${when}`,
  inProgress: ' (in progress)',
  play: 'Play',
  recordings: 'Recordings',
  recordingAudio: 'Recording',
  recordingsOfContact: 'Recordings of this contact',
  hangUp: 'Hang up',
  // The customer's side.
  isCallingYou: (who: string, isVideo: boolean) =>
    `${who} is calling you (${isVideo ? 'video call' : 'call'})`,
  onHoldStay: 'You are on hold — please stay on the line.',
  statusWith: (status: string, who: string) => `${status} with ${who}`,
  isRecorded: 'This call is recorded.',
  call: 'Call',
  holdMusic: '♪ Hold music',
  // The agent's side.
  callWith: (who: string) => `Call with ${who}`,
  mediaCallWith: (isVideo: boolean, who: string) =>
    `${isVideo ? 'Video' : 'Voice'} call with ${who}`,
  recording: '● Recording',
  hold: 'Hold',
  resume: 'Resume',
  record: 'Record',
  stopRecording: 'Stop recording',
  transfer: 'Transfer',
  consult: 'Consult',
  addToCall: 'Add to call',
  completeTransfer: 'Complete transfer',
  cancelConsult: 'Cancel consult',
  videoCall: 'Video call',
  voiceCall: 'Voice call',
  callAgent: 'Call agent',
  toWhom: (action: string) => `${action}: to whom`,
  agentTarget: (name: string) => `Agent: ${name}`,
  queueTarget: (name: string) => `Queue: ${name}`,
  // The supervisor's side.
  noCalls: 'No calls yet.',
  state: 'State',
  quality: 'Quality',
  monitor: 'Monitor',
  mediaOf: (isVideo: boolean, who: string) => `${isVideo ? 'Video' : 'Voice'}: ${who}`,
  listen: 'Listen',
  whisper: 'Whisper',
  barge: 'Barge',
  stop: 'Stop',
};

/** The words of a call. */
export type CallWords = typeof en;

/** The call screens' words, shared by the agent desktop, the widget and the wallboard. */
export const callWords: Catalog<CallWords> = {
  en,
  zh: {
    theCustomer: '客户',
    agent: '坐席',
    nobody: '无人',
    and: '和',
    listSeparator: '、',
    end: {
      hangup: '通话已结束',
      rejected: '通话被拒绝',
      noAnswer: '无人接听',
      transferred: '通话已转接',
      failed: '通话失败',
      disconnected: '通话中断：对方已离开',
    },
    incomingCall: '来电',
    ringing: '正在呼叫…',
    inCall: (clock) => `通话中 ${clock}`,
    onHold: (clock) => `保持中 ${clock}`,
    rtt: (ms) => `往返 ${String(ms)} 毫秒`,
    jitter: (ms) => `抖动 ${String(ms)} 毫秒`,
    loss: (percent) => `丢包 ${String(percent)}%`,
    calls: '通话',
    answer: '接听',
    decline: '拒绝',
    mute: '静音',
    unmute: '取消静音',
    cameraOff: '关闭摄像头',
    cameraOn: '打开摄像头',
    shareScreen: '共享屏幕',
    stopSharing: '停止共享',
    microphone: '麦克风',
    camera: '摄像头',
    videoOf: (name) => `${name}的视频`,
    recordingOf: (when) => `${when}的录音`,
    inProgress: '（录制中）',
    play: '播放',
    recordings: '录音',
    recordingAudio: '录音',
    recordingsOfContact: '此联系的录音',
    hangUp: '挂断',
    isCallingYou: (who, isVideo) => `${who}正在呼叫您（${isVideo ? '视频通话' : '语音通话'}）`,
    onHoldStay: '您的通话已被保持，请不要挂断。',
    statusWith: (status, who) => `与${who}${status}`,
    isRecorded: '本次通话将被录音。',
    call: '通话',
    holdMusic: '♪ 等待音乐',
    callWith: (who) => `与${who}的通话`,
    mediaCallWith: (isVideo, who) => `与${who}的${isVideo ? '视频' : '语音'}通话`,
    recording: '● 录音中',
    hold: '保持',
    resume: '恢复',
    record: '录音',
    stopRecording: '停止录音',
    transfer: '转接',
    consult: '咨询',
    addToCall: '加入通话',
    completeTransfer: '完成转接',
    cancelConsult: '取消咨询',
    videoCall: '视频通话',
    voiceCall: '语音通话',
    callAgent: '呼叫坐席',
    toWhom: (action) => `${action}：给谁`,
    agentTarget: (name) => `坐席：${name}`,
    queueTarget: (name) => `队列：${name}`,
    noCalls: '暂无通话。',
    state: '状态',
    quality: '质量',
    monitor: '监听',
    mediaOf: (isVideo, who) => `${isVideo ? '视频' : '语音'}：${who}`,
    listen: '旁听',
    whisper: '耳语',
    barge: '强插',
    stop: '停止',
  },
};

/** The names of the other parties still in the call: "Dana", "Dana and Bo". */
export function otherPartiesOf(
  call: Call,
  self: string | null,
  words: CallWords = callWords.en,
): string {
  const names = call.parties
    .filter(
      (party) => party.partyId !== self && party.state !== 'left' && party.role !== 'supervisor',
    )
    .map((party) => party.name ?? (party.role === 'customer' ? words.theCustomer : words.agent));
  if (names.length === 0) return words.nobody;
  return names.length === 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(words.listSeparator)}${words.and}${names.at(-1) ?? ''}`;
}

/** Where the call stands with its timer: "Ringing…", "In call 1:05", "On hold 0:12", "Call declined". */
export function callStatusOf(
  call: Call,
  self: string | null,
  nowMs: number,
  words: CallWords = callWords.en,
): string {
  switch (call.state) {
    case 'ringing': {
      const me = call.parties.find((party) => party.partyId === self);
      return me?.state === 'ringing' ? words.incomingCall : words.ringing;
    }
    case 'active':
      return words.inCall(clockOf(nowMs - (call.answeredAtMs ?? call.startedAtMs)));
    case 'held': {
      const heldAtMs =
        [...call.log].reverse().find((entry) => entry.what === 'held')?.atMs ?? nowMs;
      return words.onHold(clockOf(nowMs - heldAtMs));
    }
    case 'ended':
      return words.end[call.endReason ?? 'hangup'];
  }
}

/** A quality sample in words: "rtt 42 ms · jitter 3 ms · loss 0.5% · 820 kbps". */
export function qualityInWords(
  sample: QualitySample | undefined,
  words: CallWords = callWords.en,
): string {
  if (sample === undefined) return '—';
  const parts = [
    sample.rttMs === undefined ? null : words.rtt(Math.round(sample.rttMs)),
    sample.jitterMs === undefined ? null : words.jitter(Math.round(sample.jitterMs)),
    sample.packetLossPercent === undefined ? null : words.loss(sample.packetLossPercent),
    sample.bitrateKbps === undefined ? null : `${Math.round(sample.bitrateKbps)} kbps`,
  ].filter((part): part is string => part !== null);
  return parts.length === 0 ? '—' : parts.join(' · ');
}
