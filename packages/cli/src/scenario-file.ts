import {
  AgentIdSchema,
  CapacitySchema,
  ChannelSchema,
  MembershipSchema,
  QueueInputSchema,
} from '@lineup/protocol';
import { scenarioProblems, type Scenario, type ScenarioProblem } from '@lineup/sim';
import { Type, type Static, type TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';

/*
 * A scenario file: JSON, checked in two steps (STYLE.md: `unknown` plus a
 * schema at every boundary). The schema below checks the shape — every field
 * of the right type, no unknown field (a misspelt `patiance` would otherwise
 * be ignored without a word) — and then the simulator's own
 * `scenarioProblems` checks the meaning (sorted shifts, shares in [0, 1],
 * queue settings the engine accepts). Both give problems with a JSON-pointer
 * path, so a user learns where each one is.
 *
 * The schema mirrors the Scenario type of @lineup/sim; the compile-time checks
 * at the end of the schema fail when the two drift apart. It belongs in the
 * simulator, next to the type, and moves there when the simulator takes it.
 */

/** A scenario file larger than this is refused before it is read: 2,000,000 traced contacts fit. */
export const scenarioFileBytesMax = 256 * 1024 * 1024;
/** Problems listed at most: the first ones are enough to fix the file, and a bad trace could yield millions. */
export const scenarioProblemsMax = 20;

const closed = { additionalProperties: false } as const;

const DistributionSchema = Type.Union([
  Type.Object({ kind: Type.Literal('fixed'), ms: Type.Number() }, closed),
  Type.Object({ kind: Type.Literal('exponential'), meanMs: Type.Number() }, closed),
  Type.Object(
    { kind: Type.Literal('logNormal'), meanMs: Type.Number(), sdMs: Type.Number() },
    closed,
  ),
  Type.Object(
    { kind: Type.Literal('logNormalMedian'), medianMs: Type.Number(), sigma: Type.Number() },
    closed,
  ),
  Type.Object({ kind: Type.Literal('empirical'), samplesMs: Type.Array(Type.Number()) }, closed),
]);

const TraceContactSchema = Type.Object(
  {
    atMs: Type.Number(),
    serviceMs: Type.Optional(Type.Number()),
    patienceMs: Type.Optional(Type.Number()),
    isVip: Type.Optional(Type.Boolean()),
    priority: Type.Optional(Type.Number()),
  },
  closed,
);

const ArrivalsSchema = Type.Union([
  Type.Object({ kind: Type.Literal('poisson'), perInterval: Type.Array(Type.Number()) }, closed),
  Type.Object({ kind: Type.Literal('trace'), contacts: Type.Array(TraceContactSchema) }, closed),
]);

const CallbackSchema = Type.Object(
  { share: Type.Number(), afterWait: DistributionSchema, reachedShare: Type.Number() },
  closed,
);

const QueueSchema = Type.Object(
  {
    // The engine's own schema of a new queue: its messages name the setting that is wrong.
    settings: QueueInputSchema,
    channel: Type.Optional(ChannelSchema),
    arrivals: ArrivalsSchema,
    serviceTime: DistributionSchema,
    patience: Type.Union([DistributionSchema, Type.Null()]),
    vipShare: Type.Optional(Type.Number()),
    callback: Type.Optional(CallbackSchema),
  },
  closed,
);

const SpanSchema = Type.Object({ startMs: Type.Number(), endMs: Type.Number() }, closed);
const BreakSchema = Type.Object(
  { startMs: Type.Number(), endMs: Type.Number(), reason: Type.Optional(Type.String()) },
  closed,
);

const AgentSchema = Type.Object(
  {
    id: AgentIdSchema,
    count: Type.Optional(Type.Number()),
    memberships: Type.Array(MembershipSchema),
    capacity: Type.Optional(Type.Partial(CapacitySchema)),
    shifts: Type.Array(SpanSchema),
    breaks: Type.Optional(Type.Array(BreakSchema)),
  },
  closed,
);

/** The shape of a scenario file. */
const ScenarioSchema = Type.Object(
  {
    seed: Type.Number(),
    originEpochMs: Type.Optional(Type.Number()),
    dayStartMs: Type.Number(),
    dayEndMs: Type.Number(),
    intervalMs: Type.Optional(Type.Number()),
    horizonMs: Type.Optional(Type.Number()),
    queues: Type.Array(QueueSchema),
    agents: Type.Array(AgentSchema),
    ringDelay: Type.Optional(DistributionSchema),
  },
  closed,
);

// --- The schema and the simulator's types agree -----------------------------------------------

type Parsed = Static<typeof ScenarioSchema>;
type ParsedQueue = Parsed['queues'][number];
type ParsedAgent = Parsed['agents'][number];
type ParsedArrivals = ParsedQueue['arrivals'];
type ParsedTrace = Extract<ParsedArrivals, { kind: 'trace' }>['contacts'][number];
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never]
  ? true
  : false;
