// quotetrace page: the article view, search and trace. Plain DOM, no libraries.
// Article text and every value from the server reach the page as text nodes (textContent or
// createTextNode), never as markup.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";

// -- small DOM helpers ----------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "className") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children) append(node, child);
  return node;
}

function append(node, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) child.forEach((c) => append(node, c));
  else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
}

function svg(tag, attrs) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
  return node;
}

function $(id) {
  return document.getElementById(id);
}

function setStatus(id, message, isError) {
  const node = $(id);
  node.textContent = message || "";
  node.classList.toggle("error", Boolean(isError));
}

async function api(url, options) {
  const response = await fetch(url, options);
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    body = null;
  }
  if (!response.ok) {
    const info = (body && body.error) || {};
    const error = new Error(info.message || response.statusText || "request failed");
    error.status = response.status;
    throw error;
  }
  return body;
}

function spanText(text, spans) {
  return (spans || []).map(([s, e]) => text.slice(s, e)).join(" … ");
}

function party(p) {
  if (!p) return null;
  return p.name || null;
}

// -- routing ----------------------------------------------------------------------------------

function route() {
  const path = window.location.pathname;
  const views = {
    article: $("view-article"),
    search: $("view-search"),
    trace: $("view-trace"),
    speaker: $("view-speaker"),
    quote: $("view-quote"),
  };
  let name = "article";
  if (path === "/search") name = "search";
  else if (path === "/trace") name = "trace";
  else if (path.startsWith("/speakers/")) name = "speaker";
  else if (path.startsWith("/quotes/")) name = "quote";
  for (const [key, node] of Object.entries(views)) node.hidden = key !== name;
  for (const link of document.querySelectorAll("[data-nav]")) {
    link.classList.toggle("current", link.dataset.nav === name);
  }
  if (name === "search") initSearch();
  else if (name === "trace") initTrace();
  else if (name === "speaker") initSpeaker(decodeURIComponent(path.slice("/speakers/".length)));
  else if (name === "quote") initQuote(decodeURIComponent(path.slice("/quotes/".length)));
  else initArticle(path);
}

// -- the article view ---------------------------------------------------------------------------

const state = { doc: null, selected: null, focus: null };

function initArticle(path) {
  const match = path.match(/^\/articles\/(.+)$/);
  $("extract-form").addEventListener("submit", onExtract);
  $("example").addEventListener("change", onExample);
  $("fetch-form").addEventListener("submit", onFetch);
  loadExamples();
  showFetchForm();
  if (match) {
    $("extract-form").hidden = true;
    loadStoredArticle(decodeURIComponent(match[1]));
  }
}

async function loadExamples() {
  try {
    const examples = await api("/api/examples");
    const select = $("example");
    examples.forEach((ex, i) =>
      select.append(el("option", { value: String(i) }, ex.title || ex.id)),
    );
    select.examples = examples;
  } catch (err) {
    // examples are a convenience; the form works without them
  }
}

function onExample(event) {
  const select = event.target;
  const ex = (select.examples || [])[Number(select.value)];
  if (!ex) return;
  $("input").value = ex.text || "";
  $("input-kind").value = "text";
  $("meta-title").value = ex.title || "";
  $("meta-published").value = ex.published || "";
  $("meta-outlet").value = ex.outlet || "";
  $("meta-url").value = ex.url || "";
}

function looksLikeHtml(text) {
  return /^\s*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]|<article[\s>]|<p[\s>]|<div[\s>])/i.test(
    text,
  );
}

