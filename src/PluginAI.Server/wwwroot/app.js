// The PluginAI page: uses only the server's public API. Model output is untrusted, so text reaches the page through
// textContent and DOM nodes built here, never through innerHTML.
const $ = (id) => document.getElementById(id);
const KEY = "pluginai.key";
const STORE = "pluginai.conversations";

// ---- API access: a key asked for on 401 and kept for the session only ----
let keyWaiters = null;
function askForKey(reason) {
  if (!keyWaiters) {
    keyWaiters = [];
    $("key-reason").textContent = reason || "This server needs an API key. It is kept for this browser session only.";
    $("key-input").value = "";
    $("key-dialog").showModal();
  }
  return new Promise((resolve) => keyWaiters.push(resolve));
}
$("key-form").addEventListener("submit", () => {
  sessionStorage.setItem(KEY, $("key-input").value.trim());
  const waiters = keyWaiters || [];
  keyWaiters = null;
  waiters.forEach((w) => w());
});
$("key-dialog").addEventListener("cancel", (e) => e.preventDefault());

async function api(path, options = {}) {
  for (;;) {
    const headers = new Headers(options.headers || {});
    const key = sessionStorage.getItem(KEY);
    if (key) headers.set("Authorization", "Bearer " + key);
    const response = await fetch(path, { ...options, headers });
    if (response.status !== 401) return response;
    let message = "This server needs an API key.";
    try { message = (await response.json()).error.message; } catch { /* keep the default */ }
    sessionStorage.removeItem(KEY);
    await askForKey(message + " It is kept for this browser session only.");
  }
}

async function apiJson(path, options) {
  const response = await api(path, options);
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.error?.message || `${path}: HTTP ${response.status}`);
  return body;
}

// Reads server-sent events from a fetch response: calls onEvent(name, data) for each event.
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) name = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      if (data.length) onEvent(name, data.join("\n"));
    }
  }
}

// ---- Safe Markdown: paragraphs, headings, lists, fenced code, inline code, bold, italics and [n] citations ----
function renderMarkdown(container, text, sources) {
  container.replaceChildren();
  const lines = text.split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = line.match(/^```\s*([\w+-]*)/);
    if (fence) {
      const code = [];
      i++;
      while (i < lines.length && !lines[i].startsWith("```")) code.push(lines[i++]);
      i++;
      const pre = document.createElement("pre");
      const el = document.createElement("code");
      if (fence[1]) el.dataset.language = fence[1];
      el.textContent = code.join("\n");
      pre.append(el);
      container.append(pre);
      continue;
    }
    const heading = line.match(/^(#{1,6})\s+(.*)$/);
    if (heading) {
      const h = document.createElement("p");
      const strong = document.createElement("strong");
      inline(strong, heading[2], sources);
      h.append(strong);
      container.append(h);
      i++;
      continue;
    }
    if (/^\s*([-*]|\d+\.)\s+/.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const list = document.createElement(ordered ? "ol" : "ul");
      while (i < lines.length && /^\s*([-*]|\d+\.)\s+/.test(lines[i])) {
        const li = document.createElement("li");
        inline(li, lines[i].replace(/^\s*([-*]|\d+\.)\s+/, ""), sources);
        list.append(li);
        i++;
      }
      container.append(list);
      continue;
    }
    if (line.trim() === "") { i++; continue; }
    const paragraph = [];
    while (i < lines.length && lines[i].trim() !== "" && !/^```|^#{1,6}\s|^\s*([-*]|\d+\.)\s+/.test(lines[i])) paragraph.push(lines[i++]);
    const p = document.createElement("p");
    inline(p, paragraph.join("\n"), sources);
    container.append(p);
  }
}

function inline(parent, text, sources) {
  const pattern = /(`[^`\n]+`)|(\*\*[^*\n]+\*\*)|(\*[^*\n]+\*)|(\[(\d{1,3})\])/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) parent.append(document.createTextNode(text.slice(last, match.index)));
    const [whole] = match;
    if (match[1]) {
      const code = document.createElement("code");
      code.textContent = whole.slice(1, -1);
      parent.append(code);
    } else if (match[2] || match[3]) {
      const el = document.createElement(match[2] ? "strong" : "em");
      el.textContent = match[2] ? whole.slice(2, -2) : whole.slice(1, -1);
      parent.append(el);
    } else {
      const n = Number(match[5]);
      const source = sources?.find((s) => s.index === n);
      if (source) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "cite";
        button.textContent = `[${n}]`;
        button.setAttribute("aria-label", `Citation ${n}: ${fileName(source.source)}`);
        button.addEventListener("click", () => showPassage(source, button));
        parent.append(button);
      } else {
        parent.append(document.createTextNode(whole));
      }
    }
    last = match.index + whole.length;
  }
  if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
}

