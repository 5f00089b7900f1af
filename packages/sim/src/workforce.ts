import { asAgentId, type AgentId, type Command, type Presence } from '@lineup/protocol';
import { assert } from './assert.ts';
import type { AgentPlan } from './scenario.ts';

/*
 * The agents' side of the world: they log in when a shift starts, go not
 * ready for a break and come back, and at the end of a shift finish the
 * contacts they hold before they log out (not ready first, so that no new
 * offer comes meanwhile). An agent the engine set not ready for missed
 * offers (R6) notices after a minute and sets itself ready again.
 */

/** An agent set not ready for missed offers (R6) notices and sets itself ready after this. */
export const noAnswerRecoveryMs = 60_000;

/** Something an agent does, by its index in the scenario's agent plans. */
export type AgentTask =
  | {
      kind: 'shiftStart' | 'shiftEnd' | 'breakEnd' | 'recover' | 'logOutWhenFree';
      agent: number;
    }
  | { kind: 'breakStart'; agent: number; reason: string };

/** What agents need of the simulation: to act, and to know what they hold and their presence. */
export interface Workplace {
  /** Runs a command now. */
  send(command: Command): void;
  heldBy(agentId: AgentId): number;
  presenceOf(agentId: AgentId): Presence;
}

interface AgentState {
  id: AgentId;
  isOnShift: boolean;
  isOnBreak: boolean;
  /** The shift is over and the agent finishes its contacts before it logs out. */
  isLoggingOut: boolean;
}

/** Every agent of a scenario and where each stands in its shifts and breaks. */
export class Workforce {
  private readonly agents: AgentState[];
  private readonly indexes: Map<string, number>;

  constructor(private readonly plans: readonly AgentPlan[]) {
    this.agents = plans.map((plan) => ({
      id: asAgentId(plan.id),
      isOnShift: false,
      isOnBreak: false,
      isLoggingOut: false,
    }));
    this.indexes = new Map(plans.map((plan, index) => [plan.id, index]));
  }

  /** Schedules every shift and break, in scenario ms; at one ms, a shift starts before its break. */
  schedule(at: (scenarioMs: number, task: AgentTask) => void): void {
    for (const [agent, plan] of this.plans.entries()) {
      for (const shift of plan.spec.shifts) {
        at(shift.startMs, { kind: 'shiftStart', agent });
        at(shift.endMs, { kind: 'shiftEnd', agent });
      }
      for (const pause of plan.spec.breaks ?? []) {
        at(pause.startMs, { kind: 'breakStart', agent, reason: pause.reason ?? 'break' });
        at(pause.endMs, { kind: 'breakEnd', agent });
      }
    }
  }

  /** The index of an agent. */
  indexOf(agentId: AgentId): number {
    const index = this.indexes.get(agentId);
    assert(index !== undefined, `unknown agent ${agentId}`);
    return index;
  }

  /** Whether the agent's shift is over and it only finishes what it holds. */
  isLoggingOut(agent: number): boolean {
    return this.agents[agent]?.isLoggingOut === true;
  }

  /** Does what an agent task says, at atMs (engine ms). */
  perform(task: AgentTask, atMs: number, place: Workplace): void {
    const agent = this.agents[task.agent];
    assert(agent !== undefined, `no agent ${task.agent}`);
    const agentId = agent.id;
    const isWorking = (): boolean =>
      agent.isOnShift && !agent.isLoggingOut && place.presenceOf(agentId) !== 'offline';
    switch (task.kind) {
      case 'shiftStart':
        agent.isOnShift = true;
        if (agent.isLoggingOut) {
          // Still finishing the last shift's contact when the next one starts: it stays.
          agent.isLoggingOut = false;
          if (!agent.isOnBreak)
            place.send({ type: 'setPresence', atMs, agentId, presence: 'ready' });
        } else {
          place.send({ type: 'logIn', atMs, agentId });
        }
        return;
      case 'shiftEnd':
        agent.isOnShift = false;
        if (place.heldBy(agentId) === 0) {
          place.send({ type: 'logOut', atMs, agentId });
          return;
        }
        agent.isLoggingOut = true;
        place.send({
          type: 'setPresence',
          atMs,
          agentId,
          presence: 'notReady',
          reason: 'shiftEnd',
        });
        return;
      case 'logOutWhenFree':
        if (agent.isLoggingOut && place.heldBy(agentId) === 0) {
          agent.isLoggingOut = false;
          place.send({ type: 'logOut', atMs, agentId });
        }
        return;
      case 'breakStart':
        agent.isOnBreak = true;
        if (isWorking()) {
          place.send({
            type: 'setPresence',
            atMs,
            agentId,
            presence: 'notReady',
            reason: task.reason,
          });
        }
        return;
      case 'breakEnd':
        agent.isOnBreak = false;
        if (isWorking()) place.send({ type: 'setPresence', atMs, agentId, presence: 'ready' });
        return;
      case 'recover':
        // Only an agent still not ready for missed offers: a break or a shift's end is its own.
        if (isWorking() && !agent.isOnBreak && place.presenceOf(agentId) === 'notReady')
          place.send({ type: 'setPresence', atMs, agentId, presence: 'ready' });
        return;
    }
  }
}
