import { readFileSync } from 'node:fs';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { parseJsonFile } from '../json-file.ts';

/*
 * The robot that answers a web-chat customer before an agent is assigned
 * (docs/compat.md, "Huawei web chat"). A robot is an interface: the web chat
 * asks it for a greeting and for an answer to each text, and it answers,
 * says it does not know, or hands the customer over to the queue ("talk to
 * a person", 转人工). The one shipped is a first-answer bot over an FAQ file;
 * another (an NLU service, an LLM behind a policy) plugs in the same way.
 * A robot decides nothing of routing: a handover is a join like any other.
 */

/** Where the customer is: what a robot may answer differently by. */
export interface RobotContext {
  tenantId: string;
  /** The queue the customer will join on a handover (the web chat's channelId). */
  queueId: string;
  /** The customer's locale as applyToken gave it, e.g. zh or en. */
  locale: string | null;
}

/** What a robot says to one text. */
export type RobotReply =
  /** An answer the robot found. */
  | { kind: 'answer'; text: string }
  /** Nothing fits; the text says how to reach a person. */
  | { kind: 'unknown'; text: string }
  /** The customer asked for a person: the web chat joins the queue after saying the text. */
  | { kind: 'handover'; text: string };

/** A robot of the web chat. */
export interface ChatRobot {
  /** The name shown with its messages (senderNickname). */
  readonly name: string;
  /** What it says when a customer connects; null to say nothing. */
  greeting(context: RobotContext): string | null;
  /** Its reply to a customer's text. */
  reply(text: string, context: RobotContext): RobotReply;
}

/** Largest FAQ file read, in bytes. */
export const faqFileBytesMax = 1_048_576;
/** Most entries an FAQ file holds. */
export const faqEntriesMax = 1_000;
/** Most keywords of one entry, and most handover phrases. */
export const faqKeywordsMax = 50;
/** Longest answer or robot sentence, in characters. */
export const faqTextLengthMax = 2_000;

const sentence = Type.String({ minLength: 1, maxLength: faqTextLengthMax });
const keyword = Type.String({ minLength: 1, maxLength: 200 });

/** Schema of an FAQ file (JSON); docs/compat.md shows one. */
export const FaqFileSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    greeting: Type.Optional(sentence),
    fallback: Type.Optional(sentence),
    handoverPhrases: Type.Optional(Type.Array(keyword, { maxItems: faqKeywordsMax })),
    handoverMessage: Type.Optional(sentence),
    entries: Type.Array(
      Type.Object(
        {
          question: Type.String({ minLength: 1, maxLength: 500 }),
          keywords: Type.Optional(Type.Array(keyword, { maxItems: faqKeywordsMax })),
          answer: sentence,
        },
        { additionalProperties: false },
      ),
      { maxItems: faqEntriesMax },
    ),
  },
  { additionalProperties: false },
);
/** An FAQ file, parsed. */
export type FaqFile = Static<typeof FaqFileSchema>;

const checkFaq = Compile(FaqFileSchema);

/** What the FAQ robot says where its file says nothing. */
export const faqDefaults = {
  name: 'Assistant',
  fallback: 'I have no answer to that. Say 转人工 or "talk to a person" to reach an agent.',
  handoverPhrases: ['转人工', '人工客服', 'talk to a person', 'agent', 'human'],
  handoverMessage: 'Connecting you to a person.',
} as const;

/** Lower case with runs of white space as one space: how texts and keywords are compared. */
function normalized(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * A first-answer robot over an FAQ: the handover phrases first, then the
 * entry whose question is the text, else the entry with the most keywords
 * found in the text (ties go to the earlier entry), else the fallback.
 * O(entries × keywords) per text, at most 50,000 substring checks.
 */
export class FaqRobot implements ChatRobot {
  readonly name: string;
  readonly #faq: FaqFile;
  readonly #handover: string[];

  constructor(faq: FaqFile) {
    this.#faq = faq;
    this.name = faq.name ?? faqDefaults.name;
    this.#handover = (faq.handoverPhrases ?? faqDefaults.handoverPhrases).map(normalized);
  }

  greeting(): string | null {
    return this.#faq.greeting ?? null;
  }

  reply(text: string): RobotReply {
    const asked = normalized(text);
    if (this.#handover.some((phrase) => asked.includes(phrase))) {
      return { kind: 'handover', text: this.#faq.handoverMessage ?? faqDefaults.handoverMessage };
    }
    let best: { answer: string; hits: number } | null = null;
    for (const entry of this.#faq.entries) {
      if (normalized(entry.question) === asked) return { kind: 'answer', text: entry.answer };
      const hits = (entry.keywords ?? []).filter((word) => asked.includes(normalized(word))).length;
      if (hits > 0 && (best === null || hits > best.hits)) best = { answer: entry.answer, hits };
    }
    if (best !== null) return { kind: 'answer', text: best.answer };
    return { kind: 'unknown', text: this.#faq.fallback ?? faqDefaults.fallback };
  }
}

/** The FAQ a file's text gives, or what is wrong with it, naming the field. */
export function parseFaq(
  text: string,
): { ok: true; faq: FaqFile } | { ok: false; message: string } {
  const parsed = parseJsonFile(checkFaq, text);
  return parsed.ok ? { ok: true, faq: parsed.value } : parsed;
}

/** Reads an FAQ file into a robot, or says what is wrong with the file. */
export function loadFaqRobot(
  path: string,
): { ok: true; robot: FaqRobot } | { ok: false; message: string } {
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > faqFileBytesMax) {
      return { ok: false, message: `it is larger than ${faqFileBytesMax} bytes` };
    }
    text = bytes.toString('utf8');
  } catch (error: unknown) {
    return { ok: false, message: `it cannot be read (${(error as Error).message})` };
  }
  const parsed = parseFaq(text);
  return parsed.ok ? { ok: true, robot: new FaqRobot(parsed.faq) } : parsed;
}