const fileName = (path) => path.split(/[\\/]/).pop();

let passageOpener = null;
function showPassage(source, opener) {
  passageOpener = opener;
  $("passage-source").textContent = source.source;
  $("passage-section").textContent = source.section || "(none)";
  $("passage-page").textContent = source.page ?? "(none)";
  $("passage-text").textContent = source.text;
  $("passage").hidden = false;
  $("passage-close").focus();
}
$("passage-close").addEventListener("click", () => {
  $("passage").hidden = true;
  passageOpener?.focus();
});

// ---- Conversations, kept in the browser's storage ----
let conversations = [];
try { conversations = JSON.parse(localStorage.getItem(STORE) || "[]"); } catch { conversations = []; }
if (!Array.isArray(conversations)) conversations = [];
let current = conversations[0] || null;
const save = () => localStorage.setItem(STORE, JSON.stringify(conversations));

function newConversation() {
  current = { id: crypto.randomUUID(), title: "New conversation", model: $("model").value, messages: [], updated: Date.now() };
  conversations.unshift(current);
  save();
  drawConversations();
  drawMessages();
}

function drawConversations() {
  const list = $("conversation-list");
  list.replaceChildren();
  for (const c of conversations) {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = c.title;
    if (c === current) b.setAttribute("aria-current", "true");
    b.addEventListener("click", () => { current = c; if (c.model) selectModel(c.model); drawConversations(); drawMessages(); });
    li.append(b);
    list.append(li);
  }
}

function drawMessages() {
  const log = $("messages");
  log.replaceChildren();
  for (const m of current?.messages || []) log.append(messageNode(m));
  log.scrollTop = log.scrollHeight;
  $("regenerate").disabled = !(current?.messages.some((m) => m.role === "user")) || streaming !== null;
}

function messageNode(m) {
  const div = document.createElement("div");
  div.className = `message ${m.role}${m.error ? " error" : ""}`;
  const role = document.createElement("div");
  role.className = "role";
  role.textContent = m.role === "user" ? "You" : "Assistant";
  const body = document.createElement("div");
  body.className = "body";
  if (m.role === "user") body.textContent = m.content;
  else renderMarkdown(body, m.content, m.sources);
  div.append(role, body);
  return div;
}

function download(name, type, text) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

$("new-conversation").addEventListener("click", newConversation);
$("rename-conversation").addEventListener("click", () => {
  if (!current) return;
  const title = prompt("New name for this conversation", current.title);
  if (title && title.trim()) { current.title = title.trim().slice(0, 200); save(); drawConversations(); }
});
$("delete-conversation").addEventListener("click", () => {
  if (!current || !confirm(`Delete the conversation "${current.title}"?`)) return;
  conversations = conversations.filter((c) => c !== current);
  current = conversations[0] || null;
  save();
  drawConversations();
  drawMessages();
});
$("export-json").addEventListener("click", () => current && download(`${current.title}.json`, "application/json", JSON.stringify(current, null, 2)));
$("export-markdown").addEventListener("click", () => {
  if (!current) return;
  const parts = [`# ${current.title}`, ""];
  for (const m of current.messages) {
    parts.push(`## ${m.role === "user" ? "You" : "Assistant"}`, "", m.content, "");
    for (const s of m.sources || []) parts.push(`[${s.index}] ${s.source}${s.section ? " § " + s.section : ""}${s.page ? ", page " + s.page : ""}`);
    if (m.sources?.length) parts.push("");
  }
  download(`${current.title}.md`, "text/markdown", parts.join("\n"));
});

