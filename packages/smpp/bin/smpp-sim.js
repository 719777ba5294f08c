#!/usr/bin/env node
// The smpp-sim command: the built simulator CLI (run `pnpm build` first inside the repository,
// or `pnpm smpp-sim` at its root, which runs the TypeScript source).
import '../dist/simulator/cli.js';
