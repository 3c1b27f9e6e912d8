// The extension's own hash: SHA-256 over "<sha256>  <path>\n" of every file listed in
// files.json, in that order (spoorvast computes the same over the copy it ships).
import {sha256Hex} from "./host.js";

export async function ownHash() {
  const read = async (path) => new Uint8Array(await (await fetch(chrome.runtime.getURL(path))).arrayBuffer());
  const names = JSON.parse(new TextDecoder().decode(await read("files.json")));
  let lines = "";
  for (const name of names) lines += `${await sha256Hex(await read(name))}  ${name}\n`;
  return sha256Hex(new TextEncoder().encode(lines));
}