// ---- Chat: streamed answers that can be stopped ----
let streaming = null;

function selectModel(id) {
  const select = $("model");
  if ([...select.options].some((o) => o.value === id)) select.value = id;
}

async function loadModels() {
  const select = $("model");
  const body = await apiJson("/v1/models");
  select.replaceChildren();
  for (const m of body.data) {
    const option = document.createElement("option");
    option.value = m.id;
    option.textContent = m.id.startsWith("kb:") ? `Knowledge base: ${m.id.slice(3)}` : m.id;
    select.append(option);
  }
  if (current?.model) selectModel(current.model);
}

async function send(text) {
  if (!current) newConversation();
  current.model = $("model").value;
  if (text !== null) {
    current.messages.push({ role: "user", content: text });
    if (current.title === "New conversation") current.title = text.slice(0, 60);
  }
  const history = current.messages.map(({ role, content }) => ({ role, content }));
  const answer = { role: "assistant", content: "", sources: [] };
  current.messages.push(answer);
  current.updated = Date.now();
  save();
  drawConversations();
  drawMessages();
  const body = $("messages").lastElementChild.querySelector(".body");

  const controller = new AbortController();
  streaming = controller;
  $("stop").disabled = false;
  $("send").disabled = true;
  $("regenerate").disabled = true;
  $("chat-status").textContent = "Answering…";
  try {
    const response = await api("/v1/chat/completions", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: current.model, messages: history, stream: true }),
      signal: controller.signal,
    });
    if (!response.ok) {
      const error = await response.json().catch(() => null);
      throw new Error(error?.error?.message || `HTTP ${response.status}`);
    }
    await readEvents(response, (_, data) => {
      if (data === "[DONE]") return;
      const chunk = JSON.parse(data);
      if (chunk.error) throw new Error(chunk.error.message);
      if (chunk.sources) answer.sources = chunk.sources;
      const delta = chunk.choices?.[0]?.delta?.content;
      if (delta) {
        answer.content += delta;
        renderMarkdown(body, answer.content, answer.sources);
        $("messages").scrollTop = $("messages").scrollHeight;
      }
    });
    $("chat-status").textContent = "Done.";
  } catch (error) {
    if (error.name === "AbortError") {
      answer.stopped = true;
      $("chat-status").textContent = "Stopped.";
    } else {
      answer.error = true;
      answer.content += (answer.content ? "\n\n" : "") + "Error: " + error.message;
      $("chat-status").textContent = "The request failed.";
    }
  } finally {
    streaming = null;
    save();
    drawMessages();
    $("stop").disabled = true;
    $("send").disabled = false;
  }
}

$("chat-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("prompt").value.trim();
  if (!text || streaming) return;
  $("prompt").value = "";
  send(text);
});
$("prompt").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("chat-form").requestSubmit(); }
});
$("stop").addEventListener("click", () => streaming?.abort());
$("regenerate").addEventListener("click", () => {
  if (!current || streaming) return;
  while (current.messages.length && current.messages[current.messages.length - 1].role === "assistant") current.messages.pop();
  if (current.messages.length) send(null);
});

// ---- Knowledge bases: list, upload with progress, search ----
const formatBytes = (n) => n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : n < 1073741824 ? `${(n / 1048576).toFixed(1)} MiB` : `${(n / 1073741824).toFixed(1)} GiB`;

function cell(row, text, numeric) {
  const td = document.createElement("td");
  td.textContent = text;
  if (numeric) td.className = "number";
  row.append(td);
}

