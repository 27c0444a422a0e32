// The official OpenAI client (npm "openai", installed by fetch.sh) against an OpenAI-compatible server: what a user's
// own tools would do with `bioeval serve`.
//
// usage: node openai-client.mjs BASE_URL MODEL
// Prints one JSON object: the models listed, a greedy completion's text, finish reason and usage, the same request
// streamed (its deltas joined, and the usage chunk), and the HTTP status and error type for an unknown model.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [baseURL, model] = process.argv.slice(2);
if (!baseURL || !model) {
  console.error("usage: node openai-client.mjs BASE_URL MODEL");
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const modules = process.env.BIOEVAL_REFERENCE_MODULES ?? resolve(here, "../../.cache/reference/node_modules");
const { default: OpenAI } = await import(pathToFileURL(join(modules, "openai/index.mjs")).href);

const client = new OpenAI({ baseURL, apiKey: "none", maxRetries: 0 });
const request = {
  model,
  messages: [
    { role: "system", content: "You answer briefly." },
    { role: "user", content: "Name one symptom of asthma." },
  ],
  temperature: 0,
  max_tokens: 24,
};

const models = await client.models.list();
const completion = await client.chat.completions.create(request);
const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
let streamed = "";
let streamUsage = null;
let streamFinish = null;
for await (const chunk of stream) {
  for (const choice of chunk.choices) {
    streamed += choice.delta?.content ?? "";
    if (choice.finish_reason) streamFinish = choice.finish_reason;
  }
  if (chunk.usage) streamUsage = chunk.usage;
}
let notFound = null;
try {
  await client.chat.completions.create({ ...request, model: "no-such-model" });
} catch (e) {
  notFound = { status: e.status, type: e.error?.type ?? e.type ?? null };
}

console.log(JSON.stringify({
  models: models.data.map((m) => m.id),
  text: completion.choices[0].message.content,
  finish_reason: completion.choices[0].finish_reason,
  usage: completion.usage,
  streamed,
  stream_finish_reason: streamFinish,
  stream_usage: streamUsage,
  not_found: notFound,
}));
