// Capture the open tab in Firefox, which has no debugger API: webRequest sees every
// answer's headers, status, server address and redirects, and filterResponseData every
// body as the network delivered it (after the transfer's compression is undone, before
// any decoding of text: a page in windows-1252 keeps its bytes).
//
// Fidelity path "firefox-webrequest-reload": as in Chromium, the filters only see the
// answers that arrive while they listen, so after the viewport screenshot the page is
// loaded again and every answer is recorded as it arrives. Firefox makes no MHTML or
// PDF of a page for an extension, and answers served by a service worker or from
// memory are not seen: the record says which path was taken.
//
// Streamed: the capture begins at the host before the reload, and each answer goes to
// the host as soon as it is complete (one stream at a time, in the order they end), so
// only the answers still arriving or waiting their turn are held, each as the chunks
// that arrived. The host hashes every stream as it arrives and the extension sends its
// own SHA-256 with it; the facts known only at the end (title, timings) come with "end".

import {HostError, openHost} from "./host.js";
import {browserFacts, sendResponse} from "./capture.js";
import {ownHash} from "./hash.js";

const LOAD_TIMEOUT_MS = 30000;
const QUIET_MS = 1000;
const QUIET_MAX_MS = 10000;
const HEIGHT_CAP = 120000;
const TILE = 16000;
export const FIDELITY = "firefox-webrequest-reload";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// the browser namespace of Firefox (filterResponseData lives there only)
export function firefoxWebRequest() {
  const api = globalThis.browser?.webRequest;
  return api && typeof api.filterResponseData === "function" ? api : null;
}

export const headerPairs = (headers) => (headers || []).map((h) =>
  [String(h.name), h.value !== undefined ? String(h.value)
    : new TextDecoder().decode(new Uint8Array(h.binaryValue || []))]);

// "HTTP/1.1 200 OK" → "HTTP/1.1"; "HTTP/2 200" → "HTTP/2"
export function httpVersion(statusLine) {
  const m = /^(HTTP\/[\d.]+)\s/i.exec(statusLine || "");
  return m ? m[1].toUpperCase() : "HTTP/1.1";
}

export function statusText(statusLine) {
  const m = /^HTTP\/[\d.]+\s+\d{3}\s*(.*)$/i.exec(statusLine || "");
  return m ? m[1] : "";
}

// Firefox's resource types as the debugger names them (the page's own answer: Document)
const TYPES = {main_frame: "Document", sub_frame: "Document", stylesheet: "Stylesheet",
               script: "Script", image: "Image", imageset: "Image", font: "Font",
               xmlhttprequest: "XHR", media: "Media", websocket: "WebSocket"};

