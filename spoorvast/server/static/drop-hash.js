/* The drop page's hashing worker: the SHA-256 of a file's plaintext (libsodium.js,
   streaming: WebCrypto's digest takes a whole buffer at once). It reads the file itself,
   8 MiB at a time, on a thread of its own while the sealing worker encrypts the same
   file; each piece is wiped after use. */
import sodium from "/drop/static/vendor/libsodium-wrappers-sumo.mjs";

const PIECE = 8 << 20;

self.onmessage = async (event) => {
  await sodium.ready;
  const file = event.data.file;
  try {
    const state = sodium.crypto_hash_sha256_init();
    for (let offset = 0; offset < file.size;) {
      const piece = new Uint8Array(await file.slice(offset, offset + PIECE).arrayBuffer());
      sodium.crypto_hash_sha256_update(state, piece);
      piece.fill(0);
      offset += piece.length;
    }
    self.postMessage({type: "sha256", hex: sodium.to_hex(sodium.crypto_hash_sha256_final(state))});
  } catch (error) {
    self.postMessage({type: "error", message: String(error && error.message)});
  }
};
