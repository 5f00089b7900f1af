import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { rejection } from '@lineup/protocol';
import { sendRejection } from '../errors.ts';

/*
 * The web apps (packages/web, built by Vite) as static files: the agent
 * desktop at /agent/, the wallboard at /wallboard/, the customer widget's
 * script and demo page at /widget/, their hashed assets at /assets/. The
 * server never imports the web package (DESIGN.md §3): `lineup serve` gives
 * it the built folder's path.
 */

/** The apps' folders under the built folder, each served at its own path. */
export const webApps = ['agent', 'wallboard', 'widget'] as const;

/**
 * Pages may load scripts, styles and images only from this server and talk
 * only to it ('self' covers its WebSocket too, CSP level 3); no page may
 * frame them. The widget's demo
 * page has an inline style, hence 'unsafe-inline' for styles only. A call's
 * recording plays from an object URL, hence blob: media.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** How long a browser may keep the widget's script, whose address never changes: 5 minutes. */
const widgetScriptMaxAgeSeconds = 300;

/** Registers the web apps' routes, or routes that say how to build them when the folder is missing. */
export function webRoutes(app: FastifyInstance, webDirectory: string): void {
  const hashedAssets = join(webDirectory, 'assets');
  if (!existsSync(join(webDirectory, 'agent', 'index.html'))) {
    for (const name of [...webApps, 'assets']) {
      app.get(`/${name}/*`, { schema: { hide: true } }, (_request, reply) =>
        sendRejection(
          reply,
          rejection(
            'not_found',
            `The web apps are not built in ${webDirectory}: run \`npm run build:web\` (npm install does it) and restart.`,
          ),
        ),
      );
    }
    return;
  }
  void app.register(fastifyStatic, {
    root: hashedAssets,
    prefix: '/assets/',
    decorateReply: false,
    immutable: true,
    maxAge: '365d',
    schemaHide: true,
  });
  for (const name of webApps) {
    void app.register(fastifyStatic, {
      root: join(webDirectory, name),
      prefix: `/${name}/`,
      decorateReply: false,
      redirect: true,
      index: ['index.html'],
      schemaHide: true,
      cacheControl: false,
      setHeaders: (response, path) => {
        response.setHeader('content-security-policy', contentSecurityPolicy);
        response.setHeader('referrer-policy', 'no-referrer');
        response.setHeader('x-content-type-options', 'nosniff');
        response.setHeader(
          'cache-control',
          path.endsWith('.html') ? 'no-cache' : `public, max-age=${widgetScriptMaxAgeSeconds}`,
        );
      },
    });
  }
}