async function onExtract(event) {
  event.preventDefault();
  const raw = $("input").value;
  if (!raw.trim()) {
    setStatus("status", "Paste an article first.", true);
    return;
  }
  const kind = $("input-kind").value;
  const asHtml = kind === "html" || (kind === "auto" && looksLikeHtml(raw));
  const body = asHtml ? { html: raw } : { text: raw };
  for (const [key, id] of [
    ["title", "meta-title"],
    ["published", "meta-published"],
    ["outlet", "meta-outlet"],
    ["url", "meta-url"],
  ]) {
    const value = $(id).value.trim();
    if (value) body[key] = value;
  }
  const button = $("extract-button");
  button.disabled = true;
  setStatus("status", "Reading the article…");
  try {
    const doc = await api("/api/extract", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    showDocument(doc);
    setStatus("status", "");
  } catch (err) {
    setStatus("status", `Could not extract: ${err.message}`, true);
  } finally {
    button.disabled = false;
  }
}

async function loadStoredArticle(id) {
  setStatus("status", "Loading the article…");
  try {
    const doc = await api(`/api/articles/${encodeURIComponent(id)}`);
    showDocument(doc);
    setStatus("status", "");
    const wanted = decodeURIComponent(window.location.hash.slice(1));
    const quote = wanted && doc.quotes.find((q) => q.id === wanted || q.store_id === wanted);
    if (quote) selectQuote(quote.id, true);
  } catch (err) {
    setStatus("status", `Could not load article ${id}: ${err.message}`, true);
  }
}

function showDocument(doc) {
  state.doc = doc;
  state.byId = new Map((doc.quotes || []).map((q) => [q.id, q]));
  state.selected = null;
  state.focus = null;
  $("result").hidden = false;
  $("doc-title").textContent = doc.title || doc.id;
  const meta = [doc.author && `by ${doc.author}`, doc.outlet, doc.published].filter(Boolean);
  const metaNode = $("doc-meta");
  metaNode.replaceChildren(meta.join(" · "));
  if (doc.url && /^https?:\/\//i.test(doc.url)) {
    metaNode.append(
      meta.length ? " · " : "",
      el("a", { href: doc.url, rel: "noopener noreferrer nofollow", target: "_blank" }, "source"),
    );
  }
  const count = (doc.quotes || []).length;
  metaNode.append(` · ${count} quote${count === 1 ? "" : "s"}`);
  renderFindings(doc);
  renderLegend(doc);
  renderText(doc);
  renderDetails(null);
  renderGraph(doc.view.graph);
}

function renderFindings(doc) {
  const box = $("findings");
  box.replaceChildren();
  if (doc.error) {
    box.append(
      el(
        "div",
        { className: "banner error-banner", role: "alert" },
        `This article could not be processed: ${doc.error}`,
      ),
    );
  }
  for (const finding of doc.findings || []) {
    if (finding.type.startsWith("headline-")) {
      const title =
        finding.type === "headline-single-source"
          ? "Headline check: one source, stated as fact"
          : "Headline check: one source";
      box.append(
        el(
          "div",
          {
            className: "banner headline-finding",
            role: "alert",
            dataset: { finding: finding.type },
          },
          el("strong", { className: "banner-title" }, title),
          el("p", {}, finding.message),
          finding.source
            ? el("p", {}, "Source: ", el("strong", { className: "finding-source" }, finding.source))
            : null,
        ),
      );
    } else {
      box.append(
        el("div", { className: "banner", dataset: { finding: finding.type } }, finding.message),
      );
    }
  }
}

function renderLegend(doc) {
  const legend = $("legend");
  legend.replaceChildren();
  for (const sp of doc.view.speakers) {
    const chip = el(
      "button",
      {
        type: "button",
        className: "chip",
        title: `show only ${sp.label}`,
        dataset: { key: sp.key },
      },
      el("span", { className: "swatch" }),
      sp.label,
      el("span", { className: "count" }, String(sp.quotes)),
    );
    chip.querySelector(".swatch").style.backgroundColor = sp.colour;
    chip.addEventListener("click", () => focusSpeaker(sp.key));
    legend.append(chip);
  }
}

// Split the text at every quote boundary; each piece is covered by a list of quote spans, outermost
// first. Walking the pieces with a stack of open <mark>s nests inner quotes inside their parents
// (a span that crosses another is split into two marks).
function renderText(doc) {
  const text = doc.text || "";
  const spans = [];
  (doc.quotes || []).forEach((q, order) => {
    for (const [s, e] of q.content) {
      if (Number.isInteger(s) && Number.isInteger(e) && s >= 0 && e <= text.length && s < e) {
        spans.push({ s, e, q, order });
      }
    }
  });
  const cuts = new Set([0, text.length]);
  for (const sp of spans) {
    cuts.add(sp.s);
    cuts.add(sp.e);
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  const outerFirst = (a, b) => a.s - b.s || b.e - a.e || a.order - b.order;
  const container = $("article-text");
  container.replaceChildren();
  const stack = [{ span: null, node: container }];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const a = bounds[i];
    const b = bounds[i + 1];
    const cover = spans.filter((sp) => sp.s <= a && b <= sp.e).sort(outerFirst);
    let keep = 1;
    while (keep < stack.length && keep - 1 < cover.length && stack[keep].span === cover[keep - 1])
      keep++;
    stack.length = keep;
    for (let j = keep - 1; j < cover.length; j++) {
      const mark = quoteMark(doc, cover[j].q, j);
      stack[stack.length - 1].node.append(mark);
      if (j > 0) stack[stack.length - 1].node.classList.add("has-nested");
      stack.push({ span: cover[j], node: mark });
    }
    stack[stack.length - 1].node.append(document.createTextNode(text.slice(a, b)));
  }
}

function quoteMark(doc, q, depth) {
  const who = party(q.speaker) || "unnamed source";
  const mark = el("mark", {
    className: depth > 0 ? "q nested" : "q",
    tabindex: "0",
    title: `${who}: click for details`,
    dataset: { q: q.id },
  });
  const colour = doc.view.quote_colours[q.id] || "#eee";
  mark.style.backgroundColor = colour;
  mark.style.setProperty("--c", colour);
  return mark;
}

function onTextClick(event) {
  const mark = event.target.closest("mark.q");
  if (mark) selectQuote(mark.dataset.q, false);
}

function onTextKey(event) {
  if ((event.key === "Enter" || event.key === " ") && event.target.matches("mark.q")) {
    event.preventDefault();
    selectQuote(event.target.dataset.q, false);
  }
}

function selectQuote(id, scroll) {
  const q = state.byId && state.byId.get(id);
  if (!q) return;
  state.selected = id;
  for (const mark of document.querySelectorAll("#article-text mark.q")) {
    mark.classList.toggle("selected", mark.dataset.q === id);
  }
  if (scroll) {
    const first = document.querySelector(`#article-text mark.q[data-q="${CSS.escape(id)}"]`);
    if (first) first.scrollIntoView({ block: "center" });
  }
  renderDetails(q);
}

function focusSpeaker(key) {
  state.focus = state.focus === key ? null : key;
  const shown = new Set();
  for (const q of state.doc.quotes) {
    const qKey = party(q.speaker) || "?";
    if (state.focus === null || qKey === state.focus) shown.add(q.id);
  }
  for (const mark of document.querySelectorAll("#article-text mark.q")) {
    mark.classList.toggle("dim", !shown.has(mark.dataset.q));
  }
  for (const chip of document.querySelectorAll("#legend .chip")) {
    chip.classList.toggle("active", chip.dataset.key === state.focus);
  }
}

function row(label, ...value) {
  const parts = value.filter((v) => v !== null && v !== undefined && v !== "");
  return parts.length ? [el("dt", {}, label), el("dd", {}, ...parts)] : [];
}

function quoteLink(id) {
  const q = state.byId.get(id);
  const label = q ? `${id}: “${q.text.length > 60 ? q.text.slice(0, 59) + "…" : q.text}”` : id;
  return el(
    "button",
    { type: "button", className: "link", onclick: () => selectQuote(id, true) },
    label,
  );
}

function renderDetails(q) {
  const box = $("details");
  box.replaceChildren();
  if (!q) {
    box.append(
      el(
        "p",
        { className: "hint" },
        "Click a highlighted quote to see who said it, to whom, and through whom.",
      ),
    );
    return;
  }
  const doc = state.doc;
  const text = doc.text || "";
  const who = party(q.speaker) || "unnamed source";
  const mention =
    q.speaker && q.speaker.mention && q.speaker.mention.length
      ? spanText(text, q.speaker.mention)
      : null;
  const occasion = q.occasion
    ? [q.occasion.type, q.occasion.with ? `with ${q.occasion.with}` : null]
        .filter(Boolean)
        .join(" ")
    : null;
  const saidOn = q.said_on
    ? [q.said_on.date, q.said_on.text ? `(“${q.said_on.text}”)` : null].filter(Boolean).join(" ")
    : null;
  const children = doc.quotes.filter((c) => c.parent === q.id).map((c) => quoteLink(c.id));
  const swatch = el("span", { className: "swatch" });
  swatch.style.backgroundColor = doc.view.quote_colours[q.id] || "#eee";
  box.append(
    el("h3", {}, swatch, who),
    el("blockquote", { className: "quote-text" }, q.text),
    el(
      "p",
      { className: "chain", "aria-label": "chain of attribution" },
      doc.view.chains[q.id] || "",
    ),
    el(
      "dl",
      {},
      row("speaker", who, mention && mention !== who ? ` (written “${mention}”)` : null),
      row("addressee", party(q.addressee)),
      row("cue", q.cue && q.cue.length ? spanText(text, q.cue) : null),
      row("hedge", q.hedge),
      row("confidence", typeof q.confidence === "number" ? q.confidence.toFixed(2) : null),
      row("type", q.type),
      row("kind", q.kind),
      row("occasion", occasion),
      row("said on", saidOn),
      row("inside", q.parent ? quoteLink(q.parent) : null),
      row("contains", ...children),
      row("id", q.id),
    ),
  );
}

// -- the graph ----------------------------------------------------------------------------------

function renderGraph(graph) {
  const box = $("graph");
  box.replaceChildren();
  if (!graph || graph.nodes.length <= 1) {
    box.append(el("p", { className: "hint" }, "No quotes, so no one to draw."));
    return;
  }
  const root = svg("svg", {
    viewBox: `0 0 ${graph.width} ${graph.height}`,
    width: graph.width,
    height: graph.height,
    role: "img",
    "aria-label": "who quotes whom",
  });
  const defs = svg("defs");
  const marker = svg("marker", {
    id: "arrow",
    viewBox: "0 0 10 10",
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: "auto-start-reverse",
  });
  marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#555" }));
  defs.append(marker);
  root.append(defs);
  const byNode = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const edge of graph.edges) {
    const g = svg("g", { class: `edge ${edge.kind}` });
    const title = svg("title");
    const from = byNode.get(edge.source);
    const to = byNode.get(edge.target);
    const verb = edge.kind === "addressed" ? "addresses" : edge.kind;
    const names = [from ? from.label : "?", verb, to ? to.label : "?"].join(" ");
    title.textContent = `${names} (${edge.quotes.join(", ")})`;
    const path = svg("path", { d: edge.path, fill: "none", "marker-end": "url(#arrow)" });
    if (edge.dashed) path.setAttribute("stroke-dasharray", "5 4");
    const label = svg("text", {
      x: edge.label_x,
      y: edge.label_y,
      "text-anchor": edge.label_anchor,
    });
    label.textContent = edge.label;
    g.append(title, path, label);
    g.addEventListener("click", () => edge.quotes.length && selectQuote(edge.quotes[0], true));
    root.append(g);
  }
  for (const node of graph.nodes) {
    const g = svg("g", { class: `node ${node.kind}` });
    const title = svg("title");
    title.textContent = node.label;
    const shape = svg("ellipse", {
      cx: node.x,
      cy: node.y,
      rx: node.rx,
      ry: node.ry,
      fill: node.colour,
    });
    const label = svg("text", { x: node.x, y: node.y + 4, "text-anchor": "middle" });
    label.textContent = node.short;
    g.append(title, shape, label);
    if (node.kind === "speaker") {
      g.addEventListener("click", () =>
        focusSpeaker(node.label === "unnamed source" ? "?" : node.label),
      );
    }
    root.append(g);
  }
  box.append(root);
}

