// Renders conversations with @huggingface/jinja, the reference for BioEval's chat-template parity tests.
// Usage: node render.mjs TOKENIZER_CONFIG.json CONVERSATIONS.json [TEMPLATE_OVERRIDE.jinja]
// Prints one JSON line per conversation: {"text": ...} or {"error": ...}. Variables follow transformers'
// apply_chat_template: messages, add_generation_prompt=true, tools/documents = null, and the special tokens.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "../../.cache/reference/package.json"));
const { Template } = await import(require.resolve("@huggingface/jinja"));

const [configPath, conversationsPath] = process.argv.slice(2);
if (!configPath || !conversationsPath) {
  console.error("usage: node render.mjs TOKENIZER_CONFIG.json CONVERSATIONS.json");
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, "utf8"));
let source = config.chat_template;
if (Array.isArray(source)) source = (source.find((t) => t.name === "default") ?? {}).template;
if (typeof source !== "string") {
  console.error(`${configPath}: no chat_template`);
  process.exit(2);
}
const tokenText = (t) => (typeof t === "string" ? t : t && typeof t.content === "string" ? t.content : null);
const variables = { tools: null, documents: null };
for (const [key, value] of Object.entries(config)) {
  if (key.endsWith("_token") && tokenText(value) !== null) variables[key] = tokenText(value);
  if (key === "additional_special_tokens" && Array.isArray(value)) variables[key] = value.map(tokenText).filter((t) => t !== null);
}
const template = new Template(source);
const conversations = JSON.parse(readFileSync(conversationsPath, "utf8"));
for (const messages of conversations) {
  try {
    const text = template.render({ ...variables, messages, add_generation_prompt: true });
    console.log(JSON.stringify({ text }));
  } catch (e) {
    console.log(JSON.stringify({ error: String(e && e.message !== undefined ? e.message : e) }));
  }
}