export class Recorder {
  constructor(webRequest, tabId, finished) {
    this.api = webRequest;
    this.tabId = tabId;
    this.finished = finished; // called with each complete answer, in the order they end
    this.requests = new Map(); // requestId → record
    this.count = 0;
    this.inflight = new Set();
    this.lastActivity = Date.now();
    const filter = {urls: ["<all_urls>"], tabId};
    this.listeners = [
      [this.api.onBeforeRequest, (d) => this.#before(d), filter, ["blocking"]],
      [this.api.onSendHeaders, (d) => this.#sent(d), filter, ["requestHeaders"]],
      [this.api.onHeadersReceived, (d) => this.#headers(d), filter, ["responseHeaders"]],
      [this.api.onResponseStarted, (d) => this.#started(d), filter, undefined],
      [this.api.onBeforeRedirect, (d) => this.#redirect(d), filter, ["responseHeaders"]],
      [this.api.onCompleted, (d) => this.#completed(d), filter, undefined],
      [this.api.onErrorOccurred, (d) => this.#failed(d), filter, undefined],
    ];
  }

  start() {
    for (const [event, fn, filter, extra] of this.listeners) {
      if (extra) event.addListener(fn, filter, extra);
      else event.addListener(fn, filter);
    }
  }

  stop() {
    for (const [event, fn] of this.listeners) event.removeListener(fn);
  }

  #record(d) {
    this.lastActivity = Date.now();
    if (!this.requests.has(d.requestId)) {
      this.requests.set(d.requestId, {url: d.url, method: d.method || "GET", chunks: [],
                                      size: 0, requestHeaders: [], bodyDone: null});
    }
    return this.requests.get(d.requestId);
  }

  #before(d) {
    const rec = this.#record(d);
    Object.assign(rec, {url: d.url, method: d.method, started: new Date(d.timeStamp).toISOString(),
                        resourceType: TYPES[d.type] || d.type || ""});
    this.inflight.add(d.requestId);
    let stream;
    try {
      stream = this.api.filterResponseData(d.requestId);
    } catch (e) {
      return {}; // not filterable (a data: URL, the cache of another tab): no body
    }
    rec.bodyDone = new Promise((resolve) => {
      stream.ondata = (event) => {
        this.lastActivity = Date.now();
        const chunk = new Uint8Array(event.data);
        rec.chunks.push(chunk);
        rec.size += chunk.length;
        stream.write(event.data); // the page gets every byte unchanged
      };
      stream.onstop = () => { stream.close(); resolve(true); };
      stream.onerror = () => resolve(false);
    });
    return {};
  }

  #sent(d) {
    this.#record(d).requestHeaders = headerPairs(d.requestHeaders);
  }

  #headers(d) {
    const rec = this.#record(d);
    Object.assign(rec, {status: d.statusCode, statusText: statusText(d.statusLine),
                        httpVersion: httpVersion(d.statusLine),
                        responseHeaders: headerPairs(d.responseHeaders)});
  }

  #started(d) {
    const rec = this.#record(d);
    rec.serverIp = d.ip || "";
  }

  // the redirect answer: an exchange of its own, without body; the request goes on
  #redirect(d) {
    const rec = this.#record(d);
    this.#done({...rec, status: d.statusCode, statusText: statusText(d.statusLine),
                    httpVersion: httpVersion(d.statusLine), serverIp: d.ip || "",
                    responseHeaders: headerPairs(d.responseHeaders), chunks: [], size: 0,
                    bodyDone: Promise.resolve(false), redirect: true});
    Object.assign(rec, {chunks: [], size: 0, url: d.redirectUrl});
  }

  #completed(d) {
    const rec = this.#record(d);
    if (d.ip) rec.serverIp = d.ip;
    if (rec.status === undefined) rec.status = d.statusCode;
    this.inflight.delete(d.requestId);
    this.requests.delete(d.requestId);
    this.#done(rec);
  }

  #done(rec) {
    if (rec.status === undefined) return;
    this.count += 1;
    this.finished(exchangeOf(rec));
  }

  #failed(d) {
    this.lastActivity = Date.now();
    this.inflight.delete(d.requestId);
    this.requests.delete(d.requestId);
  }

  // until the tab has loaded (at most LOAD_TIMEOUT_MS), then until the network has been
  // quiet for QUIET_MS (at most QUIET_MAX_MS more)
  async settle(loadedPromise) {
    const began = Date.now();
    const loaded = await Promise.race([loadedPromise.then(() => true),
                                       sleep(LOAD_TIMEOUT_MS).then(() => false)]);
    const until = Date.now() + QUIET_MAX_MS;
    while (Date.now() < until && (this.inflight.size || Date.now() - this.lastActivity < QUIET_MS)) {
      await sleep(200);
    }
    return {loaded, pending: this.inflight.size, waited: (Date.now() - began) / 1000,
            load_timeout: LOAD_TIMEOUT_MS / 1000};
  }
}

const exchangeOf = (rec) => ({
  url: rec.url, method: rec.method, status: rec.status, statusText: rec.statusText || "",
  httpVersion: rec.httpVersion || "HTTP/1.1", requestHeaders: rec.requestHeaders,
  responseHeaders: rec.responseHeaders || [], serverIp: rec.serverIp || "",
  started: rec.started || "", resourceType: rec.resourceType || "", body: bodyOf(rec)});

// Sends what is pushed to the host one stream at a time, while recording goes on; the
// first failure stops it (flush says it).
export class Sender {
  constructor(host) {
    this.host = host;
    this.queue = [];
    this.running = null;
    this.failed = null;
    this.n = 0;
  }

  response(ex) {
    this.#push(() => sendResponse(this.host, `r${++this.n}`, ex));
  }

  file(name, bytes) {
    this.#push(() => this.host.stream(`f-${name}`, {kind: "file", name}, bytes));
  }

  #push(step) {
    if (this.failed) return;
    this.queue.push(step);
    if (!this.running) this.running = this.#drain();
  }

  async #drain() {
    try {
      while (this.queue.length && !this.failed) await this.queue.shift()();
    } catch (e) {
      this.failed = e;
      this.queue = [];
    } finally {
      this.running = null;
    }
  }

  async flush() {
    while (this.running) await this.running;
    if (this.failed) throw this.failed;
  }
}