// -- search and trace ---------------------------------------------------------------------------

function formParams(form) {
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(form).entries()) {
    if (String(value).trim()) params.set(key, String(value).trim());
  }
  return params;
}

function fillForm(form, params) {
  for (const [key, value] of params.entries()) {
    const input = form.elements.namedItem(key);
    if (input && "value" in input) input.value = value;
  }
}

function speakerHref(speakerId) {
  return `/speakers/${encodeURIComponent(speakerId)}`;
}

function quoteHref(quoteId) {
  return `/quotes/${encodeURIComponent(quoteId)}`;
}

function articleHref(articleId, quoteId) {
  return `/articles/${encodeURIComponent(articleId)}${quoteId ? "#" + encodeURIComponent(quoteId) : ""}`;
}

function quoteCard(item, stamp) {
  const who = item.speaker || "unnamed source";
  const bits = [
    item.addressee ? `to ${item.addressee}` : null,
    item.outlet,
    stamp ? null : item.date,
  ].filter(Boolean);
  return el(
    "li",
    { className: "result" },
    stamp || null,
    el("blockquote", {}, item.text),
    el(
      "p",
      { className: "who" },
      item.speaker_id
        ? el("a", { href: speakerHref(item.speaker_id), className: "speaker-link" }, who)
        : el("strong", {}, who),
      bits.length ? ` · ${bits.join(" · ")}` : "",
    ),
    item.chain ? el("p", { className: "chain" }, item.chain) : null,
    el(
      "p",
      { className: "links" },
      item.article_id
        ? el(
            "a",
            { href: articleHref(item.article_id, item.quote_id) },
            item.title || item.article_id,
          )
        : null,
      " · ",
      el("a", { href: quoteHref(item.quote_id || item.id), className: "quote-link" }, "quote page"),
      stamp ? null : " · ",
      stamp
        ? null
        : el(
            "a",
            { href: `/trace?q=${encodeURIComponent(item.text.slice(0, 2000))}` },
            "trace this quote",
          ),
    ),
  );
}

