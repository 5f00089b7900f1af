import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/*
 * Builds the three web apps into packages/web/dist, which `lineup serve`
 * serves at /agent/, /wallboard/ and /widget/ (docs/web.md). Two Vite builds:
 * the pages (agent desktop, wallboard, the widget's demo page) with hashed
 * assets under /assets/, and the widget's embeddable script at the stable
 * address /widget/widget.js (one file, its styles inside), since a host page
 * names it in a script tag that is never rebuilt.
 *
 * Run by `npm install` (the root's prepare script) and `npm run build:web`;
 * the browser tests run it too, so they always test the sources.
 */

const sources = fileURLToPath(new URL('../src/', import.meta.url));
/** Where the built apps go: the server is given this folder (packages/cli). */
export const distDirectory = fileURLToPath(new URL('../dist/', import.meta.url));

/** Builds every app; resolves once both builds are written. */
export async function buildWeb(): Promise<void> {
  await build({
    configFile: false,
    root: sources,
    base: '/',
    logLevel: 'warn',
    build: {
      outDir: distDirectory,
      emptyOutDir: true,
      rolldownOptions: {
        input: {
          agent: `${sources}agent/index.html`,
          wallboard: `${sources}wallboard/index.html`,
          widget: `${sources}widget/index.html`,
        },
      },
    },
  });
  await build({
    configFile: false,
    root: sources,
    logLevel: 'warn',
    // A library build leaves process.env alone; React reads NODE_ENV to drop its development checks.
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir: `${distDirectory}widget`,
      emptyOutDir: false,
      lib: {
        entry: `${sources}widget/embed.tsx`,
        formats: ['iife'],
        name: 'LineupWidget',
        fileName: () => 'widget.js',
      },
    },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildWeb();
