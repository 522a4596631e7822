// Drives a running Starling /v1 API with the official `openai` npm client and exits non-zero on any mismatch.
//
// Usage: node openai-check.mjs BASE_URL MODEL     e.g. node openai-check.mjs http://127.0.0.1:8080/v1 tiny
// Prints one JSON line per check and a final {"ok": true|false, ...} line.
import OpenAI from 'openai';

const [baseURL, model] = process.argv.slice(2);
if (!baseURL || !model) {
  console.error('usage: node openai-check.mjs BASE_URL MODEL');
  process.exit(2);
}

const client = new OpenAI({ baseURL, apiKey: 'starling-test', maxRetries: 0, timeout: 60_000 });
const failures = [];

function check(name, condition, detail) {
  console.log(JSON.stringify({ check: name, ok: Boolean(condition), detail }));
  if (!condition) failures.push(name);
}

async function step(name, fn) {
  try {
    await fn();
  } catch (e) {
    check(name, false, `threw ${e?.constructor?.name}: ${e?.message}`);
  }
}

const messages = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Tell me a story.' },
];

let greedyText;

await step('models.list', async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  check('models.list', ids.includes(model), ids);
  const one = await client.models.retrieve(model);
  check('models.retrieve', one.id === model && one.object === 'model', one);
});

await step('chat.completions', async () => {
  const r = await client.chat.completions.create({ model, messages, temperature: 0, max_tokens: 12 });
  const choice = r.choices[0];
  greedyText = choice.message.content;
  check('chat.completions', r.object === 'chat.completion' && choice.message.role === 'assistant'
    && typeof greedyText === 'string' && ['stop', 'length'].includes(choice.finish_reason)
    && r.usage.total_tokens === r.usage.prompt_tokens + r.usage.completion_tokens,
    { content: greedyText, finish_reason: choice.finish_reason, usage: r.usage });
});

await step('chat.completions stream', async () => {
  const stream = await client.chat.completions.create({
    model, messages, temperature: 0, max_tokens: 12, stream: true, stream_options: { include_usage: true },
  });
  let text = '';
  let finish = null;
  let usage = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    text += choice.delta?.content ?? '';
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  check('chat.completions stream', text === greedyText && finish !== null && usage !== null && chunks >= 2,
    { text, finish, usage, chunks });
});

await step('chat.completions stop', async () => {
  if (!greedyText || greedyText.length < 6) {
    check('chat.completions stop', false, `greedy text too short to cut: '${greedyText}'`);
    return;
  }
  const stop = greedyText.substring(3, 6);
  const r = await client.chat.completions.create({ model, messages, temperature: 0, max_tokens: 12, stop: [stop] });
  const expected = greedyText.substring(0, greedyText.indexOf(stop));
  check('chat.completions stop', r.choices[0].message.content === expected && r.choices[0].finish_reason === 'stop',
    { stop, content: r.choices[0].message.content, expected });
});

await step('chat.completions seed', async () => {
  const ask = () => client.chat.completions.create({ model, messages, temperature: 1, seed: 1234, max_tokens: 10 });
  const [a, b] = [await ask(), await ask()];
  check('chat.completions seed', a.choices[0].message.content === b.choices[0].message.content,
    [a.choices[0].message.content, b.choices[0].message.content]);
});

await step('completions', async () => {
  const r = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 8, temperature: 0 });
  const stream = await client.completions.create({
    model, prompt: 'Once upon a time', max_tokens: 8, temperature: 0, stream: true,
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
  check('completions', r.object === 'text_completion' && typeof r.choices[0].text === 'string'
    && text === r.choices[0].text, { text: r.choices[0].text, streamed: text });
});

await step('embeddings', async () => {
  // The client asks for base64 by default and decodes it: this covers both encodings' agreement with floats.
  const r = await client.embeddings.create({ model, input: ['hello world', 'stock prices'] });
  const floats = await client.embeddings.create({ model, input: ['hello world'], encoding_format: 'float' });
  const [a, b] = r.data.map((d) => d.embedding);
  const norm = Math.hypot(...a);
  const same = a.every((x, i) => Math.abs(x - floats.data[0].embedding[i]) < 1e-6);
  check('embeddings', r.data.length === 2 && a.length > 0 && a.length === b.length && Math.abs(norm - 1) < 1e-3
    && same, { dims: a.length, norm, agreesWithFloat: same });
});

await step('errors', async () => {
  try {
    await client.chat.completions.create({ model: 'no-such-model', messages, max_tokens: 2 });
    check('errors: unknown model', false, 'no error');
  } catch (e) {
    check('errors: unknown model', e instanceof OpenAI.NotFoundError && e.status === 404
      && e.code === 'model_not_found', { status: e.status, code: e.code, message: e.message });
  }
  try {
    await client.chat.completions.create({ model, messages, temperature: 7, max_tokens: 2 });
    check('errors: bad temperature', false, 'no error');
  } catch (e) {
    check('errors: bad temperature', e instanceof OpenAI.BadRequestError && e.status === 400
      && e.param === 'temperature', { status: e.status, param: e.param, message: e.message });
  }
});

console.log(JSON.stringify({ ok: failures.length === 0, failures }));
process.exit(failures.length === 0 ? 0 : 1);