async function loadKnowledgeBases() {
  const body = await apiJson("/v1/knowledge-bases");
  const tbody = $("kb-table").tBodies[0];
  tbody.replaceChildren();
  const select = $("search-kb");
  const selected = select.value;
  select.replaceChildren();
  for (const kb of body.data) {
    const row = document.createElement("tr");
    cell(row, kb.name);
    cell(row, String(kb.documents), true);
    cell(row, String(kb.chunks), true);
    cell(row, formatBytes(kb.size_bytes), true);
    cell(row, kb.embedding_model);
    const actions = document.createElement("td");
    actions.append(
      actionButton(`Show documents of ${kb.name}`, () => loadDocuments(kb.name)),
      actionButton(`Remove ${kb.name}`, async () => {
        if (!confirm(`Remove the knowledge base "${kb.name}" and its index? The documents themselves are not touched.`)) return;
        await apiJson(`/v1/knowledge-bases/${encodeURIComponent(kb.name)}`, { method: "DELETE" });
        $("kb-progress-text").textContent = `${kb.name} removed.`;
        $("kb-documents").hidden = true;
        await loadKnowledgeBases();
      }));
    row.append(actions);
    tbody.append(row);
    const option = document.createElement("option");
    option.value = option.textContent = kb.name;
    select.append(option);
  }
  if (selected) select.value = selected;
}

function actionButton(label, action) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.addEventListener("click", () => action().catch((error) => { $("kb-progress-text").textContent = error.message; }));
  return button;
}

async function loadDocuments(name) {
  const body = await apiJson(`/v1/knowledge-bases/${encodeURIComponent(name)}/documents`);
  const table = $("kb-documents");
  table.querySelector("caption").textContent = `Documents of ${name}`;
  const tbody = table.tBodies[0];
  tbody.replaceChildren();
  for (const d of body.data) {
    const row = document.createElement("tr");
    cell(row, d.source);
    cell(row, d.media_type);
    cell(row, String(d.chunks), true);
    cell(row, new Date(d.indexed_at).toLocaleString());
    const actions = document.createElement("td");
    actions.append(actionButton(`Remove ${d.source}`, async () => {
      if (!confirm(`Remove "${d.source}" from ${name}?`)) return;
      await apiJson(`/v1/knowledge-bases/${encodeURIComponent(name)}/documents?source=${encodeURIComponent(d.source)}`, { method: "DELETE" });
      $("kb-progress-text").textContent = `${d.source} removed from ${name}.`;
      await loadKnowledgeBases();
      await loadDocuments(name);
    }));
    row.append(actions);
    tbody.append(row);
  }
  table.hidden = false;
}

$("upload-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const name = $("kb-name").value.trim();
  const files = [...$("kb-files").files, ...$("kb-folder").files];
  const status = $("kb-progress-text");
  if (files.length === 0) { status.textContent = "Choose files or a folder first."; return; }
  const form = new FormData();
  for (const f of files) form.append("file", f, f.webkitRelativePath || f.name);
  const progress = $("kb-progress");
  progress.max = files.length;
  progress.value = 0;
  status.textContent = `Uploading ${files.length} files…`;
  const skipped = $("kb-skipped");
  skipped.tBodies[0].replaceChildren();
  skipped.hidden = true;
  try {
    const response = await api(`/v1/knowledge-bases/${encodeURIComponent(name)}/documents`, { method: "POST", body: form, headers: { Accept: "text/event-stream" } });
    if (!response.ok) {
      const error = await response.json().catch(() => null);
      throw new Error(error?.error?.message || `HTTP ${response.status}`);
    }
    let report = null;
    await readEvents(response, (event, data) => {
      const item = JSON.parse(data);
      if (item.error) throw new Error(item.error.message);
      if (event === "progress") {
        progress.max = Math.max(item.files_total, 1);
        progress.value = item.files_done;
        status.textContent = `${item.files_done} of ${item.files_total} files, ${item.chunks} chunks${item.file ? ": " + item.file : ""}`;
      } else if (event === "done") {
        report = item;
      }
    });
    if (report) {
      progress.value = progress.max;
      status.textContent = `Done: ${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged, ${report.skipped.length} skipped; ${report.chunks} chunks.`;
      for (const s of report.skipped) {
        const row = document.createElement("tr");
        cell(row, s.file);
        cell(row, s.reason);
        skipped.tBodies[0].append(row);
      }
      skipped.hidden = report.skipped.length === 0;
    }
    await loadKnowledgeBases();
    await loadModels();
  } catch (error) {
    status.textContent = "Upload failed: " + error.message;
  }
});