/** Whatever the schema accepts is a Scenario: fails to compile if the schema is looser. */
const asScenario = (parsed: Parsed): Scenario => parsed;
/** And it knows every field a Scenario has: fails to compile when the simulator adds one. */
export const schemaKnowsEveryField: [
  SameKeys<Parsed, Scenario>,
  SameKeys<ParsedQueue, Scenario['queues'][number]>,
  SameKeys<ParsedAgent, Scenario['agents'][number]>,
  SameKeys<
    NonNullable<ParsedQueue['callback']>,
    NonNullable<Scenario['queues'][number]['callback']>
  >,
  SameKeys<
    ParsedTrace,
    Extract<Scenario['queues'][number]['arrivals'], { kind: 'trace' }>['contacts'][number]
  >,
] = [true, true, true, true, true];

// --- Problems of shape, each with its path ----------------------------------------------------

/**
 * The whole schema, compiled when the first file is read (the fast path for a
 * file without problems); not at load, as `lineup serve` loads this module too.
 */
const compileScenarioSchema = () => Compile(ScenarioSchema);
let scenarioValidator: ReturnType<typeof compileScenarioSchema> | undefined;

/** Compiled checkers per schema node, built when a file first fails there. */
const validators = new WeakMap<TSchema, Validator>();
function validatorOf(schema: TSchema): Validator {
  let validator = validators.get(schema);
  if (validator === undefined) {
    validator = Compile(schema);
    validators.set(schema, validator);
  }
  return validator;
}

