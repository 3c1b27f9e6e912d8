// Capture the open tab through the browser's debugger (Chrome DevTools Protocol).
//
// Fidelity path "chromium-debugger-reload": the debugger only holds the bodies of the
// answers that arrive while it listens, so after taking the viewport screenshot and
// reading the page as the person sees it, the page is loaded again under the debugger
// and every answer is recorded as it arrives (Network.getResponseBody). Chosen over a
// "start recording first" mode because it needs one click when the harassment is
// already on screen; the record says the page was reloaded, and the viewport
// screenshot is the page as it was seen before that.
//
// Text bodies come from the debugger as text (decoded by the browser); they are sent as
// UTF-8 and marked "text" so that the record can say so. Binary bodies arrive as bytes.

import {HostError, fromBase64, openHost} from "./host.js";
import {ownHash} from "./hash.js";
import {captureTabFirefox, firefoxWebRequest} from "./capture_firefox.js";

const PROTOCOL = "1.3";
const LOAD_TIMEOUT_MS = 30000;
const QUIET_MS = 1000;
const QUIET_MAX_MS = 10000;
const HEIGHT_CAP = 120000; // as the headless capture: tiles of TILE pixels down to here
const TILE = 16000;        // below the 16,384 px a single image may have
const FIDELITY = "chromium-debugger-reload";

const send = (target, method, params = {}) => chrome.debugger.sendCommand(target, method, params);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function headerPairs(headers) {
  return Object.entries(headers || {}).flatMap(([name, value]) =>
    String(value).split("\n").map((v) => [name, v]));
}

function isoOf(wallSeconds) {
  return wallSeconds ? new Date(wallSeconds * 1000).toISOString() : "";
}

// -- network recording ------------------------------------------------------------------

class Recorder {
  constructor(target) {
    this.target = target;
    this.requests = new Map(); // requestId → record
    this.done = [];            // finished records (with body promises)
    this.inflight = new Set();
    this.loaded = null;
    this.lastActivity = Date.now();
    this.listener = (source, method, params) => {
      if (source.tabId === target.tabId) this.#event(method, params);
    };
  }

  start() {
    chrome.debugger.onEvent.addListener(this.listener);
    this.loadedPromise = new Promise((resolve) => { this.loaded = resolve; });
  }

  stop() {
    chrome.debugger.onEvent.removeListener(this.listener);
  }

  #event(method, p) {
    this.lastActivity = Date.now();
    if (method === "Network.requestWillBeSent") this.#sent(p);
    else if (method === "Network.requestWillBeSentExtraInfo") this.#extra(p.requestId, "rawRequest", p.headers);
    else if (method === "Network.responseReceivedExtraInfo") this.#extra(p.requestId, "rawResponse", p.headers);
    else if (method === "Network.responseReceived") this.#response(p);
    else if (method === "Network.loadingFinished") this.#finished(p.requestId);
    else if (method === "Network.loadingFailed") this.#failed(p.requestId);
    else if (method === "Page.loadEventFired" && this.loaded) this.loaded();
  }

  #record(id) {
    if (!this.requests.has(id)) this.requests.set(id, {id, url: "", method: "GET"});
    return this.requests.get(id);
  }

  #sent(p) {
    const old = this.requests.get(p.requestId);
    if (old && p.redirectResponse) { // the redirect answer: an exchange of its own, no body
      this.#fill(old, p.redirectResponse);
      old.id = `${p.requestId}.${this.done.length}`;
      old.body = Promise.resolve(null);
      this.done.push(old);
      this.requests.delete(p.requestId);
    }
    const rec = this.#record(p.requestId);
    Object.assign(rec, {url: p.request.url, method: p.request.method,
                        requestHeaders: headerPairs(p.request.headers),
                        started: isoOf(p.wallTime), resourceType: p.type || ""});
    this.inflight.add(p.requestId);
  }

  #extra(id, key, headers) {
    this.#record(id)[key] = headerPairs(headers);
  }

  #fill(rec, r) {
    Object.assign(rec, {status: r.status, statusText: r.statusText || "",
                        responseHeaders: headerPairs(r.headers),
                        httpVersion: /^h2|http\/2/i.test(r.protocol || "") ? "HTTP/2" : "HTTP/1.1",
                        serverIp: r.remoteIPAddress || ""});
  }

  #response(p) {
    const rec = this.#record(p.requestId);
    this.#fill(rec, p.response);
    if (p.type) rec.resourceType = p.type;
  }

  #finished(id) {
    this.inflight.delete(id);
    const rec = this.requests.get(id);
    if (!rec || rec.status === undefined) return;
    rec.body = send(this.target, "Network.getResponseBody", {requestId: id})
      .then((b) => b.base64Encoded
        ? {bytes: fromBase64(b.body), encoding: "bytes"}
        : {bytes: new TextEncoder().encode(b.body), encoding: "text"})
      .catch(() => null);
    this.done.push(rec);
    this.requests.delete(id);
  }

  #failed(id) {
    this.inflight.delete(id);
    this.requests.delete(id);
  }

  // until the page's load event (at most LOAD_TIMEOUT_MS), then until the network has
  // been quiet for QUIET_MS (at most QUIET_MAX_MS more): what was still pending is said
  async settle() {
    const began = Date.now();
    const timeout = sleep(LOAD_TIMEOUT_MS).then(() => false);
    const loaded = await Promise.race([this.loadedPromise.then(() => true), timeout]);
    const until = Date.now() + QUIET_MAX_MS;
    while (Date.now() < until && (this.inflight.size || Date.now() - this.lastActivity < QUIET_MS)) {
      await sleep(200);
    }
    return {loaded, pending: this.inflight.size, waited: (Date.now() - began) / 1000,
            load_timeout: LOAD_TIMEOUT_MS / 1000};
  }
}

