/* The drop page's hashing worker: the SHA-256 of a file's plaintext, fed 8 MiB at a
   time, on a thread of its own while the page encrypts (libsodium.js, as the page).
   Each piece it is sent is a copy the page transferred to it; it wipes it after use. */
import sodium from "/drop/static/vendor/libsodium-wrappers-sumo.mjs";

let state = null;
self.onmessage = async (event) => {
  await sodium.ready;
  const message = event.data;
  if (message.type === "start") {
    state = sodium.crypto_hash_sha256_init();
  } else if (message.type === "piece") {
    sodium.crypto_hash_sha256_update(state, message.bytes);
    message.bytes.fill(0);
  } else if (message.type === "final") {
    const hex = sodium.to_hex(sodium.crypto_hash_sha256_final(state));
    state = null;
    self.postMessage({type: "sha256", hex, id: message.id});
    return;
  }
  self.postMessage({type: "ack", id: message.id});
};
