/*
 * One-way imports (DESIGN.md §3 and §5, STYLE.md "Shape"): a package imports
 * another only along an allowed arrow, only through its index
 * (`@lineup/<name>`, whose `src/index.ts` is the only public entry), and never
 * reaches into another package's folder by a relative path.
 *
 * Everything here is a pure function of source text, so that
 * test/layers.test.ts can show with synthetic files that the checker fails
 * when it should. It uses no parser on purpose: the import forms are few, and
 * once comments and the insides of string, template and regex literals are
 * blanked out, a regular expression finds them without false hits, without
 * depending on the TypeScript compiler API, and fast enough to read every
 * file on every test run.
 */
import { posix } from 'node:path';

/**
 * The packages each package may import, besides itself (DESIGN.md §3). Every
 * folder under packages/ needs an entry; an arrow added here is a design
 * change, so DESIGN.md §3 changes with it.
 */
export const allowedImports: Readonly<Record<string, readonly string[]>> = {
  protocol: [],
  engine: ['protocol'],
  journal: ['protocol'],
  server: ['journal', 'engine', 'protocol'],
  sdk: ['protocol'],
  web: ['sdk', 'protocol'],
  compat: ['sdk', 'protocol'],
  sim: ['engine', 'protocol'],
  cli: ['server', 'sim', 'engine', 'journal', 'protocol'],
};

/** The scope of the workspace packages: `@lineup/<folder>` is packages/<folder>. */
export const scope = '@lineup/';

/** One module specifier found in a file, with its 1-based line. */
export interface FoundImport {
  specifier: string;
  line: number;
}

/** Which rule an import breaks. */
export type ViolationKind = 'arrow' | 'deep' | 'escape';

/** An import that breaks a layering rule, located and explained. */
export interface Violation extends FoundImport {
  kind: ViolationKind;
  /** Repository-relative path with forward slashes, e.g. packages/engine/src/x.ts. */
  file: string;
  /** What is wrong and what to do instead. */
  reason: string;
}

/** Source text with comments and literal contents replaced by spaces, same offsets and lines. */
interface Blanked {
  code: string;
  /** Value of each string or substitution-free template literal, by its opening quote's offset. */
  literals: Map<number, string>;
}

/** Punctuation after which a `/` starts a regex literal rather than a division. */
const beforeRegexPunctuation = new Set('(,=:[!&|?{};+-*%<>~^}');
/** Keywords after which a `/` starts a regex literal. */
const beforeRegexWords = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);
const wordCharacter = /[\w$]/;

/**
 * Blanks comments and the contents of string, template and regex literals,
 * keeping quotes, newlines and offsets. A literal never runs past its line
 * except a template, so one odd construct (an apostrophe in JSX text, a `/`
 * taken for a regex) blanks at most the rest of its line.
 */
