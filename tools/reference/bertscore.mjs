// BERTScore by an implementation that shares no code with BioEval's: Hugging Face's JavaScript tokenizer
// (@huggingface/transformers) and onnxruntime-node's CPU runtime, over the same ONNX encoder, for the parity test and
// `bioeval bench bertscore`. Installed by fetch.sh.
//
// The definition is bert_score's (lang="en-sci", idf=False, no baseline rescaling): texts stripped, encoded as
// [CLS] ... [SEP] and cut to --max-length tokens keeping [CLS] and [SEP] (Python tokenizers' truncation; transformers.js
// would cut the id list and lose [SEP], so the cut is made here); token vectors L2-normalised; P = mean over candidate
// tokens but [CLS]/[SEP] of the best cosine against any reference token ([CLS]/[SEP] included), R the same the other
// way, F = 2PR/(P+R); an empty side scores 0. As bert_score does, the distinct texts are sorted by length (longest
// first) and encoded in batches of --batch-size, padded and masked.
//
// usage: node bertscore.mjs MODEL_DIR PAIRS_FILE [--threads N] [--max-length 512] [--batch-size 64] [--output NAME]
//                                                [--chunk PAIRS] [--warm-up PAIRS] [--ids]
//   MODEL_DIR holds model.onnx and either tokenizer.json (+ tokenizer_config.json) or a WordPiece vocab.txt, which is
//   converted here the way Hugging Face converts BertTokenizer (lower-casing per tokenizer_config.json's do_lower_case,
//   default true) into a temporary folder that AutoTokenizer loads, local files only.
//   PAIRS_FILE is a JSON array of [candidate, reference] string pairs.
//   --output: the graph output to read (default last_hidden_state). --chunk: pairs encoded together (bounds memory).
//   --warm-up: how many of the first pairs are scored once first, untimed (default 1).
// Prints one JSON object: {"results":[{"p":..,"r":..,"f":..}], "seconds": S, "cpu_seconds": C, "texts": N}; with --ids
// each result also has "candidate_ids" and "reference_ids". "seconds" (wall clock) and "cpu_seconds" (the process's
// user + system time) cover tokenizing, encoding and scoring, after the warm-up.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const positional = [];
const options = { "--threads": "0", "--max-length": "512", "--batch-size": "64", "--output": "last_hidden_state", "--chunk": "2048", "--warm-up": "1" };
const flags = new Set();
for (let i = 0; i < args.length; i++) {
  if (args[i] in options) options[args[i]] = args[++i];
  else if (args[i] === "--ids") flags.add(args[i]);
  else if (args[i].startsWith("--")) fail(`unknown option ${args[i]}`);
  else positional.push(args[i]);
}
const [modelDir, pairsFile] = positional;
const threads = Number.parseInt(options["--threads"], 10);
const maxLength = Number.parseInt(options["--max-length"], 10);
const batchSize = Number.parseInt(options["--batch-size"], 10);
const chunk = Number.parseInt(options["--chunk"], 10);
const warmUp = Number.parseInt(options["--warm-up"], 10);
if (!modelDir || !pairsFile || !(threads >= 0) || !(maxLength >= 3) || !(batchSize >= 1) || !(chunk >= 1) || !(warmUp >= 0)) {
  fail("usage: node bertscore.mjs MODEL_DIR PAIRS_FILE [--threads N] [--max-length 512] [--batch-size 64] [--output NAME] [--chunk PAIRS] [--warm-up PAIRS] [--ids]");
}

const here = resolve(fileURLToPath(import.meta.url), "..");
const modules = process.env.BIOEVAL_REFERENCE_MODULES ?? resolve(here, "../../.cache/reference/node_modules");
const { env, AutoTokenizer } = await import(pathToFileURL(join(modules, "@huggingface/transformers/dist/transformers.node.mjs")).href);
const ort = (await import(pathToFileURL(join(modules, "onnxruntime-node/dist/index.js")).href)).default;

const pairs = JSON.parse(readFileSync(pairsFile, "utf8"));
if (!Array.isArray(pairs) || pairs.some((p) => !Array.isArray(p) || p.length !== 2 || p.some((t) => typeof t !== "string"))) {
  fail(`${pairsFile}: expected a JSON array of [candidate, reference] string pairs`);
}

// Local files only: nothing is fetched and nothing is copied into a cache.
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.useFSCache = false;
env.useBrowserCache = false;
const { folder: tokenizerDir, temporary } = tokenizerFolder(resolve(modelDir));
env.localModelPath = resolve(tokenizerDir, "..");
const tokenizer = await AutoTokenizer.from_pretrained(tokenizerDir, { local_files_only: true });
if (temporary) rmSync(tokenizerDir, { recursive: true, force: true });

const sessionOptions = { executionProviders: ["cpu"], graphOptimizationLevel: "all", executionMode: "sequential", interOpNumThreads: 1 };
if (threads > 0) sessionOptions.intraOpNumThreads = threads;
const session = await ort.InferenceSession.create(join(modelDir, "model.onnx"), sessionOptions);
const withTypes = session.inputNames.includes("token_type_ids");
const outputName = options["--output"];
if (!session.outputNames.includes(outputName)) fail(`model.onnx has no output ${outputName} (it has ${session.outputNames.join(", ")})`);

/** [CLS] + the stripped text's tokens, cut so that with [SEP] at most maxLength remain, + [SEP]. */
function encode(text) {
  const ids = tokenizer.encode(text.trim(), { add_special_tokens: true });
  return ids.length <= maxLength ? ids : [...ids.slice(0, maxLength - 1), ids[ids.length - 1]];
}

