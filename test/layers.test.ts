/*
 * One-way imports across packages (DESIGN.md §3, §5). The first block checks
 * the checker on synthetic files, so a green run of the second block means
 * something; the second block reads every package in the repository.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  allowedImports,
  checkSource,
  findImports,
  foldersMissingFromMap,
  formatViolation,
  mapProblems,
  scope,
  type Violation,
  type ViolationKind,
} from './layers.ts';

/** Messages of the violations in one synthetic file. */
const check = (file: string, source: string): string[] =>
  checkSource(file, source).map(formatViolation);

describe('the layering checker', () => {
  it('[layers] engine may import protocol through its index', () => {
    expect(
      check('packages/engine/src/x.ts', "import { Channel } from '@lineup/protocol';\n"),
    ).toEqual([]);
  });

  it('[layers] engine may not import server', () => {
    const source =
      "import type { A } from '@lineup/protocol';\nimport { b } from '@lineup/server';\n";
    expect(check('packages/engine/src/x.ts', source)).toEqual([
      "packages/engine/src/x.ts:2 imports '@lineup/server': engine may not import server; it may import only protocol (DESIGN.md §3: outer layers import inner ones, never the reverse)",
    ]);
  });

  it('[layers] protocol may import no other package', () => {
    const [violation] = checkSource(
      'packages/protocol/test/x.test.ts',
      "const engine = await import('@lineup/engine');\n",
    );
    expect(violation).toMatchObject({ kind: 'arrow', line: 1, specifier: '@lineup/engine' });
    expect(violation?.reason).toContain('it may import only no other package');
  });

  it('[layers] a package may import itself through its index', () => {
    expect(
      check('packages/engine/test/x.test.ts', "import { a } from '@lineup/engine';\n"),
    ).toEqual([]);
  });

  it('[layers] no package may deep-import another package', () => {
    const source = "export { idLengthMax } from '@lineup/protocol/src/ids.ts';\n";
    expect(check('packages/engine/src/x.ts', source)).toEqual([
      "packages/engine/src/x.ts:1 imports '@lineup/protocol/src/ids.ts': deep import; import '@lineup/protocol' instead, whose src/index.ts is the only public entry (DESIGN.md §5)",
    ]);
  });

  it('[layers] a relative import may not leave its package', () => {
    const source = [
      "import { a } from './a.ts';",
      "import { b } from '../src/b.ts';",
      "import { OrderedSet } from '../../engine/src/ordered-set.ts';",
    ].join('\n');
    expect(check('packages/server/test/x.test.ts', source)).toEqual([
      "packages/server/test/x.test.ts:3 imports '../../engine/src/ordered-set.ts': relative import leaves packages/server/ (it resolves to packages/engine/src/ordered-set.ts); import another package as '@lineup/<name>' through its index",
    ]);
  });

  it('[layers] a relative import may not reach a sibling folder with a common prefix', () => {
    // packages/engine-x/ starts with "packages/engine" but is another package.
    const [violation] = checkSource(
      'packages/engine/src/x.ts',
      "import '../../engine-x/src/y.ts';",
    );
    expect(violation?.kind).toBe('escape');
  });

  it('[layers] an absolute path is refused', () => {
    const [violation] = checkSource('packages/engine/src/x.ts', "import '/work/packages/a.ts';");
    expect(violation?.kind).toBe('escape');
  });

  it('[layers] every import form is found, with its line', () => {
    const source = [
      "import fc from 'fast-check';", // 1
      'import type {', // 2
      '  A,',
      '  B,',
      "} from './types.ts';", // 5
      "import * as ns from 'ns';", // 6
      "import def, { x as y, type Z } from 'mixed';", // 7
      "import 'side-effect';", // 8
      "export * from './all.ts';", // 9
      "export { a } from './a.ts';", // 10
      "export type { T } from './t.ts';", // 11
      "export * as all from './as.ts';", // 12
      "const lazy = await import('lazy');", // 13
      'const template = await import(`template`);', // 14
      "const required = require('required');", // 15
      "import legacy = require('legacy');", // 16
      "type T = import('type-only').T;", // 17
      "const n = 1; export { n }; import('after-code-on-same-line');", // 18
      "declare module 'augmented' {", // 19
      '  interface Extra {}',
      '}',
    ].join('\n');
    expect(findImports(source)).toEqual([
      { specifier: 'fast-check', line: 1 },
      { specifier: './types.ts', line: 5 },
      { specifier: 'ns', line: 6 },
      { specifier: 'mixed', line: 7 },
      { specifier: 'side-effect', line: 8 },
      { specifier: './all.ts', line: 9 },
      { specifier: './a.ts', line: 10 },
      { specifier: './t.ts', line: 11 },
      { specifier: './as.ts', line: 12 },
      { specifier: 'lazy', line: 13 },
      { specifier: 'template', line: 14 },
      { specifier: 'required', line: 15 },
      { specifier: 'legacy', line: 16 },
      { specifier: 'type-only', line: 17 },
      { specifier: 'after-code-on-same-line', line: 18 },
      { specifier: 'augmented', line: 19 },
    ]);
  });

  it('[layers] imports inside comments and literals are not imports', () => {
    const source = [
      "// import { a } from '@lineup/server';",
      '/* multi-line comment:',
      " * export * from '@lineup/server';",
      ' */',
      'const single = "import \'@lineup/server\'";',
      'const double = \'require("@lineup/server")\';',
      "const template = `import('@lineup/server') ${single} import '@lineup/server'`;",
      "const regex = /import '@lineup\\/server'/;",
      'const url = "http://example.com"; // a // inside a string is no comment',
      "const meta = import.meta.url; const other = thing.require('@lineup/server');",
      "import { real } from '@lineup/sim';",
    ].join('\n');
    expect(findImports(source)).toEqual([{ specifier: '@lineup/sim', line: 11 }]);
  });

  it('[layers] a quote inside a regex literal does not hide the imports after it', () => {
    const source = [
      'const quote = /[\'"`]/g;',
      'const ratio = total / count / 2;',
      'const nested = `a ${`b ${"c"}`} d`;',
      "import { after } from '@lineup/server';",
    ].join('\n');
    expect(findImports(source)).toEqual([{ specifier: '@lineup/server', line: 4 }]);
  });

  it('[layers] an apostrophe in TSX text blanks at most its own line', () => {
    const source = [
      "const view = <p>Don't wait</p>;",
      "import { after } from '@lineup/server';",
    ].join('\n');
    expect(findImports(source)).toEqual([{ specifier: '@lineup/server', line: 2 }]);
  });

  it('[layers] a package folder missing from the map fails, saying how to fix it', () => {
    expect(foldersMissingFromMap(['engine', 'protocol'])).toEqual([]);
    expect(foldersMissingFromMap(['engine', 'billing'])).toEqual([
      "packages/billing has no entry in allowedImports (test/layers.ts): add 'billing: [...]' listing the packages it may import, as DESIGN.md §3 draws them",
    ]);
  });

  it('[layers] a cycle or an unknown package in the map is reported', () => {
    expect(mapProblems({ a: ['b'], b: ['c'], c: ['a'], d: ['e'] })).toEqual([
      'd → e: unknown package',
      'cycle: a → b → c → a',
    ]);
  });
});

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const packagesDirectory = join(repositoryRoot, 'packages');
/** Folders of a package that hold code, as DESIGN.md §5 lays them out. */
const codeFolders = ['src', 'test', 'bench', 'demo'];
const sourceFile = /\.(?:ts|tsx|mts|cts)$/;

