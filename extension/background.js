// Service worker: the toolbar popup and the keyboard shortcut start a capture here.
// Results are kept in session storage only (memory; gone when the browser closes).
import {captureActiveTab, captureTab} from "./capture.js";
import {pair} from "./host.js";

async function remembered() {
  // Firefox shows no debugging banner (its path needs no debugger): nothing to explain
  const {choice = {}, explained = !chrome.debugger} = await chrome.storage.local.get(["choice", "explained"]);
  return {choice, explained};
}

async function run(start) {
  await chrome.storage.session.set({state: {busy: true}});
  try {
    const result = await start();
    await chrome.storage.session.set({state: {busy: false, result}});
    return {ok: true, result};
  } catch (e) {
    const code = e?.code || "failed";
    await chrome.storage.session.set({state: {busy: false, error: code}});
    return {ok: false, code};
  }
}

// the keyboard shortcut: capture at once with the last choice, once the debugging
// banner was explained (else show the explanation first)
chrome.commands.onCommand.addListener(async (command) => {
  if (command !== "capture-tab") return;
  const {choice, explained} = await remembered();
  if (!explained) {
    await chrome.tabs.create({url: chrome.runtime.getURL("popup.html?explain=1")});
    return;
  }
  await run(() => captureActiveTab(choice));
});

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  if (sender.id !== chrome.runtime.id) return false;
  if (message?.type === "pair") {
    pair(message.port, message.code).then(() => reply({ok: true}),
                                          (e) => reply({ok: false, code: e?.code || "failed"}));
    return true;
  }
  if (message?.type !== "capture") return false;
  run(() => (message.tabId ? captureTab(message.tabId, message.choice) : captureActiveTab(message.choice)))
    .then(reply);
  return true;
});

// for tests and automation inside this browser only (a page cannot reach it)
self.spoorvast = {captureActiveTab, captureTab, run, pair};