$("search-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const params = new URLSearchParams({ q: $("search-query").value, mode: $("search-mode").value, top: "10" });
  if ($("search-path").value.trim()) params.set("path", $("search-path").value.trim());
  const table = $("search-results");
  const tbody = table.tBodies[0];
  tbody.replaceChildren();
  try {
    const body = await apiJson(`/v1/knowledge-bases/${encodeURIComponent($("search-kb").value)}/search?${params}`);
    for (const p of body.data) {
      const row = document.createElement("tr");
      cell(row, String(p.index), true);
      cell(row, p.score.toFixed(3), true);
      cell(row, `${fileName(p.source)}${p.section ? " § " + p.section : ""}${p.page ? ", page " + p.page : ""}`);
      cell(row, p.text.length > 400 ? p.text.slice(0, 400) + "…" : p.text);
      tbody.append(row);
    }
    table.hidden = false;
    table.querySelector("caption").textContent = `${body.data.length} passages found`;
  } catch (error) {
    table.hidden = false;
    table.querySelector("caption").textContent = "Search failed: " + error.message;
  }
});


// ---- Models: the pool's state, each model's device plan and why, add by path, unload ----
function list(items) {
  const ul = document.createElement("ul");
  ul.className = "reasons";
  for (const item of items) {
    const li = document.createElement("li");
    li.textContent = item;
    ul.append(li);
  }
  return ul;
}

async function loadModelsScreen() {
  const body = await apiJson("/v1/pluginai/models");
  const tbody = $("models-table").tBodies[0];
  tbody.replaceChildren();
  for (const m of body.data) {
    const row = document.createElement("tr");
    cell(row, m.name);
    cell(row, m.state);
    cell(row, m.memoryBytes ? formatBytes(m.memoryBytes) : "-", true);
    const plan = m.plan;
    cell(row, plan ? `${plan.backend} on ${plan.device}: ${plan.threads} threads, ${plan.gpuLayers} GPU layers, context ${plan.contextSize}, ${plan.parallelSequences} sequences, ${formatBytes(plan.estimatedMemoryBytes)}` : (m.planError || "-"));
    const why = document.createElement("td");
    if (plan) why.append(list([...Object.entries(plan.reasons).map(([k, v]) => `${k}: ${v}`), ...plan.warnings]));
    row.append(why);
    const actions = document.createElement("td");
    if (m.state !== "not-loaded") {
      const unload = document.createElement("button");
      unload.type = "button";
      unload.textContent = `Unload ${m.name}`;
      unload.addEventListener("click", async () => {
        if (!confirm(`Unload ${m.name} from memory?`)) return;
        try {
          await apiJson(`/v1/pluginai/loaded-models/${encodeURIComponent(m.name)}`, { method: "DELETE" });
          $("models-status").textContent = `${m.name} unloaded.`;
        } catch (error) {
          $("models-status").textContent = error.message;
        }
        await loadModelsScreen();
      });
      actions.append(unload);
    }
    row.append(actions);
    tbody.append(row);
  }
}

$("model-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    const added = await apiJson("/v1/pluginai/models", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: $("model-name").value.trim(), path: $("model-path").value.trim() }),
    });
    $("models-status").textContent = `Added ${added.name}: ${added.plan.backend} on ${added.plan.device}.`;
    await loadModelsScreen();
  } catch (error) {
    $("models-status").textContent = "Could not add the model: " + error.message;
  }
});

// ---- Plugins: what is installed, and for each plugin that is not loaded, why ----
async function loadPluginsScreen() {
  const body = await apiJson("/v1/pluginai/plugins");
  const tbody = $("plugins-table").tBodies[0];
  tbody.replaceChildren();
  for (const p of body.data) {
    const row = document.createElement("tr");
    cell(row, p.id);
    cell(row, p.kinds.join(", "));
    cell(row, p.version || "-");
    cell(row, `${p.publisher || "unknown publisher"}; ${p.trust || "not signed"}`);
    cell(row, p.license ? `${p.license.status}: ${p.license.reason}` : "free");
    cell(row, p.certifications.length ? p.certifications.map((c) => `${c.device}: ${c.certified ? "certified by " + c.certifier : "not certified"}`).join("; ") : "-");
    cell(row, p.status);
    const why = document.createElement("td");
    why.append(list([p.reason, ...p.details].filter(Boolean)));
    row.append(why);
    const actions = document.createElement("td");
    actions.append(
      pluginAction(`Update ${p.id}`, `Update ${p.id} to the newest version that fits this machine?`, () =>
        apiJson(`/v1/pluginai/plugins/${encodeURIComponent(p.id)}/update`, { method: "POST" }).then((r) =>
          r.updated ? `${p.id} updated to ${r.version}; it loads when the server restarts.` : `${p.id} ${r.version} is the newest that fits.`)),
      pluginAction(`Remove ${p.id}`, `Remove ${p.id}? Its data folder is kept.`, () =>
        apiJson(`/v1/pluginai/plugins/${encodeURIComponent(p.id)}`, { method: "DELETE" }).then(() => `${p.id} removed; the server stops using it when it restarts.`)));
    row.append(actions);
    tbody.append(row);
  }
}

