#!/usr/bin/env node
// Validates JSON files against a JSON Schema (draft-07) with Ajv: node validate_json.js SCHEMA FILE...
// Exit 0 when every file is valid, 1 when one is not (errors printed with their JSON pointer).
"use strict";
const fs = require("fs");
const Ajv = require("ajv");
const addFormats = require("ajv-formats");
const [schemaPath, ...files] = process.argv.slice(2);
if (!schemaPath || files.length === 0) {
  console.error("usage: validate_json.js SCHEMA FILE...");
  process.exit(2);
}
const ajv = new Ajv({ allErrors: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
let bad = 0;
for (const f of files) {
  if (validate(JSON.parse(fs.readFileSync(f, "utf8")))) {
    console.log("valid   " + f);
  } else {
    bad++;
    console.log("INVALID " + f);
    for (const e of validate.errors) console.log("  " + (e.instancePath || "/") + " " + e.message + " " + JSON.stringify(e.params));
  }
}
process.exit(bad ? 1 : 0);