// -- page files -------------------------------------------------------------------------

async function probe(target, script) {
  if (!script) return null;
  const tree = await send(target, "Page.getFrameTree");
  const world = await send(target, "Page.createIsolatedWorld",
                           {frameId: tree.frameTree.frame.id, worldName: "spoorvast-probe"});
  const answer = await send(target, "Runtime.evaluate", {
    expression: script, contextId: world.executionContextId, returnByValue: true, timeout: 3000});
  return answer?.result?.value ?? null;
}

async function viewportShot(target) {
  const shot = await send(target, "Page.captureScreenshot", {format: "png"});
  return fromBase64(shot.data);
}

async function fullShot(target) {
  const metrics = await send(target, "Page.getLayoutMetrics");
  const size = metrics.cssContentSize || metrics.contentSize;
  const width = Math.ceil(size.width), pageHeight = Math.ceil(size.height);
  const height = Math.min(pageHeight, HEIGHT_CAP);
  const tiles = [];
  for (let y = 0; y < height; y += TILE) {
    const shot = await send(target, "Page.captureScreenshot", {
      format: "png", captureBeyondViewport: true,
      clip: {x: 0, y, width, height: Math.min(TILE, height - y), scale: 1}});
    tiles.push(fromBase64(shot.data));
  }
  return {tiles, width, height, pageHeight};
}

const tileName = (n) => (n === 0 ? "full-page.png" : `full-page-${n + 1}.png`);

async function optional(name, step, notes) {
  try {
    return await step();
  } catch (e) {
    notes.push(`${name}: ${String(e?.message || e).slice(0, 200)}`);
    return null;
  }
}

// -- the capture ------------------------------------------------------------------------

export async function browserFacts() {
  const facts = {user_agent: navigator.userAgent, version: null, brands: []};
  try {
    const high = await navigator.userAgentData.getHighEntropyValues(["fullVersionList"]);
    facts.brands = (high.fullVersionList || []).map((b) => `${b.brand} ${b.version}`);
    const main = (high.fullVersionList || []).find((b) => /Chrom|Edge|Brave|Opera/.test(b.brand));
    facts.version = main ? `${main.brand} ${main.version}` : null;
  } catch (e) { // userAgentData missing (Firefox): the user agent says what it says
    const firefox = /Firefox\/([\d.]+)/.exec(navigator.userAgent);
    facts.version = firefox ? `Firefox ${firefox[1]}` : null;
  }
  return facts;
}