function pluginAction(label, question, run) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.addEventListener("click", async () => {
    if (!confirm(question)) return;
    const status = $("plugins-status");
    status.textContent = `${label}…`;
    try {
      status.textContent = await run();
    } catch (error) {
      status.textContent = `${label} failed: ${error.message}`;
    }
    await loadPluginsScreen().catch(() => {});
  });
  return button;
}

$("plugin-search-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const params = new URLSearchParams({ q: $("plugin-query").value.trim() });
  if ($("plugin-compatible").checked) params.set("compatible", "true");
  const table = $("plugin-results");
  const tbody = table.tBodies[0];
  tbody.replaceChildren();
  try {
    const body = await apiJson(`/v1/pluginai/plugins/search?${params}`);
    for (const r of body.data) {
      const row = document.createElement("tr");
      cell(row, r.description ? `${r.id}: ${r.description}` : r.id);
      cell(row, r.installedVersion ? `${r.version} (installed: ${r.installedVersion})` : r.version);
      cell(row, r.kinds.join(", "));
      const fits = document.createElement("td");
      fits.append(document.createTextNode(r.compatible === false ? "no" : r.compatible ? "yes" : "unknown"));
      if (r.problems.length) fits.append(list(r.problems));
      row.append(fits);
      cell(row, r.certificationReason ? `${r.certified}: ${r.certificationReason}` : String(r.certified));
      cell(row, r.source);
      const actions = document.createElement("td");
      actions.append(pluginAction(`Install ${r.id} ${r.version}`, `Install ${r.id} ${r.version} from ${r.source}?`, () =>
        apiJson("/v1/pluginai/plugins/install", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ id: r.id, version: r.version }) })
          .then((i) => `${i.id} ${i.version} installed${i.publisher ? ", signed by " + i.publisher : ""}; it loads when the server restarts.`)));
      row.append(actions);
      tbody.append(row);
    }
    table.hidden = false;
    table.querySelector("caption").textContent = `${body.data.length} ${body.data.length === 1 ? "package" : "packages"} found` + (body.warnings.length ? ` (${body.warnings.join("; ")})` : "");
  } catch (error) {
    table.hidden = false;
    table.querySelector("caption").textContent = "Search failed: " + error.message;
  }
});

// ---- This machine: what doctor reports, and the server's own figures drawn from /metrics ----
async function loadMachineScreen() {
  const body = await apiJson("/v1/pluginai/doctor");
  const hw = body.hardware;
  const tbody = $("machine-table").tBodies[0];
  tbody.replaceChildren();
  const rows = [
    ["System", `${hw.operatingSystemDescription || hw.operatingSystem} (${hw.runtimeIdentifier})`],
    ["CPU", `${hw.cpu.modelName}, ${hw.cpu.physicalCores} cores, ${hw.cpu.logicalCores} threads`],
    ["Instruction sets", hw.cpu.instructionSets.join(" ") || "-"],
    ["Memory", `${formatBytes(hw.memory.totalBytes)} total, ${formatBytes(hw.memory.availableBytes)} available`],
    ["Vulkan loader", hw.vulkanLoaderPresent ? "present" : "not found"],
  ];
  for (const [name, value] of rows) {
    const row = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = name;
    row.append(th);
    cell(row, value);
    tbody.append(row);
  }
  const accelerators = $("accelerators-table").tBodies[0];
  accelerators.replaceChildren();
  for (const a of hw.accelerators) {
    const row = document.createElement("tr");
    cell(row, a.type);
    cell(row, a.name);
    cell(row, a.vendor);
    cell(row, a.memoryBytes ? formatBytes(a.memoryBytes) : "-", true);
    cell(row, a.driver || "-");
    cell(row, a.apis.map((x) => `${x.api} ${x.version ?? ""}`.trim()).join(", ") || "-");
    accelerators.append(row);
  }
  if (hw.accelerators.length === 0) {
    const row = document.createElement("tr");
    cell(row, "No GPU or NPU was found.");
    row.firstChild.colSpan = 6;
    accelerators.append(row);
  }
  $("machine-notes").replaceChildren(...[...hw.notes, ...body.warnings].map((n) => { const li = document.createElement("li"); li.textContent = n; return li; }));
  await sampleMetrics();
}

