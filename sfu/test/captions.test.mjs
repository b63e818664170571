import "./captions.test.ts";
