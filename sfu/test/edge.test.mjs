// Node 20 finds only .js/.mjs test files in a folder; this lets `node --import tsx --test test/` run edge.test.ts.
import "./edge.test.ts";
