// The popup: explain the debugging banner once; choose the case, optionally the checklist
// element, a one-line note; capture; show where the capture went.
const t = (key, subs) => chrome.i18n.getMessage(key, subs) || key;
const $ = (id) => document.getElementById(id);

function translate() {
  document.documentElement.lang = chrome.i18n.getUILanguage();
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
}

function show(state) {
  const status = $("status");
  status.className = "";
  if (!state) { status.textContent = ""; return; }
  if (state.busy) { status.textContent = t("capturing"); return; }
  if (state.paired) { status.textContent = t("paired"); return; }
  if (state.error) {
    status.className = "error";
    status.textContent = t("err_" + state.error.replace(/-/g, "_")) || t("err_failed");
    return;
  }
  const r = state.result || {};
  const lines = [r.label ? t("sealedAs", [r.label]) : t("inInbox")];
  if (r.account) lines.push(t("accountFound", [r.account]));
  if (r.viewer) lines.push(t("viewerFound", [r.viewer]));
  status.textContent = lines.join("\n");
}

async function fill() {
  const {choice = {}} = await chrome.storage.local.get("choice");
  $("case").value = choice.case || "";
  $("checklist").value = choice.checklist || "";
}

async function capture(event) {
  event.preventDefault();
  const choice = {case: $("case").value.trim(), checklist: $("checklist").value, note: $("note").value.trim()};
  // only the last choice is kept (the shortcut reuses it): no list of case titles in
  // the browser, where someone else using it could read them
  await chrome.storage.local.set({choice: {case: choice.case, checklist: choice.checklist}});
  const [tab] = await chrome.tabs.query({active: true, currentWindow: true});
  $("capture").disabled = true;
  show({busy: true});
  const answer = await chrome.runtime.sendMessage({type: "capture", tabId: tab?.id, choice});
  $("capture").disabled = false;
  show(answer.ok ? {result: answer.result} : {error: answer.code});
}

async function pairHere() {
  const answer = await chrome.runtime.sendMessage({type: "pair", port: $("port").value.trim(),
                                                   code: $("code").value.trim()});
  show(answer.ok ? {paired: true} : {error: answer.code});
}

async function start() {
  translate();
  // Firefox shows no debugging banner (its path needs no debugger): nothing to explain
  const {explained = !chrome.debugger} = await chrome.storage.local.get("explained");
  const asked = new URLSearchParams(location.search).has("explain");
  $("explain").hidden = explained && !asked;
  $("form").hidden = !explained || asked;
  $("understood").addEventListener("click", async () => {
    await chrome.storage.local.set({explained: true});
    if (asked) { window.close(); return; }
    $("explain").hidden = true;
    $("form").hidden = false;
  });
  $("form").addEventListener("submit", capture);
  $("pair").addEventListener("click", pairHere);
  await fill();
  const {state} = await chrome.storage.session.get("state");
  show(state);
}

start();
