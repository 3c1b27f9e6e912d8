/* The drop page's hashing worker: the SHA-256 of a file's plaintext. It reads the file
   itself on a thread of its own while the sealing worker encrypts the same file. A file
   of up to 16 MiB is hashed in one call of WebCrypto (native, about twice libsodium.js's
   speed here, but it takes a whole buffer at once); a bigger one streams through
   libsodium.js 8 MiB at a time, so memory stays bounded. What it read is wiped. */
import sodium from "/drop/static/vendor/libsodium-wrappers-sumo.mjs";

const PIECE = 8 << 20;
const ONE_SHOT = 16 << 20;

async function read(file, start, end) {
  return new Uint8Array(await file.slice(start, end).arrayBuffer());
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function whole(file) {
  const bytes = await read(file, 0, file.size);
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  bytes.fill(0);
  return hex(new Uint8Array(digest));
}

async function streamed(file) {
  await sodium.ready;
  const state = sodium.crypto_hash_sha256_init();
  for (let offset = 0; offset < file.size;) {
    const piece = await read(file, offset, offset + PIECE);
    sodium.crypto_hash_sha256_update(state, piece);
    piece.fill(0);
    offset += piece.length;
  }
  return sodium.to_hex(sodium.crypto_hash_sha256_final(state));
}

self.onmessage = async (event) => {
  const file = event.data.file;
  try {
    const small = file.size <= ONE_SHOT && self.crypto && self.crypto.subtle;
    self.postMessage({type: "sha256", hex: await (small ? whole(file) : streamed(file))});
  } catch (error) {
    self.postMessage({type: "error", message: String(error && error.message)});
  }
};