function blank(source: string): Blanked {
  const out = source.split('');
  const literals = new Map<number, string>();
  const erase = (from: number, to: number): void => {
    for (let i = from; i < to; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' ';
  };
  const lineEnd = (from: number): number => {
    const end = source.indexOf('\n', from);
    return end < 0 ? source.length : end;
  };
  /** Brace depth at which each open template substitution `${` ends, innermost last. */
  const substitutionDepths: number[] = [];
  let braceDepth = 0;
  let previous = '';
  let previousWord = '';
  let i = source.startsWith('#!') ? lineEnd(0) : 0;
  erase(0, i);

  /** Scans template text from `from`; returns where code resumes and whether it hit `${`. */
  const scanTemplate = (from: number): { end: number; isSubstitution: boolean } => {
    let j = from;
    while (j < source.length) {
      const c = source[j];
      if (c === '\\') j += 2;
      else if (c === '`') return { end: j + 1, isSubstitution: false };
      else if (c === '$' && source[j + 1] === '{') return { end: j + 2, isSubstitution: true };
      else j += 1;
    }
    return { end: source.length, isSubstitution: false };
  };
  const continueTemplate = (start: number, from: number, isWhole: boolean): number => {
    const { end, isSubstitution } = scanTemplate(from);
    if (isSubstitution) {
      erase(from, end - 2);
      substitutionDepths.push(braceDepth);
      // A substitution starts an expression, where a `/` begins a regex.
      previous = '{';
    } else {
      erase(from, end - 1);
      if (isWhole) literals.set(start, source.slice(from, end - 1));
      previous = ')';
    }
    return end;
  };

  while (i < source.length) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = lineEnd(i);
      erase(i, end);
      i = end;
    } else if (c === '/' && next === '*') {
      const close = source.indexOf('*/', i + 2);
      const end = close < 0 ? source.length : close + 2;
      erase(i, end);
      i = end;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== '\n') {
        j += source[j] === '\\' ? 2 : 1;
      }
      if (source[j] === c) literals.set(i, source.slice(i + 1, j));
      erase(i + 1, j);
      previous = ')';
      i = j + 1;
    } else if (c === '`') {
      i = continueTemplate(i, i + 1, true);
    } else if (c === '}' && substitutionDepths.at(-1) === braceDepth) {
      substitutionDepths.pop();
      i = continueTemplate(i, i + 1, false);
    } else if (
      c === '/' &&
      (previous === '' ||
        beforeRegexPunctuation.has(previous) ||
        (previous === 'word' && beforeRegexWords.has(previousWord)))
    ) {
      let j = i + 1;
      let isInClass = false;
      while (j < source.length && source[j] !== '\n' && (source[j] !== '/' || isInClass)) {
        if (source[j] === '[') isInClass = true;
        else if (source[j] === ']') isInClass = false;
        j += source[j] === '\\' ? 2 : 1;
      }
      erase(i + 1, j);
      previous = ')';
      i = j + 1;
    } else if (wordCharacter.test(c)) {
      let j = i + 1;
      while (j < source.length && wordCharacter.test(source[j] as string)) j += 1;
      previous = 'word';
      previousWord = source.slice(i, j);
      i = j;
    } else {
      if (c === '{') braceDepth += 1;
      else if (c === '}') braceDepth -= 1;
      if (!/\s/.test(c)) previous = c;
      i += 1;
    }
  }
  return { code: out.join(''), literals };
}

/*
 * The import forms, matched on blanked code, each ending at the opening quote
 * of its specifier. An identifier character or a dot before the keyword means
 * it is a property or part of a longer name (`import.meta`, `x.require`).
 */
