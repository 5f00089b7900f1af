import { Type, type Static } from 'typebox';
import { timedMessage } from './schema-kit.ts';
import { AgentIdSchema, ContactIdSchema, OfferIdSchema, QueueIdSchema } from './ids.ts';
import {
  AgentChangesSchema,
  AgentInputSchema,
  AgentModeSchema,
  AttributesSchema,
  ChannelSchema,
  ContactPrioritySchema,
  CustomerSchema,
  JoinedTypeSchema,
  QueueChangesSchema,
  QueueInputSchema,
} from './settings.ts';
import { CallbackOutcome } from './domain.ts';
import { durationMsMax, nameLengthMax, priorityAbsMax } from './limits.ts';

/*
 * Commands: what a client asks the engine to do. Each is a TypeBox schema (the
 * one source of validation, TS type and OpenAPI) discriminated on `type`, and
 * carries its time as epoch ms (`atMs`): the engine has no clock.
 */

/** Largest epoch ms a command may carry (year 9999), so time arithmetic stays exact. */
export const epochMsMax = 253_402_300_799_999;

const atMs = Type.Integer({
  minimum: 0,
  maximum: epochMsMax,
  description: 'When the command happened, epoch ms',
});
const command = <T extends string, P extends Parameters<typeof timedMessage>[2]>(
  type: T,
  properties: P,
  description: string,
) => timedMessage(type, atMs, properties, description);

/** Schema of createQueue. */
export const CreateQueueSchema = command(
  'createQueue',
  { queue: QueueInputSchema },
  'Creates a queue.',
);
/** Schema of updateQueue. */
export const UpdateQueueSchema = command(
  'updateQueue',
  { queueId: QueueIdSchema, changes: QueueChangesSchema },
  "Changes some of a queue's settings; waiting contacts keep their places.",
);
/** Schema of deleteQueue. */
export const DeleteQueueSchema = command(
  'deleteQueue',
  { queueId: QueueIdSchema },
  'Deletes an empty queue; its agents stop serving it.',
);

/** Schema of createAgent. */
export const CreateAgentSchema = command(
  'createAgent',
  { agent: AgentInputSchema },
  'Creates an agent, logged out.',
);
/** Schema of updateAgent. */
export const UpdateAgentSchema = command(
  'updateAgent',
  { agentId: AgentIdSchema, changes: AgentChangesSchema },
  "Changes an agent's name or capacity.",
);
/** Schema of removeAgent. */
export const RemoveAgentSchema = command(
  'removeAgent',
  { agentId: AgentIdSchema },
  'Removes a logged-out agent.',
);
/** Schema of logIn. */
export const LogInSchema = command(
  'logIn',
  {
    agentId: AgentIdSchema,
    notReadyReason: Type.Optional(Type.String({ minLength: 1, maxLength: nameLengthMax })),
  },
  'Logs an agent in: ready, or not ready with the reason given.',
);
/** Schema of logOut. */
export const LogOutSchema = command(
  'logOut',
  {
    agentId: AgentIdSchema,
    isForced: Type.Optional(
      Type.Boolean({
        description: 'Put the contacts it holds back in their queues, keeping their places',
      }),
    ),
  },
  'Logs an agent out; a pending offer is withdrawn.',
);
/** Schema of setPresence. */
export const SetPresenceSchema = command(
  'setPresence',
  {
    agentId: AgentIdSchema,
    presence: Type.Enum(['ready', 'notReady']),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: nameLengthMax })),
  },
  'Sets a logged-in agent ready, or not ready with a reason; ready also ends wrap-up early.',
);
/** Schema of setMode. */
export const SetModeSchema = command(
  'setMode',
  { agentId: AgentIdSchema, mode: AgentModeSchema },
  'auto: the engine offers contacts; manual: do not disturb, the agent asks for the next one (R7).',
);
/** Schema of startServing. */
export const StartServingSchema = command(
  'startServing',
  {
    agentId: AgentIdSchema,
    queueId: QueueIdSchema,
    priority: Type.Integer({ minimum: -priorityAbsMax, maximum: priorityAbsMax }),
  },
  'Makes an agent serve a queue with a priority in it (R4), or changes that priority.',
);
/** Schema of stopServing. */
export const StopServingSchema = command(
  'stopServing',
  { agentId: AgentIdSchema, queueId: QueueIdSchema },
  'Makes an agent stop serving a queue.',
);

/** Schema of a new contact. */
export const ContactInputSchema = Type.Object(
  {
    id: ContactIdSchema,
    queueId: QueueIdSchema,
    channel: ChannelSchema,
    customer: CustomerSchema,
    priority: Type.Optional(ContactPrioritySchema),
    preferredAgentId: Type.Optional(AgentIdSchema),
    attributes: Type.Optional(AttributesSchema),
    joinedType: Type.Optional(JoinedTypeSchema),
  },
  { additionalProperties: false },
);
/** A new contact. */
export type ContactInput = Static<typeof ContactInputSchema>;

