// The native messaging host (spoorvast): one port per capture, replies awaited in order.
// Where no host could be installed, the same messages go over HTTP to 127.0.0.1
// ('spoorvast browser serve'), once paired (HttpHost).
// Bodies go in chunks of at most CHUNK bytes (512 KiB of base64); the extension waits
// for the host's "closed" after each stream, so at most one stream is ever in flight.

export const HOST_NAME = "org.spoorvast.capture";
const CHUNK = 384 * 1024; // raw bytes: 512 KiB once in base64

export function toBase64(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

export function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export class HostError extends Error {
  constructor(code) {
    super(code);
    this.code = code;
  }
}

export class Host {
  constructor() {
    this.replies = [];
    this.waiting = [];
    this.gone = null;
    this.port = chrome.runtime.connectNative(HOST_NAME);
    this.port.onMessage.addListener((message) => this.#arrive(message));
    this.port.onDisconnect.addListener(() => {
      this.gone = chrome.runtime.lastError?.message || "disconnected";
      for (const w of this.waiting.splice(0)) w.reject(new HostError("no-host"));
    });
  }

  #arrive(message) {
    const next = this.waiting.shift();
    if (next) next.resolve(message);
    else this.replies.push(message);
  }

  reply() {
    if (this.replies.length) return Promise.resolve(this.replies.shift());
    if (this.gone) return Promise.reject(new HostError("no-host"));
    return new Promise((resolve, reject) => this.waiting.push({resolve, reject}));
  }

  async ask(message, expected) {
    this.port.postMessage(message);
    const answer = await this.reply();
    if (answer.type === "error") throw new HostError(answer.code);
    if (answer.type !== expected) throw new HostError("out-of-order");
    return answer;
  }

  async stream(id, fields, bytes) {
    this.port.postMessage({type: "open", id, ...fields});
    for (let i = 0; i < bytes.length; i += CHUNK) {
      this.port.postMessage({type: "chunk", id, data: toBase64(bytes.subarray(i, i + CHUNK))});
    }
    await this.ask({type: "close", id, sha256: await sha256Hex(bytes)}, "closed");
  }

  close() {
    try { this.port.disconnect(); } catch (e) { /* already gone */ }
  }
}

// -- the HTTP fallback ------------------------------------------------------------------

export class HttpHost {
  constructor({port, token}) {
    this.url = `http://127.0.0.1:${Number(port)}/message`;
    this.token = token;
  }

  async #post(message) {
    let answer;
    try {
      answer = await fetch(this.url, {method: "POST", body: JSON.stringify(message),
        headers: {"Content-Type": "application/json", "Authorization": `Bearer ${this.token}`}});
    } catch (e) {
      throw new HostError("no-host");
    }
    const body = await answer.json().catch(() => ({type: "error", code: "failed"}));
    if (body.type === "error") throw new HostError(body.code);
    return body;
  }

  async ask(message, expected) {
    const answer = await this.#post(message);
    if (answer.type !== expected) throw new HostError("out-of-order");
    return answer;
  }

  async stream(id, fields, bytes) {
    await this.#post({type: "open", id, ...fields});
    for (let i = 0; i < bytes.length; i += CHUNK) {
      await this.#post({type: "chunk", id, data: toBase64(bytes.subarray(i, i + CHUNK))});
    }
    await this.ask({type: "close", id, sha256: await sha256Hex(bytes)}, "closed");
  }

  close() {}
}

export async function pair(port, code) {
  let answer;
  try {
    answer = await fetch(`http://127.0.0.1:${Number(port)}/pair`, {method: "POST",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify({code})});
  } catch (e) {
    throw new HostError("no-host");
  }
  const body = await answer.json().catch(() => ({}));
  if (body.type !== "paired") throw new HostError("pairing-refused");
  await chrome.storage.local.set({http: {port: Number(port), token: body.token}});
}

// the native host when it is installed, else the paired HTTP fallback
export async function openHost() {
  const native = new Host();
  try {
    return [native, await native.ask({type: "hello"}, "ready")];
  } catch (e) {
    native.close();
    const {http} = await chrome.storage.local.get("http");
    if (e.code !== "no-host" || !http?.token) throw e;
    const fallback = new HttpHost(http);
    return [fallback, await fallback.ask({type: "hello"}, "ready")];
  }
}
