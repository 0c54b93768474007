// Streams a chat completion from pluginai serve with the npm openai package and prints what arrived as one JSON line.
import OpenAI from "openai";

const client = new OpenAI({ baseURL: process.env.PLUGINAI_BASE_URL, apiKey: process.env.PLUGINAI_API_KEY ?? "unused-on-loopback" });
const stream = await client.chat.completions.create({
  model: process.env.PLUGINAI_MODEL,
  messages: [{ role: "user", content: "Once upon a time" }],
  max_tokens: 16,
  temperature: 0,
  stream: true,
  stream_options: { include_usage: true },
});

let text = "";
let chunks = 0;
let finish = null;
let usage = null;
for await (const chunk of stream) {
  chunks++;
  const choice = chunk.choices[0];
  if (choice) {
    text += choice.delta?.content ?? "";
    finish = choice.finish_reason ?? finish;
  }
  usage = chunk.usage ?? usage;
}

console.log(JSON.stringify({ text, chunks, finish, usage }));
