/* The drop page: pair once, then encrypt files here, in the browser, and send them to the
   case's drop box; the server and this phone keep nothing readable.

   Crypto is libsodium.js (vendored, ISC), the same constructions as the Python side
   (spoorvast/storage/drop_keys.py): a fresh file key per file, the file as a secretstream
   (XChaCha20-Poly1305) in 1 MiB chunks with the upload id as associated data, the meta
   (name, type, size, SHA-256 of the plaintext, the file key) sealed to the drop-box public
   key (crypto_box_seal), an entry signed with this device's Ed25519 key. The ciphertext
   goes up in 8 MiB parts; a part whose request fails (a lost connection) is sent again
   once the network is back, after asking which parts arrived. Only the device key and the
   token are stored (localStorage); file bytes are never stored, and buffers are wiped.
   The ciphertext is not hashed: each chunk is authenticated by the secretstream under the
   key inside the sealed meta, whose hash the signed entry names. */
import sodium from "/drop/static/vendor/libsodium-wrappers-sumo.mjs";

const CHUNK = 1 << 20;
const PART = 8 << 20;
const IN_FLIGHT = 3;
const TEXT = JSON.parse(document.getElementById("drop-text").textContent);
const KEY = "spoorvast-drop-device";
const queue = [];
const hasher = new Worker("/drop/static/drop-hash.js", {type: "module"});
const answers = new Map();
let asked = 0;
hasher.onmessage = (event) => { answers.get(event.data.id)(event.data); answers.delete(event.data.id); };

function ask(message, transfer = []) {
  asked += 1;
  const id = asked;
  const answered = new Promise((resolve) => answers.set(id, resolve));
  hasher.postMessage({...message, id}, transfer);
  return answered;
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

async function sendPart(me, upload, epoch, number, bytes) {
  await retrying(async (attempt) => {
    if (attempt > 0) {
      const seen = await answer(await fetch("/device/uploads/" + upload, {headers: headers(me)}));
      if (seen.parts.some((p) => p.part === number && p.size === bytes.size)) { return; }
    }
    await answer(await fetch(`/device/uploads/${upload}/parts/${number}?epoch=${epoch}`,
                             {method: "PUT", headers: headers(me), body: bytes}));
  });
}

async function dropFile(me, file, progress) {
  const box = await retrying(async () =>
    answer(await fetch("/device/box", {headers: headers(me)})));
  const upload = crypto.randomUUID();
  const key = sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const pushed = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  await ask({type: "start"});
  let hashing = Promise.resolve(); // the previous piece the worker is hashing
  const ad = sodium.from_string(upload);
  let part = new Uint8Array(PART + CHUNK + 64);
  let filled = 0, number = 0, sent = 0, total = 0;
  const add = async (bytes) => {
    let offset = 0;
    while (offset < bytes.length) {
      const take = Math.min(bytes.length - offset, PART - filled);
      part.set(bytes.subarray(offset, offset + take), filled);
      filled += take; offset += take;
      if (filled === PART) { await flush(); }
    }
  };
  const pending = []; // parts on their way while the next ones are encrypted
  const flush = async () => {
    number += 1;
    const body = new Blob([part.subarray(0, filled)]); // a Blob goes up 4x faster here
    if (pending.length >= IN_FLIGHT) { await pending.shift(); }
    const sending = sendPart(me, upload, box.epoch, number, body);
    sending.catch(() => {}); // awaited (and its error thrown) below
    pending.push(sending);
    total += filled;
    part.fill(0, 0, filled);
    filled = 0;
  };
  await add(pushed.header);
  let offset = 0;
  do { // read 8 MiB at a time (1 MiB reads cost a third of the time), seal 1 MiB chunks
    const read = new Uint8Array(await file.slice(offset, offset + PART).arrayBuffer());
    await hashing; // at most one piece waits in the worker, so memory stays bounded
    const copy = read.slice();
    hashing = ask({type: "piece", bytes: copy}, [copy.buffer]);
    for (let at = 0; at < read.length || (read.length === 0 && at === 0); at += CHUNK) {
      const end = offset + Math.min(read.length, at + CHUNK);
      const tag = end >= file.size ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
        : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
      await add(sodium.crypto_secretstream_xchacha20poly1305_push(
        pushed.state, read.subarray(at, at + CHUNK), ad, tag));
      if (read.length === 0) { break; }
    }
    read.fill(0);
    offset += read.length;
    sent = offset;
    progress(sent, file.size);
  } while (offset < file.size);
  if (filled > 0 || number === 0) { await flush(); }
  for (const sending of pending) { await sending; }
  part = null;
  await hashing;
  const sha256 = (await ask({type: "final"})).hex;
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
    say(error.code === "grant_ended" || error.code === "not_paired" ? TEXT.ended : TEXT.failed);
    document.body.dataset.state = "failed";
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