// one body: the chunks as they arrived, joined only when it is sent
export async function bodyOf(rec) {
  // a filter that never ends (it should not) leaves the body missing, not the capture hung
  const whole = rec.bodyDone
    ? await Promise.race([rec.bodyDone, sleep(LOAD_TIMEOUT_MS).then(() => false)]) : false;
  if (rec.redirect) return {bytes: new Uint8Array(), encoding: "bytes"};
  if (!whole) return null;
  const bytes = new Uint8Array(rec.size);
  let at = 0;
  for (const chunk of rec.chunks) { bytes.set(chunk, at); at += chunk.length; }
  rec.chunks = [];
  return {bytes, encoding: "bytes"};
}

function loadedAfterReload(tabId) {
  return new Promise((resolve) => {
    const seen = (id, change) => {
      if (id === tabId && change.status === "complete") {
        chrome.tabs.onUpdated.removeListener(seen);
        resolve();
      }
    };
    chrome.tabs.onUpdated.addListener(seen);
  });
}

async function optional(name, step, notes) {
  try {
    return await step();
  } catch (e) {
    notes.push(`${name}: ${String(e?.message || e).slice(0, 200)}`);
    return null;
  }
}

const dataUrlBytes = (url) => {
  const binary = atob(url.slice(url.indexOf(",") + 1));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
};

// Firefox's tabs.captureTab takes any tab (not only the active one) and any rectangle
async function viewportShot(tabId) {
  return dataUrlBytes(await globalThis.browser.tabs.captureTab(tabId, {format: "png"}));
}

async function fullShot(tabId) {
  const [{result}] = await chrome.scripting.executeScript({target: {tabId}, func: () => ({
    width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight})});
  const width = Math.ceil(result.width), pageHeight = Math.ceil(result.height);
  const height = Math.min(pageHeight, HEIGHT_CAP);
  const tiles = [];
  for (let y = 0; y < height; y += TILE) {
    const rect = {x: 0, y, width, height: Math.min(TILE, height - y)};
    tiles.push(dataUrlBytes(await globalThis.browser.tabs.captureTab(tabId, {format: "png", rect})));
  }
  return {tiles, width, height, pageHeight};
}

const tileName = (n) => (n === 0 ? "full-page.png" : `full-page-${n + 1}.png`);

async function record(webRequest, tabId, sender, notes) {
  const recorder = new Recorder(webRequest, tabId, (ex) => sender.response(ex));
  let settled;
  recorder.start();
  try {
    const loaded = loadedAfterReload(tabId);
    await chrome.tabs.reload(tabId, {bypassCache: true});
    settled = await recorder.settle(loaded);
  } finally {
    recorder.stop();
  }
  const full = await optional("full-page", () => fullShot(tabId), notes);
  if (full) full.tiles.forEach((bytes, n) => sender.file(tileName(n), bytes));
  return {full, settled, responses: recorder.count};
}

export async function captureTabFirefox(webRequest, tabId, choice = {}) {
  const tab = await chrome.tabs.get(tabId);
  if (!/^https?:/.test(tab.url || "")) throw new HostError("not-a-web-page");
  const [host] = await openHost();
  try {
    const startedAt = Date.now();
    const viewport = await viewportShot(tabId); // the page as it is seen, before the reload
    await host.ask({type: "begin", meta: {
      url: tab.url, title: tab.title || "", captured_at: startedAt,
      browser: await browserFacts(),
      extension: {id: chrome.runtime.id, version: chrome.runtime.getManifest().version,
                  sha256: await ownHash()},
      fidelity: FIDELITY, reloaded: true, probe: null,
      language: chrome.i18n.getUILanguage(),
      time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      case: choice.case || "", checklist: choice.checklist || "",
      note: (choice.note || "").slice(0, 300)}}, "begun");
    const sender = new Sender(host);
    sender.file("viewport.png", viewport);
    const notes = [];
    const {full, settled, responses} = await record(webRequest, tabId, sender, notes);
    await sender.flush();
    const shown = await chrome.tabs.get(tabId);
    const done = await host.ask({type: "end", meta: {
      url: shown.url || tab.url, title: shown.title || tab.title || "", settle: settled,
      viewport: {width: full?.width ?? null, captured_height: full?.height ?? null,
                 page_height: full?.pageHeight ?? null, height_cap: HEIGHT_CAP, tile_height: TILE},
      notes}}, "done");
    return {where: done.where, label: done.label || null, account: done.account || null,
            viewer: done.viewer || null, entry: done.entry, responses};
  } finally {
    host.close();
  }
}
