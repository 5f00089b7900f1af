import { Compile } from 'typebox/compile';
import {
  CommandSchema,
  rejection,
  type Command,
  type QueueSettings,
  type Rejection,
} from '@lineup/protocol';
import { hoursProblem } from './hours.ts';
import type { PredictorLookup } from './status.ts';
import type { State } from './state.ts';

/*
 * Validation of commands: the schema first (shape, types, limits), then the
 * rules across fields that a schema cannot say. Both only read.
 */

/** One checker per command type, so that errors speak of the command that was meant. */
const checkers = new Map(
  CommandSchema.anyOf.map((schema) => [schema.properties.type.const as string, Compile(schema)]),
);
/** Schema problems listed in a rejection, at most. */
const detailsMax = 5;

/** Returns a rejection naming what is wrong with the command's shape, or null. */
export function commandProblem(command: unknown): Rejection | null {
  const type =
    typeof command === 'object' && command !== null && 'type' in command
      ? String(command.type)
      : '';
  const checker = checkers.get(type);
  if (checker === undefined) {
    return rejection(
      'invalid_command',
      `Unknown command type ${JSON.stringify(type)}; see the API reference for the commands.`,
      {
        problems: [{ path: '/type', message: `must be one of ${[...checkers.keys()].join(', ')}` }],
      },
    );
  }
  // The schema of the command's own type: faster than the union, and its errors are to the point.
  if (checker.Check(command)) return null;
  const problems: { path: string; message: string }[] = [];
  for (const error of checker.Errors(command)) {
    problems.push({
      path: error.instancePath === '' ? '/' : error.instancePath,
      message: error.message,
    });
    if (problems.length >= detailsMax) break;
  }
  const first = problems[0];
  return rejection(
    'invalid_command',
    first === undefined
      ? `The ${type} command is not valid.`
      : `The ${type} command is not valid: ${first.path} ${first.message}.`,
    { problems },
  );
}

/** Narrows a command that passed commandProblem. */
export const asCommand = (command: unknown): Command => command as Command;

/** Returns a rejection for queue settings that contradict each other or the state, or null. */
export function queueSettingsProblem(
  state: State,
  settings: QueueSettings,
  predictors: PredictorLookup | null,
): Rejection | null {
  const problem = (field: string, message: string) =>
    rejection('invalid_queue_settings', message, { field });
  if (settings.overflowQueueId !== null) {
    if (settings.overflowQueueId === settings.id)
      return problem('overflowQueueId', 'A queue cannot overflow into itself.');
    if (!state.queues.has(settings.overflowQueueId)) {
      return problem(
        'overflowQueueId',
        `overflowQueueId names no queue (${settings.overflowQueueId}); create that queue first.`,
      );
    }
  }
  if (settings.hours !== null) {
    const hours = hoursProblem(settings.hours);
    if (hours !== null) return problem('hours', hours);
  }
  const steps = settings.expansion;
  if (steps.length > 0 && steps[0]?.afterMs !== 0) {
    return problem(
      'expansion',
      'The first expansion step must start at afterMs 0: it is the pool a new contact gets.',
    );
  }
  for (let index = 1; index < steps.length; index++) {
    const previous = steps[index - 1];
    const step = steps[index];
    if (previous === undefined || step === undefined) continue;
    if (step.afterMs <= previous.afterMs) {
      return problem(
        'expansion',
        `expansion[${index}].afterMs must be later than the step before it.`,
      );
    }
    if (step.minAgentPriority > previous.minAgentPriority) {
      return problem(
        'expansion',
        `expansion[${index}] must widen the pool: its minAgentPriority may not rise.`,
      );
    }
  }
  if (predictors !== null && !predictors.has(settings.ewtPredictor)) {
    return problem('ewtPredictor', `No EWT predictor is called ${settings.ewtPredictor}.`);
  }
  return null;
}
