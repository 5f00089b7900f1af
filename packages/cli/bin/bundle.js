import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

/*
 * The `lineup` command as one JavaScript file. The repository has no build
 * step: the TypeScript sources could always run through tsx, but then every
 * module, the dependencies' hundreds included, passes through Node's loader
 * hooks, and `lineup serve` spent about 1.1 s loading code before it began
 * to recover (DESIGN.md §4: a restart serves again in < 2 s). Bundled by
 * esbuild (types stripped, the workspace's packages inlined, the
 * dependencies left to Node), the same code loads in about 0.4 s.
 *
 * The bundle is made the first time the command runs after a source changed
 * (about 0.2 s), written beside this folder, and reused while no file under
 * packages/<name>/src, no package.json and no file of this folder is newer. When it cannot be made
 * (esbuild missing, a read-only install), the sources run through tsx as
 * before; LINEUP_BUNDLE=0 asks for that too.
 */

const binDir = dirname(fileURLToPath(import.meta.url));
const packagesDir = join(binDir, '..', '..');
const bundlePath = join(binDir, '..', 'dist', 'lineup.mjs');
/** Files looked at for a change, at most: the staleness check stays a few milliseconds. */
const sourceFilesMax = 5_000;

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

/** Writes the bundle: to a file of this process first, then renamed, so no reader sees half. */
async function build() {
  const { build: esbuild } = await import('esbuild');
  const partPath = `${bundlePath}.${process.pid}.part`;
  mkdirSync(dirname(bundlePath), { recursive: true });
  await esbuild({
    entryPoints: [join(binDir, '..', 'src', 'main.ts')],
    outfile: partPath,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'error',
    plugins: [
      {
        name: 'external-dependencies',
        setup(builder) {
          // The workspace's own packages are TypeScript: inline them. Every other package is
          // JavaScript, some with native parts or files of their own: Node loads them.
          builder.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@lineup/') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  renameSync(partPath, bundlePath);
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