/** Package folders, derived from the disk so that a new package is checked without edits here. */
const packageFolders = readdirSync(packagesDirectory, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** Repository-relative paths (forward slashes) of every TypeScript file in a package's code folders. */
function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(repositoryRoot, relative), { withFileTypes: true })) {
      const path = `${relative}/${entry.name}`;
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (entry.isFile() && sourceFile.test(entry.name)) files.push(path);
    }
  };
  for (const codeFolder of codeFolders) {
    const relative = `packages/${folder}/${codeFolder}`;
    if (existsSync(join(repositoryRoot, relative))) walk(relative);
  }
  return files.sort();
}

/** Violations of one package, read once and shared by its tests. */
const violationsByPackage = new Map<string, Violation[]>();
function violationsOf(folder: string, kind: ViolationKind): string[] {
  let violations = violationsByPackage.get(folder);
  if (violations === undefined) {
    violations = sourceFiles(folder).flatMap((file) =>
      checkSource(file, readFileSync(join(repositoryRoot, file), 'utf8')),
    );
    violationsByPackage.set(folder, violations);
  }
  return violations.filter((violation) => violation.kind === kind).map(formatViolation);
}

interface PackageJson {
  name?: unknown;
  exports?: unknown;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readPackageJson(folder: string): PackageJson {
  return JSON.parse(
    readFileSync(join(packagesDirectory, folder, 'package.json'), 'utf8'),
  ) as PackageJson;
}

describe('the repository', () => {
  it('[layers] every package folder is in the allowed-imports map', () => {
    expect(packageFolders.length).toBeGreaterThan(0);
    expect(foldersMissingFromMap(packageFolders)).toEqual([]);
  });

  it('[layers] the allowed arrows name known packages and form no cycle', () => {
    expect(mapProblems()).toEqual([]);
  });

  for (const folder of packageFolders.filter((name) => Object.hasOwn(allowedImports, name))) {
    const mayImport = allowedImports[folder] ?? [];
    const others = mayImport.length === 0 ? 'no other package' : `only ${mayImport.join(', ')}`;

    describe(folder, () => {
      it(`[layers] ${folder} is named ${scope}${folder} and exports only src/index.ts`, () => {
        const { name, exports } = readPackageJson(folder);
        expect(name).toBe(`${scope}${folder}`);
        // Also proves the scan below reads the package: a walk that found nothing would pass.
        expect(sourceFiles(folder)).toContain(`packages/${folder}/src/index.ts`);
        // Subpath exports would let `@lineup/<name>/…` resolve: the index must stay the only entry.
        if (typeof exports === 'object' && exports !== null) {
          expect(Object.keys(exports)).toEqual(['.']);
        }
      });

      it(`[layers] ${folder} declares dependencies on ${others}`, () => {
        const json = readPackageJson(folder);
        const declared = [
          json.dependencies,
          json.devDependencies,
          json.peerDependencies,
          json.optionalDependencies,
        ].flatMap((dependencies) => Object.keys(dependencies ?? {}));
        const refused = declared
          .filter((name) => name.startsWith(scope))
          .map((name) => name.slice(scope.length))
          .filter((target) => target !== folder && !mayImport.includes(target));
        expect(
          refused,
          `packages/${folder}/package.json depends on packages it may not import`,
        ).toEqual([]);
      });

      it(`[layers] ${folder} imports ${others}`, () => {
        expect(violationsOf(folder, 'arrow')).toEqual([]);
      });

      it(`[layers] ${folder} imports other packages only through their index`, () => {
        expect(violationsOf(folder, 'deep')).toEqual([]);
      });

      it(`[layers] ${folder}'s relative imports stay inside packages/${folder}`, () => {
        expect(violationsOf(folder, 'escape')).toEqual([]);
      });
    });
  }
});