/** Schema of enqueueContact. */
export const EnqueueContactSchema = command(
  'enqueueContact',
  { contact: ContactInputSchema },
  'A customer joins a queue (or is turned away by its offline, closed or full policy).',
);
/** Schema of abandonContact. */
export const AbandonContactSchema = command(
  'abandonContact',
  { contactId: ContactIdSchema },
  'The waiting customer leaves; an offer for it is withdrawn.',
);
/** Schema of convertToCallback. */
export const ConvertToCallbackSchema = command(
  'convertToCallback',
  {
    contactId: ContactIdSchema,
    number: Type.String({ minLength: 1, maxLength: 32, pattern: '^[+0-9*#() .-]*$' }),
  },
  'The waiting customer asks to be called back and hangs up, keeping its place (R10).',
);
/** Schema of requestCallback. */
export const RequestCallbackSchema = command(
  'requestCallback',
  {
    contact: Type.Object(
      {
        id: ContactIdSchema,
        queueId: QueueIdSchema,
        customer: CustomerSchema,
        priority: Type.Optional(ContactPrioritySchema),
        attributes: Type.Optional(AttributesSchema),
        notBeforeMs: Type.Optional(atMs),
      },
      { additionalProperties: false },
    ),
  },
  'A callback with no live customer (a web form, an e-mail), optionally not before a time (R10).',
);
/** Schema of a transfer target. */
export const TransferTargetSchema = Type.Union([
  Type.Object(
    { queueId: QueueIdSchema, keepsPlace: Type.Boolean() },
    {
      additionalProperties: false,
      description: 'Another queue, keeping the original place or joining at the back',
    },
  ),
  Type.Object(
    {
      agentId: AgentIdSchema,
      waitMsMax: Type.Optional(Type.Integer({ minimum: 1_000, maximum: durationMsMax })),
    },
    {
      additionalProperties: false,
      description: 'One agent; after waitMsMax any agent of the queue may take it',
    },
  ),
]);
/** Where a transferred contact goes. */
export type TransferTarget = Static<typeof TransferTargetSchema>;
/** Schema of transferContact. */
export const TransferContactSchema = command(
  'transferContact',
  {
    contactId: ContactIdSchema,
    agentId: Type.Optional(AgentIdSchema),
    target: TransferTargetSchema,
  },
  'Moves a waiting contact, or one the given agent holds, to another queue or to one agent.',
);
/** Schema of completeContact. */
export const CompleteContactSchema = command(
  'completeContact',
  { contactId: ContactIdSchema, agentId: AgentIdSchema },
  'The agent has finished with the contact; wrap-up follows (R8).',
);
/** Schema of closeCallback. */
export const CloseCallbackSchema = command(
  'closeCallback',
  {
    contactId: ContactIdSchema,
    agentId: AgentIdSchema,
    outcome: Type.Enum(Object.values(CallbackOutcome)),
  },
  "How the agent's call to the customer went; no answer is retried by the queue's policy (R10).",
);
/** Schema of acceptOffer. */
export const AcceptOfferSchema = command(
  'acceptOffer',
  { offerId: OfferIdSchema, agentId: AgentIdSchema },
  'The agent takes the offered contact.',
);
/** Schema of rejectOffer. */
export const RejectOfferSchema = command(
  'rejectOffer',
  { offerId: OfferIdSchema, agentId: AgentIdSchema },
  'The agent declines the offered contact; it keeps its place (R6).',
);
/** Schema of requestNext. */
export const RequestNextSchema = command(
  'requestNext',
  { agentId: AgentIdSchema },
  'A manual-mode agent takes the best waiting contact at once (R7).',
);
/** Schema of tick. */
export const TickSchema = command('tick', {}, 'Time passes: every timer due by atMs fires.');

/** Schema of every command. */
export const CommandSchema = Type.Union([
  CreateQueueSchema,
  UpdateQueueSchema,
  DeleteQueueSchema,
  CreateAgentSchema,
  UpdateAgentSchema,
  RemoveAgentSchema,
  LogInSchema,
  LogOutSchema,
  SetPresenceSchema,
  SetModeSchema,
  StartServingSchema,
  StopServingSchema,
  EnqueueContactSchema,
  AbandonContactSchema,
  ConvertToCallbackSchema,
  RequestCallbackSchema,
  TransferContactSchema,
  CompleteContactSchema,
  CloseCallbackSchema,
  AcceptOfferSchema,
  RejectOfferSchema,
  RequestNextSchema,
  TickSchema,
]);
/** A command to the engine. */
export type Command = Static<typeof CommandSchema>;
/** The name of a command. */
export type CommandType = Command['type'];
/** The command of one type. */
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;
