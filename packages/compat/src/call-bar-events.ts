/*
 * The payloads of the call-bar SDK's events (seed document 002, sections
 * 6.8–6.11), with the document's field names and types. `cmdtype` is always
 * 1 ("the call bar does not restart its timer"), as the document fixes it.
 * Where the document says int and Lineup has a string id (a skill group, a
 * company), the field carries a number when the id is all digits and the id
 * itself otherwise (docs/compat.md, Call-bar events).
 */

/** A skill group's or company's id as the call bar shows it. */
export type CallBarId = number | string;

/** 6.8.1 queuenum: how many calls wait in one of the agent's skill groups. */
export interface QueueNumEvent {
  type: 'queuenum';
  cmdtype: 1;
  /** Waiting in the predictive-dialling group: Lineup does no predictive dialling, always 0. */
  autonum: number;
  groupid: CallBarId;
  /** Waiting in the skill group. */
  num: number;
}

/** One skill group's waiting count in monitorqueue. */
export interface MonitorQueueItem {
  autonum: number;
  groupid: CallBarId;
  num: number;
}

/** 6.8.2.2 monitorqueue: the supervisor's skill groups' waiting counts. */
export interface MonitorQueueEvent {
  type: 'monitorqueue';
  cmdtype: 1;
  data: MonitorQueueItem[];
}

/** One waiting call in monitorcaller. */
export interface MonitorCaller {
  /** The call's score in its group: higher is served sooner (Lineup's contact priority, R2). */
  baseScore: number;
  /** The caller's number, or the customer's id when it gave none. */
  caller: string;
  /** The customer's name; absent when it gave none. */
  customerName?: string;
  /** 1 normal, 2 VIP. */
  customerType: 1 | 2;
  /** When it entered this group's line: epoch ms as a string. */
  joinedTime: string;
  /** 1 came in, 2 was transferred (or overflowed) here. */
  joinedType: 1 | 2;
  /** When the call began: epoch ms as a string. */
  startTime: string;
}

/** 6.8.2.3 monitorcaller: the calls waiting in the supervisor's skill groups. */
export interface MonitorCallerEvent {
  type: 'monitorcaller';
  cmdtype: 1;
  data: { groupid: CallBarId; callers: MonitorCaller[] }[];
}

/** One agent in agentbegingroup / agentstopgroup. */
export interface CallBarAgent {
  /** Agent id @ company. */
  agentKey: string;
  /** Predictive dialling: never in Lineup. */
  auto: boolean;
  /** Why the agent is busy (Lineup's not-ready reason), '' otherwise. */
  busydescr: string;
  called: string;
  caller: string;
  companyId: CallBarId;
  groupids: CallBarId[];
  name: string;
  nowgroupid: CallBarId;
  /** When its state last changed, `yyyy-MM-dd HH:mm:ss` in the page's time zone. */
  operate_time: string;
  operatorid: string;
  /** offwork, free, talking, busy (not ready) or after (wrap-up). */
  status: string;
  taskgroupid: CallBarId;
  /** 2: a web call (WebRTC in the browser). */
  worktype: number;
}

/** 6.9 agentbegingroup / agentstopgroup: an agent started or stopped serving a skill group. */
export interface AgentGroupEvent {
  type: 'agentbegingroup' | 'agentstopgroup';
  cmdtype: 1;
  data: CallBarAgent[];
}

/** 6.10.1 / 6.10.4 sendmsg: an announcement. */
export interface SendMsgEvent {
  type: 'sendmsg';
  cmdtype: 1;
  /** The document's spelling. True: an announcement (Lineup sends no dialling notices). */
  annoucement: boolean;
  /** A JSON string: {id, isannouncement, remark, text, from, atMs}. */
  msg: string;
}

/** 6.10.2 endtask: a task the agent worked ended (Lineup: a callback is over). */
export interface EndTaskEvent {
  type: 'endtask';
  cmdtype: 1;
  cmd: 'endtask';
  /** Whether all tasks ended: Lineup has no task batches, so false. */
  done: boolean;
  /** 3 done (the customer was reached), 4 closed (given up). */
  status: 3 | 4;
  groupid: CallBarId;
  companyid: CallBarId;
  activity_id: number;
}

/** What memberEnqueue and memberDequeue share (6.11). */
interface MemberLineFields {
  caller: string;
  /** Lineup's contact id. */
  callId: string;
  companyId: CallBarId;
  /** Calls waiting in the skill group. */
  currentLineUpNum: number;
  /** Calls waiting for this memory agent. */
  memoryLineUpNum: number;
  customerType: 1 | 2;
  groupId: CallBarId;
  /** Epoch ms. */
  joinedTime: number;
  /** Agent id @ company. */
  memoryAgentKey: string;
  startTime: number;
  joinedType: number;
  stationNo: number;
  baseScore: number;
}

/** 6.11 memberEnqueue: a call waits for its memory (sticky) agent (R9). */
export interface MemberEnqueueEvent extends MemberLineFields {
  type: 'memberEnqueue';
}

/** 6.11 memberDequeue: a call stopped waiting for its memory agent (R9). */
export interface MemberDequeueEvent extends MemberLineFields {
  type: 'memberDequeue';
  /** Epoch ms. */
  leavingTime: number;
  /** 1 went to the agent, 2 gave up; 3 (Lineup's): waited its time out, was transferred, or the agent was removed. */
  leaveType: 1 | 2 | 3;
}

/** The queue and announcement events of the call bar, by name. */
export interface CallBarQueueEvents {
  queuenum: QueueNumEvent;
  monitorqueue: MonitorQueueEvent;
  monitorcaller: MonitorCallerEvent;
  agentbegingroup: AgentGroupEvent;
  agentstopgroup: AgentGroupEvent;
  sendmsg: SendMsgEvent;
  endtask: EndTaskEvent;
  memberEnqueue: MemberEnqueueEvent;
  memberDequeue: MemberDequeueEvent;
}