const samples = [];
const SAMPLE_MS = 5000;
const KEEP = 60;

function parseMetrics(text) {
  const sums = {};
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = line.match(/^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/);
    if (!match) continue;
    const value = Number(match[3]);
    if (Number.isFinite(value)) sums[match[1]] = (sums[match[1]] || 0) + value;
  }
  return sums;
}

async function sampleMetrics() {
  const response = await api("/metrics");
  if (!response.ok) return;
  const m = parseMetrics(await response.text());
  samples.push({
    at: Date.now(),
    tokens: m.pluginai_server_completion_tokens_total || 0,
    ttftSum: m.pluginai_server_time_to_first_token_seconds_sum || 0,
    ttftCount: m.pluginai_server_time_to_first_token_seconds_count || 0,
    queue: m.pluginai_llama_queue_depth || 0,
  });
  while (samples.length > KEEP + 1) samples.shift();
  drawCharts();
}

function drawCharts() {
  const tokens = [], ttft = [], queue = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1], b = samples[i];
    const seconds = (b.at - a.at) / 1000;
    tokens.push(seconds > 0 ? (b.tokens - a.tokens) / seconds : 0);
    const count = b.ttftCount - a.ttftCount;
    ttft.push(count > 0 ? ((b.ttftSum - a.ttftSum) / count) * 1000 : 0);
    queue.push(b.queue);
  }
  if (samples.length) queue.unshift(samples[0].queue);
  draw("chart-tokens", tokens, (v) => `${v.toFixed(1)} tokens/s now`);
  draw("chart-ttft", ttft, (v) => `${v.toFixed(0)} ms now`);
  draw("chart-queue", queue, (v) => `${v} waiting now`);
}

function draw(id, values, describe) {
  const svg = $(id);
  svg.replaceChildren();
  const last = values.length ? values[values.length - 1] : 0;
  $(id + "-value").textContent = values.length ? describe(last) : "waiting for a second sample";
  if (values.length < 2) return;
  const max = Math.max(...values, 1);
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", values.map((v, i) => `${(i / (values.length - 1)) * 300},${58 - (v / max) * 56}`).join(" "));
  svg.append(line);
}

let metricsTimer = null;

// ---- Screens ----
function show() {
  const screens = { chat: loadModels, knowledge: loadKnowledgeBases, models: loadModelsScreen, plugins: loadPluginsScreen, machine: loadMachineScreen };
  const status = { chat: "chat-status", knowledge: "kb-progress-text", models: "models-status", plugins: "plugins-status", machine: "machine-status" };
  const screen = (location.hash || "#chat").slice(1);
  const known = screen in screens ? screen : "chat";
  for (const s of document.querySelectorAll(".screen")) s.hidden = s.id !== known;
  for (const a of document.querySelectorAll("nav a")) {
    if (a.dataset.screen === known) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  clearInterval(metricsTimer);
  if (known === "machine") metricsTimer = setInterval(() => sampleMetrics().catch(() => {}), SAMPLE_MS);
  screens[known]().catch((error) => { $(status[known]).textContent = error.message; });
}
window.addEventListener("hashchange", show);
drawConversations();
drawMessages();
show();
