// Node 20 finds only .js/.mjs test files in a folder; this lets `node --import tsx --test test/` run video.test.ts.
import "./video.test.ts";
