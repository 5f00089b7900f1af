#!/usr/bin/env node
// `npm exec lineup` / `npx lineup`: the repository has no build step, so the TypeScript entry runs through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
