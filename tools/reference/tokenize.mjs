// Reference token ids for the tokenizer parity tests, from the JavaScript port of Hugging Face tokenizers
// (@lenml/tokenizers, a fork of transformers.js) installed by fetch.sh.
//
// usage: node tokenize.mjs TOKENIZER_DIR CASES_FILE [--add-special-tokens] [--decode]
//   TOKENIZER_DIR holds tokenizer.json and tokenizer_config.json.
//   CASES_FILE is UTF-8: a JSON array of strings when it ends in .json (so cases may hold newlines),
//   otherwise one case per line (the line without its terminator).
// Prints one compact JSON line per case: {"ids":[...]} and, with --decode, also "decoded" (skip_special_tokens false).
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith("--")));
const [dir, casesFile] = args.filter((a) => !a.startsWith("--"));
if (!dir || !casesFile) {
  console.error("usage: node tokenize.mjs TOKENIZER_DIR CASES_FILE [--add-special-tokens] [--decode]");
  process.exit(2);
}

const here = dirname(fileURLToPath(import.meta.url));
const modules = process.env.BIOEVAL_REFERENCE_MODULES ?? resolve(here, "../../.cache/reference/node_modules");
const { TokenizerLoader } = await import(
  pathToFileURL(join(modules, "@lenml/tokenizers/dist/main.mjs")).href
);

const readJson = (name) => JSON.parse(readFileSync(join(dir, name), "utf8"));
const tokenizer = TokenizerLoader.fromPreTrained({
  tokenizerJSON: readJson("tokenizer.json"),
  tokenizerConfig: readJson("tokenizer_config.json"),
});

const raw = readFileSync(casesFile, "utf8");
let cases;
if (casesFile.endsWith(".json")) {
  cases = JSON.parse(raw);
} else {
  cases = raw.split(/\r?\n/);
  if (cases.length > 0 && cases[cases.length - 1] === "" && raw.endsWith("\n")) cases.pop();
}

const addSpecialTokens = flags.has("--add-special-tokens");
const out = [];
for (const text of cases) {
  const ids = tokenizer.encode(text, { add_special_tokens: addSpecialTokens });
  const line = { ids };
  if (flags.has("--decode")) {
    // decode() refuses an empty list; the empty text is its decoding.
    line.decoded = ids.length === 0 ? "" : tokenizer.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  }
  out.push(JSON.stringify(line));
}
process.stdout.write(out.join("\n") + (out.length ? "\n" : ""));