const importPatterns: readonly RegExp[] = [
  // import x from '…', import type { A } from '…', export * from '…', export { a } from '…'
  /(?<![\w$.])(?:import|export)\s[\w$\s{},*]*?\bfrom\s*(['"])/g,
  // import '…' (for its side effects)
  /(?<![\w$.])import\s*(['"])/g,
  // import('…') (also in types: import('…').T), require('…'), import x = require('…')
  /(?<![\w$.])(?:import|require)\s*\(\s*(['"`])/g,
  // declare module '…' { … }: augmenting a module depends on it as much as importing it
  /(?<![\w$.])declare\s+module\s*(['"])/g,
];

/** Offsets where each line starts, for turning an offset into a line number. */
function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The 1-based line holding `offset`, by binary search over `starts`. */
function lineOf(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if ((starts[middle] as number) <= offset) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}

/**
 * Every literal module specifier a TypeScript or TSX file imports or
 * re-exports, in source order. Specifiers built at run time (`import(name)`,
 * a template with `${}`) cannot be checked and are not reported.
 */
export function findImports(source: string): FoundImport[] {
  const { code, literals } = blank(source);
  const starts = lineStarts(source);
  const found = new Map<number, string>();
  for (const pattern of importPatterns) {
    for (const match of code.matchAll(pattern)) {
      const quoteOffset = match.index + match[0].length - 1;
      const specifier = literals.get(quoteOffset);
      if (specifier !== undefined) found.set(quoteOffset, specifier);
    }
  }
  return [...found]
    .sort(([a], [b]) => a - b)
    .map(([offset, specifier]) => ({ specifier, line: lineOf(starts, offset) }));
}

/** The package folder a repository-relative file belongs to: packages/<folder>/…. */
export function packageOf(file: string): string {
  const match = /^packages\/([^/]+)\//.exec(file);
  if (match?.[1] === undefined) throw new Error(`${file} is not inside packages/<name>/`);
  return match[1];
}

/** Why `specifier`, imported by `file` of package `own`, breaks a rule; null if it is fine. */
function judge(
  own: string,
  file: string,
  specifier: string,
  allowed: Readonly<Record<string, readonly string[]>>,
): { kind: ViolationKind; reason: string } | null {
  if (specifier.startsWith(scope)) {
    const [target = '', ...rest] = specifier.slice(scope.length).split('/');
    if (rest.length > 0) {
      return {
        kind: 'deep',
        reason: `deep import; import '${scope}${target}' instead, whose src/index.ts is the only public entry (DESIGN.md §5)`,
      };
    }
    const mayImport = allowed[own] ?? [];
    if (target === own || mayImport.includes(target)) return null;
    const list = mayImport.length === 0 ? 'no other package' : mayImport.join(', ');
    return {
      kind: 'arrow',
      reason: `${own} may not import ${target}; it may import only ${list} (DESIGN.md §3: outer layers import inner ones, never the reverse)`,
    };
  }
  if (specifier.startsWith('/') || specifier.startsWith('file:')) {
    return {
      kind: 'escape',
      reason: `absolute path; import files of packages/${own}/ by a relative path and other packages as '${scope}<name>'`,
    };
  }
  if (specifier.startsWith('.')) {
    const target = posix.normalize(posix.join(posix.dirname(file), specifier));
    if (target.startsWith(`packages/${own}/`)) return null;
    return {
      kind: 'escape',
      reason: `relative import leaves packages/${own}/ (it resolves to ${target}); import another package as '${scope}<name>' through its index`,
    };
  }
  return null;
}

/**
 * The layering violations of one file. `file` is the repository-relative path
 * with forward slashes; it names the package whose rules apply.
 */
export function checkSource(
  file: string,
  source: string,
  allowed: Readonly<Record<string, readonly string[]>> = allowedImports,
): Violation[] {
  const own = packageOf(file);
  const violations: Violation[] = [];
  for (const { specifier, line } of findImports(source)) {
    const verdict = judge(own, file, specifier, allowed);
    if (verdict !== null) violations.push({ file, line, specifier, ...verdict });
  }
  return violations;
}

/** A violation as one line a developer can jump to: `file:line imports 'x': why`. */
export function formatViolation(violation: Violation): string {
  return `${violation.file}:${violation.line} imports '${violation.specifier}': ${violation.reason}`;
}

/** Package folders with no entry in the map, each with what to do about it. */
export function foldersMissingFromMap(
  folders: readonly string[],
  allowed: Readonly<Record<string, readonly string[]>> = allowedImports,
): string[] {
  return folders
    .filter((folder) => !Object.hasOwn(allowed, folder))
    .map(
      (folder) =>
        `packages/${folder} has no entry in allowedImports (test/layers.ts): add '${folder}: [...]' listing the packages it may import, as DESIGN.md §3 draws them`,
    );
}

/**
 * Problems of the map itself: an arrow to a package the map does not know, or
 * a cycle (a package allowed to import, through other packages, itself).
 */
export function mapProblems(
  allowed: Readonly<Record<string, readonly string[]>> = allowedImports,
): string[] {
  const problems: string[] = [];
  for (const [from, targets] of Object.entries(allowed)) {
    for (const target of targets) {
      if (!Object.hasOwn(allowed, target)) problems.push(`${from} → ${target}: unknown package`);
    }
  }
  // Depth-first search; `path` holds the packages on the current walk, so
  // meeting one of them again closes a cycle.
  const done = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    if (path.includes(name)) {
      problems.push(`cycle: ${[...path.slice(path.indexOf(name)), name].join(' → ')}`);
      return;
    }
    if (done.has(name)) return;
    for (const target of allowed[name] ?? []) visit(target, [...path, name]);
    done.add(name);
  };
  for (const name of Object.keys(allowed)) visit(name, []);
  return problems;
}
