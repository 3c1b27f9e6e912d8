/* The drop page's sealing worker: reads the file itself, 8 MiB at a time, encrypts it as
   a secretstream (XChaCha20-Poly1305, 1 MiB chunks, the upload id as associated data:
   spoorvast/storage/sharing_keys.py's format) and hands the ciphertext to the page in
   parts of 8 MiB (transferred, not copied). The page sends each part and gives a credit
   back once it went up, so at most CREDITS parts wait in memory. The plaintext it read
   and the file key are wiped after use. The hashing worker reads the same file at the
   same time on its own thread; the page's thread only sends. */
import sodium from "/drop/static/vendor/libsodium-wrappers-sumo.mjs";

const CHUNK = 1 << 20;
const PART = 8 << 20;
let credits = 0;
let wake = null;

function credit() {
  if (credits > 0) { credits -= 1; return Promise.resolve(); }
  return new Promise((resolve) => { wake = resolve; });
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "credit") {
    if (wake) { const go = wake; wake = null; go(); } else { credits += 1; }
    return;
  }
  if (message.type !== "seal") { return; }
  await sodium.ready;
  try {
    credits = message.credits;
    const total = await seal(message.file, message.key, message.upload);
    self.postMessage({type: "sealed", total});
  } catch (error) {
    self.postMessage({type: "error", message: String(error && error.message)});
  } finally {
    message.key.fill(0);
  }
};

async function seal(file, key, upload) {
  const pushed = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const ad = sodium.from_string(upload);
  let part = new Uint8Array(PART), filled = 0, number = 0, total = 0;
  const emit = async () => {
    await credit();
    number += 1;
    total += filled;
    const out = filled === PART ? part : part.slice(0, filled);
    self.postMessage({type: "part", number, bytes: out}, [out.buffer]);
    part = new Uint8Array(PART);
    filled = 0;
  };
  const add = async (bytes) => {
    for (let offset = 0; offset < bytes.length;) {
      const take = Math.min(bytes.length - offset, PART - filled);
      part.set(bytes.subarray(offset, offset + take), filled);
      filled += take; offset += take;
      if (filled === PART) { await emit(); }
    }
  };
  await add(pushed.header);
  let offset = 0;
  do { // 8 MiB reads (1 MiB reads cost a third of the time), 1 MiB chunks sealed
    const read = new Uint8Array(await file.slice(offset, offset + PART).arrayBuffer());
    for (let at = 0; at < read.length || (read.length === 0 && at === 0); at += CHUNK) {
      const last = offset + Math.min(read.length, at + CHUNK) >= file.size;
      const tag = last ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
        : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
      const sealed = sodium.crypto_secretstream_xchacha20poly1305_push(
        pushed.state, read.subarray(at, at + CHUNK), ad, tag);
      await add(sealed);
      if (read.length === 0) { break; }
    }
    read.fill(0);
    offset += read.length;
    self.postMessage({type: "read", offset});
  } while (offset < file.size);
  if (filled > 0 || number === 0) { await emit(); }
  part.fill(0);
  return total;
}