async function initSearch() {
  const form = $("search-form");
  const params = new URLSearchParams(window.location.search);
  fillForm(form, params);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const p = formParams(form);
    history.replaceState(null, "", `/search?${p}`);
    runSearch(p);
  });
  try {
    const speakers = await api("/api/speakers");
    const list = $("speaker-names");
    for (const sp of speakers.speakers || []) list.append(el("option", { value: sp.name }));
  } catch (err) {
    setStatus(
      "search-status",
      err.status === 503 ? "No store is configured: start the server with --db FILE." : err.message,
      true,
    );
    return;
  }
  if ([...params.keys()].length) runSearch(params);
}

async function runSearch(params) {
  const list = $("search-results");
  list.replaceChildren();
  setStatus("search-status", "Searching…");
  try {
    const data = await api(`/api/quotes?${params}`);
    const results = data.results || [];
    setStatus("search-status", `${results.length} quote${results.length === 1 ? "" : "s"}`);
    for (const item of results) list.append(quoteCard(item));
  } catch (err) {
    setStatus("search-status", err.message, true);
  }
}

function initTrace() {
  const form = $("trace-form");
  const params = new URLSearchParams(window.location.search);
  fillForm(form, params);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const p = formParams(form);
    history.replaceState(null, "", `/trace?${p}`);
    runTrace(p);
  });
  if (params.get("q")) runTrace(params);
}

