#!/usr/bin/env node
// `npm exec lineup` / `npx lineup`: the TypeScript entry, bundled into one JavaScript file when it
// can be (bundle.js), else run through tsx.
import process from 'node:process';
import { bundled } from './bundle.js';

const bundle = await bundled();
if (bundle === null) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
} else {
  // Stack traces point into the TypeScript sources.
  process.setSourceMapsEnabled(true);
  await import(bundle);
}
