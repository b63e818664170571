// Node 20 finds only .js/.mjs test files in a folder; this lets `node --import tsx --test test/` run surfaces.test.ts.
import "./surfaces.test.ts";