/** JSON-schema keywords the walker reads; TypeBox schemas are plain JSON Schema objects. */
interface SchemaNode {
  type?: string;
  anyOf?: SchemaNode[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean;
  items?: SchemaNode;
  const?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const kindOf = (variant: SchemaNode): unknown => variant.properties?.['kind']?.const;

/**
 * Walks a value along its schema and reports each problem at the deepest
 * path that explains it. Plain JSON-schema errors are poor at unions: a
 * distribution with one wrong field fails all five variants, and every one
 * is reported. Here a union of objects with a `kind` picks its variant by
 * kind first, so the message speaks of the variant that was meant.
 */
function walk(schema: TSchema, value: unknown, path: string, problems: ScenarioProblem[]): void {
  if (problems.length >= scenarioProblemsMax) return;
  const node = schema as SchemaNode;
  const before = problems.length;
  if (node.anyOf !== undefined) {
    walkUnion(node.anyOf, value, path, problems);
    return;
  }
  if (node.type === 'object' && node.properties !== undefined) {
    if (!isRecord(value)) {
      problems.push({ path, message: 'must be an object' });
      return;
    }
    const properties = node.properties;
    for (const key of node.required ?? []) {
      if (!(key in value)) problems.push({ path: `${path}/${key}`, message: 'is required' });
    }
    for (const [key, child] of Object.entries(value)) {
      const childSchema = properties[key];
      if (childSchema !== undefined) walk(childSchema, child, `${path}/${key}`, problems);
      else if (node.additionalProperties === false) {
        const known = Object.keys(properties).join(', ');
        problems.push({
          path: `${path}/${key}`,
          message: `is not a known field (known: ${known})`,
        });
      }
    }
  } else if (node.type === 'array' && node.items !== undefined) {
    if (!Array.isArray(value)) {
      problems.push({ path, message: 'must be an array' });
      return;
    }
    for (const [index, item] of value.entries()) {
      if (problems.length >= scenarioProblemsMax) return;
      walk(node.items, item, `${path}/${index}`, problems);
    }
  }
  // Leaves, and constraints on a whole object or array (uniqueItems, maxItems): the compiled check.
  if (problems.length > before) return;
  const validator = validatorOf(schema);
  if (validator.Check(value)) return;
  const [first] = validator.Errors(value);
  problems.push({
    path: `${path}${first?.instancePath ?? ''}`,
    message: `${first?.message ?? 'is not valid'}${allowedOf(first?.params)}`,
  });
}

/** The allowed values an enum error carries, as ` (a, b, c)`: "one of the allowed values" alone leaves the user guessing. */
function allowedOf(params: unknown): string {
  if (!isRecord(params)) return '';
  const allowed = params['allowedValues'];
  return Array.isArray(allowed)
    ? ` (${allowed.map((value) => JSON.stringify(value)).join(', ')})`
    : '';
}

function walkUnion(
  variants: readonly SchemaNode[],
  value: unknown,
  path: string,
  problems: ScenarioProblem[],
): void {
  const isNullable = variants.some((variant) => variant.type === 'null');
  if (value === null && isNullable) return;
  const others = variants.filter((variant) => variant.type !== 'null');
  const kinds = others.map(kindOf).filter((kind): kind is string => typeof kind === 'string');
  if (kinds.length === others.length && kinds.length > 0) {
    const meant = isRecord(value)
      ? others.find((variant) => kindOf(variant) === value['kind'])
      : undefined;
    if (meant !== undefined) {
      walk(meant, value, path, problems);
      return;
    }
    const orNull = isNullable ? 'null or ' : '';
    problems.push(
      isRecord(value)
        ? { path: `${path}/kind`, message: `must be one of ${kinds.join(', ')}` }
        : { path, message: `must be ${orNull}an object with a kind (${kinds.join(', ')})` },
    );
    return;
  }
  const only = others[0];
  if (others.length === 1 && only !== undefined) {
    walk(only, value, path, problems);
    return;
  }
  problems.push({ path, message: 'does not match any of the allowed forms' });
}

/** A scenario read from a file, or everything wrong with it. */
export type ScenarioFileResult =
  { ok: true; scenario: Scenario } | { ok: false; problems: ScenarioProblem[] };

/** Parses and checks a scenario file's text (pure): JSON, then shape, then meaning. */
export function parseScenarioText(text: string): ScenarioFileResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [{ path: '/', message: `is not valid JSON: ${reason}` }] };
  }
  if (!(scenarioValidator ??= compileScenarioSchema()).Check(value)) {
    const problems: ScenarioProblem[] = [];
    walk(ScenarioSchema, value, '', problems);
    // The walker and the compiled schema agree; should they not, the schema's verdict stands.
    if (problems.length === 0) problems.push({ path: '/', message: 'is not a scenario' });
    return { ok: false, problems };
  }
  const scenario = asScenario(value);
  const problems = scenarioProblems(scenario);
  if (problems.length > 0) return { ok: false, problems: problems.slice(0, scenarioProblemsMax) };
  return { ok: true, scenario };
}

/** Problems as lines for a terminal: the path, then what to do. */
export function formatProblems(problems: readonly ScenarioProblem[]): string {
  return problems.map((problem) => `  ${problem.path || '/'} ${problem.message}`).join('\n');
}
