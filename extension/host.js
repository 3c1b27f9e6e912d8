// The native messaging host (spoorvast): one port per capture, replies awaited in order.
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