/** Unit token vectors (Float64Array each) of every row in ids, one forward pass. */
async function forward(rows) {
  const length = Math.max(...rows.map((r) => r.length));
  const ids = new BigInt64Array(rows.length * length);
  const mask = new BigInt64Array(rows.length * length);
  rows.forEach((row, r) => row.forEach((id, t) => {
    ids[r * length + t] = BigInt(id);
    mask[r * length + t] = 1n;
  }));
  const dims = [rows.length, length];
  const feeds = { input_ids: new ort.Tensor("int64", ids, dims), attention_mask: new ort.Tensor("int64", mask, dims) };
  if (withTypes) feeds.token_type_ids = new ort.Tensor("int64", new BigInt64Array(rows.length * length), dims);
  const output = (await session.run(feeds, [outputName]))[outputName];
  const hidden = output.dims[2];
  const data = output.data;
  return rows.map((row, r) => row.map((_, t) => {
    const offset = (r * length + t) * hidden;
    let sum = 0;
    for (let i = 0; i < hidden; i++) sum += data[offset + i] * data[offset + i];
    const norm = Math.sqrt(sum);
    const unit = new Float64Array(hidden);
    if (norm > 0) for (let i = 0; i < hidden; i++) unit[i] = data[offset + i] / norm;
    return unit;
  }));
}

function score(cand, ref) {
  if (cand.length <= 2 || ref.length <= 2) return { p: 0, r: 0, f: 0 };
  const rowMax = new Array(cand.length).fill(-Infinity);
  const colMax = new Array(ref.length).fill(-Infinity);
  for (let i = 0; i < cand.length; i++) {
    for (let j = 0; j < ref.length; j++) {
      const a = cand[i], b = ref[j];
      let s = 0;
      for (let k = 0; k < a.length; k++) s += a[k] * b[k];
      if (s > rowMax[i]) rowMax[i] = s;
      if (s > colMax[j]) colMax[j] = s;
    }
  }
  const mean = (m) => m.slice(1, -1).reduce((x, y) => x + y, 0) / (m.length - 2);
  const p = mean(rowMax), r = mean(colMax);
  return { p, r, f: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
}

async function scoreAll(list) {
  const results = [];
  let texts = 0;
  for (let start = 0; start < list.length; start += chunk) {
    const part = list.slice(start, start + chunk);
    const distinct = [...new Set(part.flat())];
    texts += distinct.length;
    const ids = new Map(distinct.map((t) => [t, encode(t)]));
    const order = [...distinct].sort((a, b) => ids.get(b).length - ids.get(a).length);
    const unit = new Map();
    for (let b = 0; b < order.length; b += batchSize) {
      const batch = order.slice(b, b + batchSize);
      const vectors = await forward(batch.map((t) => ids.get(t)));
      batch.forEach((t, i) => unit.set(t, vectors[i]));
    }
    for (const [cand, ref] of part) {
      const result = score(unit.get(cand), unit.get(ref));
      if (flags.has("--ids")) Object.assign(result, { candidate_ids: ids.get(cand), reference_ids: ids.get(ref) });
      results.push(result);
    }
  }
  return { results, texts };
}

await scoreAll(pairs.slice(0, warmUp));
const started = performance.now();
const cpuBefore = process.cpuUsage();
const { results, texts } = await scoreAll(pairs);
const cpu = process.cpuUsage(cpuBefore);
const seconds = (performance.now() - started) / 1000;
await session.release();
process.stdout.write(JSON.stringify({ results, seconds, cpu_seconds: (cpu.user + cpu.system) / 1e6, texts }) + "\n");

/** The folder AutoTokenizer loads: MODEL_DIR itself, or a temporary one holding the converted vocab.txt. */
function tokenizerFolder(dir) {
  if (existsSync(join(dir, "tokenizer.json"))) return { folder: dir, temporary: false };
  if (!existsSync(join(dir, "vocab.txt"))) fail(`${dir} has neither tokenizer.json nor vocab.txt`);
  const configPath = join(dir, "tokenizer_config.json");
  const config = existsSync(configPath) ? JSON.parse(readFileSync(configPath, "utf8")) : {};
  const lines = readFileSync(join(dir, "vocab.txt"), "utf8").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const vocab = Object.fromEntries(lines.map((token, id) => [token.replace(/\r$/, ""), id]));
  const special = (token) => ({ id: vocab[token], content: token, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const json = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map(special),
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: config.do_lower_case ?? true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
      pair: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } }, { SpecialToken: { id: "[SEP]", type_id: 1 } }],
      special_tokens: {
        "[CLS]": { id: "[CLS]", ids: [vocab["[CLS]"]], tokens: ["[CLS]"] },
        "[SEP]": { id: "[SEP]", ids: [vocab["[SEP]"]], tokens: ["[SEP]"] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
  };
  const folder = mkdtempSync(join(tmpdir(), "bioeval-bertscore-tokenizer-"));
  writeFileSync(join(folder, "tokenizer.json"), JSON.stringify(json));
  writeFileSync(join(folder, "tokenizer_config.json"), JSON.stringify({
    tokenizer_class: "BertTokenizer", do_lower_case: config.do_lower_case ?? true, unk_token: "[UNK]", sep_token: "[SEP]",
    pad_token: "[PAD]", cls_token: "[CLS]", mask_token: "[MASK]", model_max_length: maxLength,
  }));
  return { folder, temporary: true };
}

function fail(message) {
  console.error(`bertscore.mjs: ${message}`);
  process.exit(2);
}
