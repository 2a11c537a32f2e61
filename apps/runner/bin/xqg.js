#!/usr/bin/env node
// Committed so the bin exists before the first build (pnpm links it at install); the CLI itself is built to dist/.
import "../dist/bin.js";
