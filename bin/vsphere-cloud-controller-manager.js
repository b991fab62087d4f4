#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Runs the TypeScript sources directly on the pinned Node.js (native type stripping, docs/adr/0001).
import { main } from '../src/main.ts';

process.exitCode = await main(process.argv.slice(2));
