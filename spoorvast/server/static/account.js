// The server's login page: passkeys through navigator.credentials, OIDC by a redirect.
// The API's token is kept in this tab's sessionStorage only (gone when the tab closes).
// Binary fields travel as base64url, the form the server's WebAuthn options use.

const data = JSON.parse(document.getElementById("account-data").textContent);
const text = data.text;
const $ = (id) => document.getElementById(id);
const KEY = "spoorvast-token";

function say(message) { $("status").textContent = message; }

function fromB64url(value) {
  const b64 = value.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0)).buffer;
}

function toB64url(buffer) {
  let raw = "";
  for (const byte of new Uint8Array(buffer)) raw += String.fromCharCode(byte);
  return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function creationOptions(json) {
  if (PublicKeyCredential.parseCreationOptionsFromJSON) {
    return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  }
  return { ...json, challenge: fromB64url(json.challenge),
    user: { ...json.user, id: fromB64url(json.user.id) },
    excludeCredentials: (json.excludeCredentials || []).map(
      (c) => ({ ...c, id: fromB64url(c.id) })) };
}

function requestOptions(json) {
  if (PublicKeyCredential.parseRequestOptionsFromJSON) {
    return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  }
  return { ...json, challenge: fromB64url(json.challenge),
    allowCredentials: (json.allowCredentials || []).map(
      (c) => ({ ...c, id: fromB64url(c.id) })) };
}

function credentialJSON(credential) {
  if (credential.toJSON) return credential.toJSON();
  const r = credential.response;
  const response = { clientDataJSON: toB64url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toB64url(r.attestationObject);
    response.transports = r.getTransports ? r.getTransports() : [];
  } else {
    response.authenticatorData = toB64url(r.authenticatorData);
    response.signature = toB64url(r.signature);
    if (r.userHandle) response.userHandle = toB64url(r.userHandle);
  }
  return { id: credential.id, rawId: toB64url(credential.rawId), type: credential.type,
    response, clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment };
}

async function post(path, body, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = "Bearer " + token;
  const answer = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
  const json = await answer.json();
  if (!answer.ok) throw new Error((json.error && json.error.code) || "failed");
  return json;
}

async function call(method, path, token) {
  const answer = await fetch(path, { method,
    headers: { authorization: "Bearer " + token } });
  const json = await answer.json();
  if (!answer.ok) throw new Error((json.error && json.error.code) || "failed");
  return json;
}

function when(iso) {
  return new Date(iso).toLocaleString(data.lang, { dateStyle: "medium",
    timeStyle: "short" });
}

async function listKeys() {
  const kept = held();
  const list = $("key-list");
  if (!kept || !data.passkeys) { $("keys").hidden = true; return; }
  const keys = await call("GET", "/auth/passkeys", kept.token);
  list.replaceChildren();
  for (const key of keys) {
    const item = document.createElement("li");
    const line = document.createElement("span");
    line.textContent = key.used_at
      ? text.key_used.replace("{added}", when(key.created_at)).replace("{used}",
        when(key.used_at))
      : text.key_unused.replace("{added}", when(key.created_at));
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove";
    remove.textContent = text.key_remove;
    remove.addEventListener("click", () => run(
      () => call("DELETE", "/auth/passkeys/" + encodeURIComponent(key.credential),
        kept.token),
      async () => { await listKeys(); say(text.key_removed);
        document.body.dataset.result = "removed"; }));
    item.append(line, remove);
    list.append(item);
  }
  if (!keys.length) {
    const item = document.createElement("li");
    item.textContent = text.no_keys;
    list.append(item);
  }
  $("keys").hidden = false;
  document.body.dataset.keys = String(keys.length);
}

function problem(code) {
  if (code === "enrolment_refused") return text.ended;
  if (code === "not_linked") return text.not_linked;
  if (code === "link_refused") return text.ended;
  if (code === "NotAllowedError") return text.failed;
  return code && code.endsWith("refused") ? text.refused : text.failed;
}

function enrolCode() {
  const match = /(?:^#|&)enrol=([A-Za-z0-9_-]+)/.exec(location.hash);
  return match ? match[1] : null;
}

async function addPasskey(body, token) {
  const options = await post("/auth/passkeys/register/options", body, token);
  const credential = await navigator.credentials.create({
    publicKey: creationOptions(options) });
  await post("/auth/passkeys/register", { credential: credentialJSON(credential) });
}

async function loginWithPasskey() {
  const options = await post("/auth/passkeys/login/options", {});
  const credential = await navigator.credentials.get({ publicKey: requestOptions(options) });
  return post("/auth/passkeys/login", { credential: credentialJSON(credential) });
}

function loggedIn(result) {
  sessionStorage.setItem(KEY, JSON.stringify({ token: result.token,
    account: result.account, until: Date.now() + result.expires_in * 1000 }));
  show();
}

function held() {
  const kept = JSON.parse(sessionStorage.getItem(KEY) || "null");
  return kept && kept.until > Date.now() ? kept : null;
}

function show() {
  const kept = held();
  const enrolling = enrolCode() !== null && data.passkeys;
  $("enrol").hidden = !enrolling;
  $("in").hidden = !kept;
  $("out").hidden = Boolean(kept) || enrolling;
  $("passkey").hidden = !data.passkeys;
  $("oidc").hidden = !data.oidc;
  $("add-more").hidden = !data.passkeys;
  if (kept) $("who").textContent = text.logged_in.replace("{account}", kept.account);
  if (kept) listKeys().catch(() => null); else $("keys").hidden = true;
  document.body.dataset.state = kept ? "in" : enrolling ? "enrol" : "out";
  if (!data.passkeys && !data.oidc) say(text.off);
}

async function run(step, done) {
  say("");
  try {
    await done(await step());
  } catch (error) {
    say(problem(error.name === "Error" ? error.message : error.name));
    document.body.dataset.result = "error";
  }
}

$("add").addEventListener("click", () => run(
  () => addPasskey({ enrolment: enrolCode() }),
  () => { history.replaceState(null, "", location.pathname); show(); say(text.added);
    document.body.dataset.result = "added"; }));
$("add-more").addEventListener("click", () => run(
  () => addPasskey({}, held().token),
  async () => { await listKeys(); say(text.added); document.body.dataset.result = "added"; }));
$("passkey").addEventListener("click", () => run(loginWithPasskey, (result) => {
  loggedIn(result); document.body.dataset.result = "in"; }));
$("oidc").addEventListener("click", () => {
  location.assign("/account/oidc/start?lang=" + encodeURIComponent(data.lang));
});
$("logout").addEventListener("click", async () => {
  const kept = held();
  sessionStorage.removeItem(KEY);
  if (kept) await post("/auth/logout", {}, kept.token).catch(() => null);
  show(); say(text.logged_out);
});

window.addEventListener("hashchange", show);
if (data.passkeys && !window.PublicKeyCredential) {
  data.passkeys = false;
  say(text.unsupported);
}
if (data.result && data.result.token) {
  history.replaceState(null, "", "/account");
  loggedIn(data.result);
} else if (data.result && data.result.error) {
  history.replaceState(null, "", "/account");
  say(problem(data.result.error));
  document.body.dataset.result = "error";
}
show();