async function runTrace(params) {
  const list = $("trace-results");
  list.replaceChildren();
  if (!params.get("q")) return;
  setStatus("trace-status", "Tracing…");
  try {
    const data = await api(`/api/trace?${params}`);
    const items = data.appearances || [];
    setStatus(
      "trace-status",
      `${items.length} appearance${items.length === 1 ? "" : "s"}, from the first on`,
    );
    const who = (data.speakers || []).map((s) => `${s.name} (${s.count})`).join(", ");
    if (who) {
      const summary = el(
        "li",
        { className: data.conflicting_speakers ? "summary conflict" : "summary" },
        `Attributed to: ${who}`,
      );
      if (data.conflicting_speakers)
        summary.append(el("strong", {}, " — attributed to different people in different places"));
      list.append(summary);
    }
    items.forEach((item, i) => {
      const when = el("time", { className: "when" }, item.date || "undated");
      list.append(
        quoteCard(
          item,
          el(
            "div",
            { className: "stamp" },
            when,
            i === 0 ? el("span", { className: "first" }, "first seen") : null,
          ),
        ),
      );
    });
  } catch (err) {
    if (err.status === 404) {
      setStatus("trace-status", "No stored quote matches.");
      return;
    }
    setStatus(
      "trace-status",
      err.status === 503 ? "No store is configured: start the server with --db FILE." : err.message,
      true,
    );
  }
}

