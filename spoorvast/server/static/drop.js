/* The drop page: pair once, then encrypt files here, in the browser, and send them to the
   case's drop box; the server and this phone keep nothing readable.

   Crypto is libsodium.js (vendored, ISC), the same constructions as the Python side
   (spoorvast/storage/drop_keys.py): a fresh file key per file, the file as a secretstream
   (XChaCha20-Poly1305) in 1 MiB chunks with the upload id as associated data (made on
   the sealing worker, drop-seal.js, while the hashing worker, drop-hash.js, reads the
   same file for its SHA-256 and this thread only sends: three threads at once), the meta
   (name, type, size, SHA-256 of the plaintext, the file key) sealed to the drop-box public
   key (crypto_box_seal), an entry signed with this device's Ed25519 key. The ciphertext
   goes up in 8 MiB parts; a part whose request fails (a lost connection) is sent again
   once the network is back, after asking which parts arrived. Only the device key and the
   token are stored (localStorage); file bytes are never stored, and buffers are wiped.
   The ciphertext is not hashed: each chunk is authenticated by the secretstream under the
   key inside the sealed meta, whose hash the signed entry names. */
import sodium from "/drop/static/vendor/libsodium-wrappers-sumo.mjs";

const CHUNK = 1 << 20;
const IN_FLIGHT = 3;
const TEXT = JSON.parse(document.getElementById("drop-text").textContent);
const KEY = "spoorvast-drop-device";
const queue = [];
const worker = (name) => new Worker(`/drop/static/${name}`, {type: "module"});
let hasher = worker("drop-hash.js");
let sealer = worker("drop-seal.js");

function stopWorkers() { // a file given up: its workers stop reading it at once
  hasher.terminate(); sealer.terminate();
  hasher = worker("drop-hash.js"); sealer = worker("drop-seal.js");
}
let busy = false;

function $(id) { return document.getElementById(id); }
function say(text) { $("status").textContent = text; }
function fmt(text, values) {
  return text.replace(/\{(\w+)\}/g, (_, k) => String(values[k]));
}
function b64(bytes) { return sodium.to_base64(bytes, sodium.base64_variants.ORIGINAL); }
function unb64(text) { return sodium.from_base64(text, sodium.base64_variants.ORIGINAL); }

function device() {
  const stored = localStorage.getItem(KEY);
  return stored ? JSON.parse(stored) : null;
}

async function answer(response) {
  if (response.ok) { return response.json(); }
  let code = "unreadable_answer";
  try { code = (await response.json()).error.code; } catch (e) { /* keep the default */ }
  const error = new Error(code);
  error.code = code;
  error.status = response.status;
  throw error;
}

async function pair(fragment) {
  const [grant, secret] = fragment.slice(5).split(".", 2);
  const seed = sodium.from_base64(secret, sodium.base64_variants.URLSAFE_NO_PADDING);
  const pairing = sodium.crypto_sign_seed_keypair(seed);
  const mine = sodium.crypto_sign_keypair();
  const message = new Uint8Array([
    ...sodium.from_string("spoorvast-drop-pair\0" + grant + "\0"), ...mine.publicKey]);
  const proof = sodium.crypto_sign_detached(message, pairing.privateKey);
  sodium.memzero(seed);
  sodium.memzero(pairing.privateKey);
  const box = await answer(await fetch("/device/pair", {
    method: "POST", headers: {"content-type": "application/json"},
    body: JSON.stringify({grant, device: b64(mine.publicKey), proof: b64(proof)})}));
  localStorage.setItem(KEY, JSON.stringify({token: box.token, secret: b64(mine.privateKey),
                                            device: b64(mine.publicKey)}));
}

function headers(me) { return {authorization: "Drop " + me.token}; }

function online() {
  return navigator.onLine ? Promise.resolve()
    : new Promise((resolve) => window.addEventListener("online", resolve, {once: true}));
}

async function retrying(call) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call(attempt);
    } catch (error) {
      if (error.status || attempt >= 60) { throw error; } // the server said no, or gave up
      say(TEXT.waiting);
      await online();
      await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** attempt)));
    }
  }
}

async function sendPart(me, upload, epoch, size, number, bytes) {
  await retrying(async (attempt) => {
    if (attempt > 0) {
      const seen = await answer(await fetch("/device/uploads/" + upload, {headers: headers(me)}));
      if (seen.parts.some((p) => p.part === number && p.size === bytes.size)) { return; }
    }
    await answer(await fetch(`/device/uploads/${upload}/parts/${number}?epoch=${epoch}&size=${size}`,
                             {method: "PUT", headers: headers(me), body: bytes}));
  });
}

function cipherSize(size) { // the secretstream's header, the bytes, a tag per 1 MiB chunk
  return sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES + size
    + Math.max(1, Math.ceil(size / CHUNK)) * sodium.crypto_secretstream_xchacha20poly1305_ABYTES;
}

function refuse(code) {
  const error = new Error(code);
  error.code = code;
  error.status = 413;
  return error;
}

function hashed(file) { // the SHA-256 of the plaintext, on the hashing worker's thread
  return new Promise((resolve, reject) => {
    hasher.onmessage = (event) => {
      hasher.onmessage = null;
      if (event.data.type === "sha256") { resolve(event.data.hex); } else { reject(new Error("hash")); }
    };
    hasher.postMessage({file});
  });
}

