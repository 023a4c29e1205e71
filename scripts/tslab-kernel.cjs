#!/usr/bin/env node
// The project's Jupyter kernel: tslab, with its file watchers switched off and its sockets
// answering only once bound.
//
// tslab type-checks every cell with a TypeScript watch program that watches each file it read
// (dist/*.d.ts, node_modules/**/*.d.ts) and the folders where a module was looked for. When one
// of them changes while a cell runs (`npm run build` in another terminal, an `npm install`),
// two change notices can meet in tslab's single rebuild timer, and the kernel dies with
// "Unexpected pending rebuildTimer". Cells never need those notices: the library is loaded
// once per kernel (restart it to load a rebuilt dist/), so watching is switched off here,
// before tslab builds its compiler host. tslab's own in-memory files keep their watchers.
const ts = require('@tslab/typescript-for-tslab');

const unwatched = { close() {} };
ts.sys.watchFile = () => unwatched;
ts.sys.watchDirectory = () => unwatched;

// tslab loads zeromq itself; the same module instance is guarded here (scripts/zmq-bind-guard.cjs).
const { dirname } = require('node:path');
const { guardBinds } = require('./zmq-bind-guard.cjs');
guardBinds(require(require.resolve('zeromq', { paths: [dirname(require.resolve('tslab/dist/jupyter.js'))] })));

require('tslab/dist/main.js').main();
