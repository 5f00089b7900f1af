import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

/*
 * The `lineup` command as one JavaScript file. The repository has no build
 * step: the TypeScript sources could always run through tsx, but then every
 * module, the dependencies' hundreds included, passes through Node's loader
 * hooks, and `lineup serve` spent about 1.1 s loading code before it began
 * to recover (DESIGN.md §4: a restart serves again in < 2 s). Bundled by
 * esbuild (types stripped, the workspace's packages and most dependencies
 * inlined), the same code loads in about a third of that: Node no longer
 * resolves, reads and compiles hundreds of small files one by one.
 *
 * Left to Node (`external`), loaded from node_modules as usual:
 * - packages with a native part or files of their own read from their own
 *   folder at run time (better-sqlite3's addon; the API docs page's assets;
 *   @fastify/swagger reads its package.json);
 * - vega, which only `lineup simulate --html` loads, on its first chart.
 *
 * The source map is a file beside the bundle, without the sources' text
 * (stack traces name the TypeScript files and lines): Node reads it at start
 * when source maps are on, and with the dependencies' sources inlined it
 * would triple the start-up.
 *
 * The bundle is made the first time the command runs after a source changed
 * (about 0.5 s), written beside this folder, and reused while no file under
 * packages/<name>/src, no package.json and no file of this folder is newer. When it cannot be made
 * (esbuild missing, a read-only install), the sources run through tsx as
 * before; LINEUP_BUNDLE=0 asks for that too.
 */

const binDir = dirname(fileURLToPath(import.meta.url));
const packagesDir = join(binDir, '..', '..');
const bundlePath = join(binDir, '..', 'dist', 'lineup.mjs');
/** Files looked at for a change, at most: the staleness check stays a few milliseconds. */
const sourceFilesMax = 5_000;
/** Packages Node loads from node_modules rather than the bundle (see above), and their subpaths. */
const externalPackages = [
  'better-sqlite3',
  '@fastify/swagger',
  '@fastify/swagger-ui',
  'vega',
  'vega-lite',
];
const isExternal = (path) =>
  externalPackages.some((name) => path === name || path.startsWith(`${name}/`));

/** The newest modification time of the workspace's sources, package.json files and this bin. */
function newestSourceMs() {
  // This folder's files too: a change to how the bundle is made makes it again.
  let newestMs = Math.max(
    ...readdirSync(binDir).map((name) => statSync(join(binDir, name)).mtimeMs),
  );
  let files = 0;
  const visit = (path) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) visit(child);
      else if (++files > sourceFilesMax) throw new Error('too many source files to check');
      else newestMs = Math.max(newestMs, statSync(child).mtimeMs);
    }
  };
  for (const name of readdirSync(packagesDir)) {
    const packageDir = join(packagesDir, name);
    const manifest = join(packageDir, 'package.json');
    newestMs = Math.max(newestMs, statSync(manifest, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    const sources = join(packageDir, 'src');
    if (statSync(sources, { throwIfNoEntry: false })?.isDirectory() === true) visit(sources);
  }
  return newestMs;
}

/**
 * Writes the bundle and its map: each to a file of this process first, then renamed, so no
 * reader sees half. Built in memory for its final path, so that the map's link and its
 * sources' relative paths are right where the files end up.
 */
async function build() {
  const { build: esbuild } = await import('esbuild');
  mkdirSync(dirname(bundlePath), { recursive: true });
  const { outputFiles } = await esbuild({
    entryPoints: [join(binDir, '..', 'src', 'main.ts')],
    outfile: bundlePath,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'error',
    // The CommonJS dependencies inlined call require() for Node's own modules: an ES module has
    // no require, so the bundle makes one.
    banner: {
      js: "import { createRequire as lineupCreateRequire } from 'node:module'; const require = lineupCreateRequire(import.meta.url);",
    },
    plugins: [
      {
        name: 'external-dependencies',
        setup(builder) {
          builder.onResolve({ filter: /^[^./]/ }, (args) =>
            isExternal(args.path) ? { path: args.path, external: true } : undefined,
          );
        },
      },
    ],
  });
  // The map first: a new bundle is used as soon as it is there, and its map is there by then.
  const byPath = new Map(outputFiles.map((file) => [file.path, file.contents]));
  for (const path of [`${bundlePath}.map`, bundlePath]) {
    const contents = byPath.get(path);
    if (contents === undefined) throw new Error(`esbuild made no ${path}`);
    const partPath = `${path}.${process.pid}.part`;
    writeFileSync(partPath, contents);
    renameSync(partPath, path);
  }
}

/** The bundle's URL, made first when missing or older than the sources; null to use tsx. */
export async function bundled() {
  if (process.env.LINEUP_BUNDLE === '0') return null;
  try {
    const builtMs = statSync(bundlePath, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (builtMs === 0 || builtMs < newestSourceMs()) await build();
    return pathToFileURL(bundlePath).href;
  } catch {
    return null;
  }
}