// -- add by URL (only when the server runs with --allow-fetch) ----------------------------------

async function showFetchForm() {
  try {
    const health = await api("/api/health");
    $("fetch-form").hidden = !health.fetch || /^\/articles\//.test(window.location.pathname);
  } catch (err) {
    $("fetch-form").hidden = true;
  }
}

async function onFetch(event) {
  event.preventDefault();
  const url = $("fetch-url").value.trim();
  if (!url) return;
  const button = $("fetch-button");
  button.disabled = true;
  setStatus("status", "Fetching the page…");
  try {
    const doc = await api("/api/fetch", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ url }),
    });
    if (doc.stored) {
      window.location.assign(articleHref(doc.id));
      return;
    }
    showDocument(doc);
    setStatus("status", "");
  } catch (err) {
    setStatus("status", `Could not add ${url}: ${err.message}`, true);
  } finally {
    button.disabled = false;
  }
}

// -- the speaker page ----------------------------------------------------------------------------

function factList(id, items, label) {
  const list = $(id);
  list.replaceChildren();
  if (!items.length) list.append(el("li", { className: "none" }, "none found"));
  for (const item of items) list.append(el("li", {}, label(item)));
}

function personLink(item) {
  const name = item.name || "unnamed";
  const text = `${name} (${item.count})`;
  return item.speaker_id ? el("a", { href: speakerHref(item.speaker_id) }, text) : text;
}