async function record(target, script, notes) {
  const seen = await optional("probe", () => probe(target, script), notes);
  const viewport = await viewportShot(target);
  const recorder = new Recorder(target);
  let settled = null;
  recorder.start();
  try {
    await send(target, "Page.enable");
    await send(target, "Network.enable", {maxTotalBufferSize: 400e6, maxResourceBufferSize: 200e6});
    await send(target, "Network.setCacheDisabled", {cacheDisabled: true});
    await send(target, "Page.reload", {ignoreCache: true});
    settled = await recorder.settle();
  } finally {
    recorder.stop();
  }
  const files = {"viewport.png": viewport};
  const full = await optional("full-page", () => fullShot(target), notes);
  if (full) full.tiles.forEach((bytes, n) => { files[tileName(n)] = bytes; });
  const mhtml = await optional("mhtml", () => send(target, "Page.captureSnapshot", {format: "mhtml"}), notes);
  if (mhtml) files["page.mhtml"] = new TextEncoder().encode(mhtml.data);
  const pdf = await optional("pdf", () => send(target, "Page.printToPDF", {printBackground: true}), notes);
  if (pdf) files["page.pdf"] = fromBase64(pdf.data);
  await optional("cache", () => send(target, "Network.setCacheDisabled", {cacheDisabled: false}), notes);
  return {seen, files, full, settled, exchanges: recorder.done};
}

async function pageFacts(tab, choice, taken, notes) {
  const {seen, full, settled} = taken;
  const shown = await chrome.tabs.get(tab.id);
  const metrics = {width: full?.width ?? null, captured_height: full?.height ?? null,
                   page_height: full?.pageHeight ?? null, height_cap: HEIGHT_CAP,
                   tile_height: TILE};
  return {
    url: shown.url || tab.url, title: shown.title || tab.title || "",
    captured_at: choice.startedAt, browser: await browserFacts(),
    extension: {id: chrome.runtime.id, version: chrome.runtime.getManifest().version,
                sha256: await ownHash()},
    fidelity: FIDELITY, reloaded: true, probe: seen, viewport: metrics, settle: settled,
    language: chrome.i18n.getUILanguage(), time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    case: choice.case || "", checklist: choice.checklist || "", note: (choice.note || "").slice(0, 300),
    notes,
  };
}

// one recorded answer as one stream to the host (its body awaited first)
export async function sendResponse(host, id, ex) {
  const body = await ex.body;
  await host.stream(id, {
    kind: "response", url: ex.url, method: ex.method, status: ex.status,
    status_text: ex.statusText, http_version: ex.httpVersion,
    request_headers: ex.rawRequest || ex.requestHeaders || [],
    response_headers: ex.rawResponse || ex.responseHeaders || [],
    server_ip: ex.serverIp, started: ex.started, resource_type: ex.resourceType,
    body_encoding: body ? body.encoding : "missing"}, body ? body.bytes : new Uint8Array());
}

async function sendAll(host, meta, exchanges, files) {
  await host.ask({type: "begin", meta}, "begun");
  let n = 0;
  for (const ex of exchanges) await sendResponse(host, `r${++n}`, ex);
  for (const [name, bytes] of Object.entries(files)) {
    await host.stream(`f-${name}`, {kind: "file", name}, bytes);
  }
  return host.ask({type: "end"}, "done");
}

export async function captureTab(tabId, choice = {}) {
  // Firefox: no debugger API; its webRequest filters see the bodies instead
  const firefox = globalThis.chrome?.debugger ? null : firefoxWebRequest();
  if (firefox) return captureTabFirefox(firefox, tabId, choice);
  const tab = await chrome.tabs.get(tabId);
  if (!/^https?:/.test(tab.url || "")) throw new HostError("not-a-web-page");
  const [host, ready] = await openHost();
  const target = {tabId};
  try {
    const started = {...choice, startedAt: Date.now()};
    await chrome.debugger.attach(target, PROTOCOL).catch(() => { throw new HostError("debugger"); });
    let taken;
    const notes = [];
    try {
      taken = await record(target, ready.probe, notes);
    } finally {
      await chrome.debugger.detach(target).catch(() => {});
    }
    const meta = await pageFacts(tab, started, taken, notes);
    const done = await sendAll(host, meta, taken.exchanges, taken.files);
    return {where: done.where, label: done.label || null, account: done.account || null,
            viewer: done.viewer || null, entry: done.entry, responses: taken.exchanges.length};
  } finally {
    host.close();
  }
}

export async function captureActiveTab(choice = {}) {
  const [tab] = (await chrome.tabs.query({active: true, lastFocusedWindow: true})).length
    ? await chrome.tabs.query({active: true, lastFocusedWindow: true})
    : await chrome.tabs.query({active: true});
  if (!tab) throw new HostError("no-tab");
  return captureTab(tab.id, choice);
}
