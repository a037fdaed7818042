#!/usr/bin/env node
// Validates SARIF files against the committed SARIF 2.1.0 JSON schema with Ajv (draft-07)
// and ajv-formats, so `format: uri` / `uri-reference` are checked too (Ajv ignores formats it
// does not know). Usage: node validate_sarif.js FILE... ; exit 0 when every file is valid,
// 1 when one is not (each error is printed with its JSON pointer), 2 on a usage error.
"use strict";
const fs = require("fs");
const path = require("path");

let Ajv, addFormats;
try {
  Ajv = require("ajv");
  addFormats = require("ajv-formats");
} catch (e) {
  console.error("validate_sarif: ajv is not installed; run: npm ci --prefix " + __dirname + " (or tools/deps.sh --test)");
  process.exit(2);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: validate_sarif.js FILE...");
  process.exit(2);
}

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "sarif-schema-2.1.0.json"), "utf8"));
// strict: false because the OASIS schema uses annotations Ajv's strict mode rejects (e.g. a
// "default" of the wrong type inside stackFrame.parameters.items); validation is unchanged.
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

let bad = 0;
for (const f of files) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(f, "utf8"));
  } catch (e) {
    console.log(`INVALID ${f}: not JSON: ${e.message}`);
    bad++;
    continue;
  }
  if (validate(doc)) {
    console.log(`valid   ${f}`);
  } else {
    bad++;
    console.log(`INVALID ${f}`);
    for (const err of validate.errors) console.log(`  ${err.instancePath || "/"} ${err.message} ${JSON.stringify(err.params)}`);
  }
}
process.exit(bad ? 1 : 0);