async function initSpeaker(id) {
  setStatus("speaker-status", "Loading…");
  try {
    const sp = await api(`/api/speakers/${encodeURIComponent(id)}`);
    document.title = `${sp.name}: quotetrace`;
    $("speaker-box").hidden = false;
    $("speaker-name").textContent = sp.name;
    const span = sp.first_date ? `${sp.first_date} to ${sp.last_date}` : "undated";
    const names = (sp.written_as || []).map((n) => n.name).join(", ");
    $("speaker-meta").textContent =
      `${sp.count} quote${sp.count === 1 ? "" : "s"} in ${sp.articles} article${sp.articles === 1 ? "" : "s"}, ${span}` +
      (names ? ` · written as: ${names}` : "");
    renderChart($("speaker-chart"), sp.timeline);
    factList("speaker-occasions", sp.occasions, (o) => `${o.occasion} (${o.count})`);
    factList("speaker-addressees", sp.addressees, (a) => `${a.name} (${a.count})`);
    factList("speaker-quotes-whom", sp.quotes_whom, personLink);
    factList("speaker-quoted-by", sp.quoted_by, personLink);
    factList("speaker-outlets", sp.reported_by, (o) => `${o.outlet} (${o.count})`);
    const list = $("speaker-quotes");
    list.replaceChildren();
    for (const q of sp.quotes) {
      const extra = [
        q.occasion ? q.occasion.type + (q.occasion.with ? ` with ${q.occasion.with}` : "") : null,
        q.said_on && q.said_on.text ? `said ${q.said_on.text}` : null,
      ].filter(Boolean);
      const card = quoteCard(
        { ...q, quote_id: q.id, speaker_id: null },
        el("div", { className: "stamp" }, el("time", { className: "when" }, q.date || "undated")),
      );
      if (extra.length) card.append(el("p", { className: "chain" }, extra.join(" · ")));
      if (q.url && /^https?:\/\//i.test(q.url)) {
        card.append(
          el(
            "p",
            { className: "links" },
            el("a", { href: q.url, rel: "noopener noreferrer nofollow", target: "_blank" }, q.url),
          ),
        );
      }
      list.append(card);
    }
    setStatus("speaker-status", "");
  } catch (err) {
    setStatus(
      "speaker-status",
      err.status === 503 ? "No store is configured: start the server with --db FILE." : err.message,
      true,
    );
  }
}