function sealed(file, key, upload, send, progress) {
  // the ciphertext in parts, from the sealing worker's thread; each part sent here, then
  // a credit goes back so the worker makes the next one (at most IN_FLIGHT + 1 wait)
  return new Promise((resolve, reject) => {
    const pending = new Set();
    let failed = null;
    const fail = (error) => {
      if (failed) { return; }
      failed = error;
      stopWorkers();
      reject(error);
    };
    sealer.onmessage = async (event) => {
      const message = event.data;
      if (message.type === "read") { progress(message.offset); return; }
      if (message.type === "error") { fail(new Error("seal")); return; }
      if (message.type === "sealed") {
        await Promise.allSettled(pending);
        if (!failed) { resolve(message.total); }
        return;
      }
      const body = new Blob([message.bytes]); // a Blob goes up 4x faster here
      message.bytes.fill(0);
      const sending = send(message.number, body).then(() => {
        if (!failed) { sealer.postMessage({type: "credit"}); }
      }, fail);
      pending.add(sending);
      sending.finally(() => pending.delete(sending));
    };
    sealer.postMessage({type: "seal", file, key, upload, credits: IN_FLIGHT + 1});
  });
}

async function dropFile(me, file, progress) {
  const box = await retrying(async () =>
    answer(await fetch("/device/box", {headers: headers(me)})));
  const size = cipherSize(file.size);
  if (box.room && (box.room.files < 1 || box.room.bytes < size)) { throw refuse("drop_quota"); }
  const upload = crypto.randomUUID();
  const key = sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const sha = hashed(file);
  const send = (number, body) => sendPart(me, upload, box.epoch, size, number, body);
  sha.catch(() => {}); // awaited below; a failed seal stops its worker
  const total = await sealed(file, key, upload, send, (offset) => progress(offset, file.size));
  const sha256 = await sha;
  const meta = sodium.crypto_box_seal(sodium.from_string(JSON.stringify({
    v: 1, case: box.case, upload, epoch: box.epoch, name: file.name || "file",
    type: file.type || "", size: file.size,
    sha256, key: b64(key)})),
    unb64(box.dropbox));
  sodium.memzero(key);
  const entry = sodium.from_string(JSON.stringify({
    v: 1, action: "drop", case: box.case, grant: box.grant, upload, device: me.device,
    epoch: box.epoch, meta_sha256: sodium.to_hex(sodium.crypto_hash_sha256(meta)),
    cipher_size: total, at: new Date().toISOString()}));
  const signature = sodium.crypto_sign_detached(entry, unb64(me.secret));
  await retrying(async () => answer(await fetch(`/device/uploads/${upload}/finish`, {
    method: "POST", headers: {...headers(me), "content-type": "application/json"},
    body: JSON.stringify({meta: b64(meta), entry: b64(entry), signature: b64(signature)})})));
}

async function drain() {
  if (busy) { return; }
  busy = true;
  const me = device();
  let done = 0;
  try {
    while (queue.length) {
      const file = queue.shift();
      const count = done + queue.length + 1;
      await dropFile(me, file, (sent, size) => {
        $("bar").value = size ? sent / size : 1;
        say(fmt(TEXT.sending, {n: done + 1, total: count}));
      });
      done += 1;
      document.body.dataset.done = String(Number(document.body.dataset.done || 0) + 1);
    }
    say(fmt(TEXT.sent, {n: done}));
    document.body.dataset.state = "sent";
  } catch (error) {
    say(error.code === "drop_quota" ? TEXT.quota
      : error.code === "grant_ended" || error.code === "not_paired" ? TEXT.ended : TEXT.failed);
    document.body.dataset.state = error.code === "drop_quota" ? "full" : "failed";
    queue.length = 0;
  } finally {
    busy = false;
    $("files").value = "";
  }
}

function take(files) {
  for (const file of files) { queue.push(file); }
  document.body.dataset.state = "sending";
  drain();
}

function quickExit() {
  queue.length = 0;
  window.location.replace("/drop/away");
}

async function start() {
  $("exit").addEventListener("click", quickExit);
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") { quickExit(); } });
  await sodium.ready;
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/drop/sw.js", {scope: "/drop"});
    navigator.serviceWorker.addEventListener("message", (e) => {
      if (e.data && e.data.type === "shared" && device()) { take(e.data.files); }
    });
  }
  if (location.hash.startsWith("#pair=")) {
    const fragment = location.hash.slice(1);
    history.replaceState(null, "", "/drop");
    try {
      await pair(fragment);
      say(TEXT.paired);
    } catch (error) {
      say(error.code === "grant_ended" || error.code === "already_paired" ? TEXT.ended : TEXT.failed);
    }
  }
  if (device()) {
    document.body.dataset.state = "ready";
    $("pick").hidden = false;
    $("files").addEventListener("change", () => take($("files").files));
    if (new URLSearchParams(location.search).has("shared") && navigator.serviceWorker) {
      await navigator.serviceWorker.ready;
      navigator.serviceWorker.controller?.postMessage({type: "ready"});
    }
  } else {
    document.body.dataset.state = "unpaired";
    if (!$("status").textContent) { say(TEXT.unpaired); }
  }
}

start();
