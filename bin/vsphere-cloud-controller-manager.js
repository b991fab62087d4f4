#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Runs the TypeScript sources directly on the pinned Node.js (native type stripping, docs/adr/0001),
// with the daemon's memory settings applied before anything is loaded (docs/adr/0006).
import { enableCompileCache } from 'node:module';
import { setFlagsFromString } from 'node:v8';

// A long-running daemon trades a little GC time for a small, stable heap: keep the young
// generation at its initial size and let the old generation grow only as far as the live data
// needs. Without these, V8 sizes the heap for throughput and the RSS of a 1,000-Node burst
// triples. They are heuristics read at every GC, so setting them this early takes effect.
setFlagsFromString('--optimize-for-size');
setFlagsFromString('--semi-space-growth-factor=1');
// V8's mid-tier compiler (Maglev) compiles much of a burst's hot code once more on background
// threads, in zone memory the allocator keeps (~12 MB of the peak). Without it, TurboFan takes
// over sooner than its default (3,000 calls) so hot paths are not left in baseline code.
setFlagsFromString('--no-maglev');
setFlagsFromString('--invocation-count-for-turbofan=1000');
// Compiled (and type-stripped) modules are cached on disk (NODE_COMPILE_CACHE, else the system
// temp directory): a restart then never loads the TypeScript stripper, 20 MB less RSS. A
// read-only file system only disables the cache.
enableCompileCache();

// The daemon uses client-node's KubeConfig and Watch but not its generated API layer; keep that
// layer from being loaded at all (src/kube/client-node-trim.ts).
const { trimClientNodeImports } = await import('../src/kube/client-node-trim.ts');
trimClientNodeImports();

const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
