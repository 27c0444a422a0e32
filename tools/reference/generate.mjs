// Greedy generation by transformers.js (Hugging Face's JavaScript library, on onnxruntime-node's CPU runtime) for
// the cross-check tests: it loads a model folder the way an Optimum export is loaded, so BioEval's engine can be
// compared token by token with an implementation it shares no code with. Installed by fetch.sh.
//
// usage: node generate.mjs MODEL_DIR PROMPTS_FILE --max-new-tokens N [--top-k K] [--eos ID,ID...]
//   MODEL_DIR holds config.json, generation_config.json and model.onnx (fp32, Optimum input/output names), as
//   `optimum-cli export onnx` writes it; weights in model.onnx_data beside it (exports over 2 GB) are read too.
//   PROMPTS_FILE is a JSON array of prompts, each an array of token ids; each prompt is run as a batch of one.
//   --eos replaces the end-of-sequence ids of generation_config.json (so a test can make a row stop early).
// Prints one JSON object: {"results":[{"ids":[...],"finish":"stop"|"length","first":{"ids":[...],"values":[...]}}]}
//   ids: the generated ids, without the end-of-sequence token that stopped the row (as BioEval reports them);
//   finish: "stop" when an end-of-sequence id ended the row, else "length";
//   first: the K largest logits of the first generated position (ids in descending order of value).
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const positional = [];
const options = { "--max-new-tokens": null, "--top-k": "10", "--eos": null };
for (let i = 0; i < args.length; i++) {
  if (args[i] in options) options[args[i]] = args[++i];
  else if (args[i].startsWith("--")) fail(`unknown option ${args[i]}`);
  else positional.push(args[i]);
}
const [modelDir, promptsFile] = positional;
const maxNewTokens = Number.parseInt(options["--max-new-tokens"] ?? "", 10);
const topK = Number.parseInt(options["--top-k"], 10);
const eosOverride = options["--eos"] === null ? null : options["--eos"].split(",").map(Number);
if (!modelDir || !promptsFile || !(maxNewTokens > 0) || !(topK > 0) || (eosOverride && !eosOverride.every(Number.isInteger))) {
  fail("usage: node generate.mjs MODEL_DIR PROMPTS_FILE --max-new-tokens N [--top-k K] [--eos ID,ID...]");
}

const here = resolve(fileURLToPath(import.meta.url), "..");
const modules = process.env.BIOEVAL_REFERENCE_MODULES ?? resolve(here, "../../.cache/reference/node_modules");
const tjs = await import(pathToFileURL(join(modules, "@huggingface/transformers/dist/transformers.node.mjs")).href);
const { env, AutoModelForCausalLM, LogitsProcessor, LogitsProcessorList, Tensor } = tjs;

// Local files only: nothing is fetched and nothing is copied into a cache.
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.useFSCache = false;
env.useBrowserCache = false;
env.localModelPath = resolve(modelDir, "..");

const prompts = JSON.parse(readFileSync(promptsFile, "utf8"));
if (!Array.isArray(prompts) || prompts.some((p) => !Array.isArray(p) || p.length === 0 || p.some((t) => !Number.isInteger(t)))) {
  fail(`${promptsFile}: expected a JSON array of non-empty arrays of integer token ids`);
}

// subfolder "" reads model.onnx from the folder itself (BioEval's layout) instead of onnx/model.onnx;
// dtype fp32 picks model.onnx rather than a quantized variant.
const externalData = existsSync(join(modelDir, "model.onnx_data"));
const model = await AutoModelForCausalLM.from_pretrained(resolve(modelDir), {
  local_files_only: true,
  subfolder: "",
  model_file_name: "model",
  dtype: "fp32",
  device: "cpu",
  use_external_data_format: externalData,
});

const eos = eosOverride ?? [model.generation_config?.eos_token_id ?? model.config.eos_token_id ?? []].flat();

/** Records the raw logits of the first generated position; changes nothing. */
class FirstLogits extends LogitsProcessor {
  constructor() {
    super();
    this.first = null;
  }
  _call(inputIds, logits) {
    if (this.first === null) {
      const row = Array.from(logits[0].data);
      const order = row.map((_, i) => i).sort((a, b) => row[b] - row[a] || a - b).slice(0, topK);
      this.first = { ids: order, values: order.map((i) => row[i]) };
    }
    return logits;
  }
}

const results = [];
for (const prompt of prompts) {
  const n = prompt.length;
  const inputIds = new Tensor("int64", BigInt64Array.from(prompt, BigInt), [1, n]);
  const attentionMask = new Tensor("int64", new BigInt64Array(n).fill(1n), [1, n]);
  const recorder = new FirstLogits();
  const processors = new LogitsProcessorList();
  processors.push(recorder);
  const sequences = await model.generate({
    inputs: inputIds,
    attention_mask: attentionMask,
    do_sample: false,
    max_new_tokens: maxNewTokens,
    eos_token_id: eos,
    logits_processor: processors,
  });
  const generated = Array.from(sequences.data.slice(n), Number);
  const stopped = generated.length > 0 && eos.includes(generated[generated.length - 1]);
  results.push({
    ids: stopped ? generated.slice(0, -1) : generated,
    finish: stopped ? "stop" : "length",
    first: recorder.first,
  });
}
await model.dispose();
process.stdout.write(JSON.stringify({ results }) + "\n");

function fail(message) {
  console.error(`generate.mjs: ${message}`);
  process.exit(2);
}