// Quotes per week as bars; every label is a text node.
function renderChart(box, timeline) {
  box.replaceChildren();
  const weeks = (timeline && timeline.weeks) || [];
  if (!weeks.length) {
    box.append(el("p", { className: "none" }, "No dated quotes."));
    return;
  }
  const bar = Math.max(4, Math.min(48, Math.floor(900 / weeks.length)));
  const height = 140;
  const top = 16;
  const bottom = 28;
  const left = 32;
  const width = left + weeks.length * bar + 10;
  const max = Math.max(1, timeline.max || 1);
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height + top + bottom}`,
    width,
    height: height + top + bottom,
    role: "img",
    class: "week-chart",
  });
  const title = svg("title", {});
  title.textContent = `Quotes per week, ${weeks[0].week} to ${weeks[weeks.length - 1].week}`;
  chart.append(title);
  chart.append(svg("line", { x1: left, y1: top + height, x2: width, y2: top + height, class: "axis" }));
  const maxLabel = svg("text", { x: left - 6, y: top + 4, "text-anchor": "end", class: "tick" });
  maxLabel.textContent = String(max);
  chart.append(maxLabel);
  weeks.forEach((w, i) => {
    const h = Math.round((w.count / max) * height);
    const rect = svg("rect", {
      x: left + i * bar + 1,
      y: top + height - h,
      width: bar - 2,
      height: h,
      class: "bar",
      "data-week": w.week,
      "data-count": w.count,
    });
    const tip = svg("title", {});
    tip.textContent = `week of ${w.week}: ${w.count} quote${w.count === 1 ? "" : "s"}`;
    rect.append(tip);
    chart.append(rect);
  });
  const ends = weeks.length * bar >= 160 ? [[0, "start"], [weeks.length - 1, "end"]] : [[0, "start"]];
  for (const [i, anchor] of ends) {
    const label = svg("text", {
      x: anchor === "start" ? left : left + weeks.length * bar,
      y: top + height + 18,
      "text-anchor": anchor,
      class: "tick",
    });
    label.textContent = weeks[i].week;
    chart.append(label);
  }
  box.append(chart);
  const range = `weeks of ${weeks[0].week} to ${weeks[weeks.length - 1].week}`;
  const undated = timeline.undated ? ` · ${timeline.undated} undated` : "";
  box.append(el("p", { className: "meta" }, range + undated));
}

// -- the quote page ------------------------------------------------------------------------------

async function initQuote(id) {
  setStatus("quote-status", "Loading…");
  try {
    const data = await api(`/api/quote/${encodeURIComponent(id)}`);
    const q = data.quote;
    document.title = `“${q.text.slice(0, 60)}”: quotetrace`;
    $("quote-box").hidden = false;
    $("quote-text").textContent = q.text;
    const who = $("quote-who");
    who.replaceChildren(
      q.speaker_id
        ? el("a", { href: speakerHref(q.speaker_id), className: "speaker-link" }, q.speaker)
        : el("strong", {}, q.speaker_as_written || "unnamed source"),
      q.addressee ? ` to ${q.addressee}` : "",
    );
    const facts = $("quote-facts");
    facts.replaceChildren();
    const rows = [
      ["Type", `${q.type}, ${q.kind}`],
      ["Published", [q.date, q.outlet].filter(Boolean).join(" · ") || "undated"],
      ["Said", q.said_on ? q.said_on.text : null],
      ["Occasion", q.occasion ? q.occasion.type + (q.occasion.with ? ` with ${q.occasion.with}` : "") : null],
      ["Hedge", q.hedge],
      ["Article", el("a", { href: articleHref(q.article_id, q.id) }, q.title || q.article_id)],
      [
        "Export",
        el(
          "span",
          {},
          el("a", { href: `/api/quote/${encodeURIComponent(q.id)}/claimreview` }, "ClaimReview JSON-LD"),
          " · ",
          el("a", { href: `/api/quote/${encodeURIComponent(q.id)}/annotation` }, "Web Annotation"),
        ),
      ],
      [
        "Source",
        q.url && /^https?:\/\//i.test(q.url)
          ? el("a", { href: q.url, rel: "noopener noreferrer nofollow", target: "_blank" }, q.url)
          : null,
      ],
    ];
    for (const [label, value] of rows) {
      if (!value) continue;
      facts.append(el("dt", {}, label), el("dd", {}, value));
    }
    const ctx = q.context;
    $("quote-context").replaceChildren(
      ctx.cut_before ? "…" : "",
      ctx.before,
      el("mark", { className: "quote-mark-ctx" }, ctx.quote),
      ctx.after,
      ctx.cut_after ? "…" : "",
    );
    const nesting = $("quote-nesting");
    nesting.replaceChildren();
    if (data.parent) {
      nesting.append(
        el(
          "p",
          {},
          "Inside a quote by ",
          data.parent.speaker || data.parent.speaker_as_written || "an unnamed source",
          ": ",
          el("a", { href: quoteHref(data.parent.id) }, `“${data.parent.text.slice(0, 120)}”`),
        ),
      );
    }
    for (const child of data.nested || []) {
      nesting.append(
        el(
          "p",
          {},
          "Quotes ",
          child.speaker || child.speaker_as_written || "an unnamed source",
          ": ",
          el("a", { href: quoteHref(child.id) }, `“${child.text.slice(0, 120)}”`),
        ),
      );
    }
    const list = $("quote-trace");
    list.replaceChildren();
    const trace = data.trace || { appearances: [] };
    trace.appearances.forEach((item, i) => {
      const stamp = el(
        "div",
        { className: "stamp" },
        el("time", { className: "when" }, item.date || "undated"),
        i === 0 ? el("span", { className: "first" }, "first seen") : null,
        item.quote_id === q.id ? el("span", { className: "this" }, "this one") : null,
      );
      list.append(quoteCard(item, stamp));
    });
    if (trace.conflicting_speakers) {
      list.prepend(
        el(
          "li",
          { className: "summary conflict" },
          "Attributed to different people in different places: ",
          trace.speakers.map((s) => `${s.name} (${s.count})`).join(", "),
        ),
      );
    }
    setStatus("quote-status", "");
  } catch (err) {
    setStatus(
      "quote-status",
      err.status === 503 ? "No store is configured: start the server with --db FILE." : err.message,
      true,
    );
  }
}

// -- start --------------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  $("article-text").addEventListener("click", onTextClick);
  $("article-text").addEventListener("keydown", onTextKey);
  route();
});
