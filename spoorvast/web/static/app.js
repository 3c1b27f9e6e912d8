/* spoorvast web app: quick exit, auto-lock, uploads with progress, job polling.
   No inline script anywhere (the Content-Security-Policy forbids it); everything
   drawn from server data uses textContent, never innerHTML. */
(function () {
  "use strict";
  var csrfMeta = document.querySelector('meta[name="csrf"]');
  var csrf = csrfMeta ? csrfMeta.content : "";

  function post(url, params, keepalive) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: {"X-CSRF-Token": csrf, "Content-Type": "application/x-www-form-urlencoded"},
      body: new URLSearchParams(params || {}).toString()
    });
  }

  /* -- quick exit: hide at once, lock, replace this page in the history; every other
     tab of the app goes too (BroadcastChannel at once; a tab that missed it, in another
     window or browser, learns it from the server within a second) --------------------- */
  var leaving = false, channel = null;
  try { channel = new BroadcastChannel("spv"); } catch (e) { channel = null; }
  function neutral() {
    if (leaving) { return; }
    leaving = true;
    document.documentElement.classList.add("leaving");
    document.title = "";
    window.location.replace("/weather");
  }
  function quickExit() {
    if (leaving) { return; }
    leaving = true;
    document.documentElement.classList.add("leaving");
    document.title = "";
    if (channel) { channel.postMessage("exit"); }
    var done = function () { window.location.replace("/weather"); };
    var timer = new Promise(function (resolve) { setTimeout(resolve, 600); });
    var body = new URLSearchParams(draftFields());
    var sent = fetch("/exit", {method: "POST", credentials: "same-origin", keepalive: true,
      headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: body.toString()});
    Promise.race([sent, timer]).then(done, done);
  }
  if (channel) {
    channel.onmessage = function (e) {
      if (e.data === "exit") { neutral(); }
      else if (e.data === "locked" && unlockedPage) { window.location.replace("/?msg=locked"); }
    };
  }
  var exitForm = document.getElementById("quick-exit-form");
  if (exitForm) {
    exitForm.addEventListener("submit", function (e) { e.preventDefault(); quickExit(); });
  }
  var lastEscape = 0;
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") { return; }
    var now = Date.now();
    if (e.shiftKey || now - lastEscape < 1000) { e.preventDefault(); quickExit(); }
    lastEscape = now;
  }, true);

  /* a page restored from the back/forward cache is asked for again */
  window.addEventListener("pageshow", function (e) { if (e.persisted) { window.location.reload(); } });

  /* every unlocked page asks the server each second whether the vault was left */
  var autolockMeta = document.querySelector('meta[name="autolock"]');
  var unlockedPage = !!(autolockMeta && parseInt(autolockMeta.content, 10) > 0);
  var watchState = function () {
    if (leaving) { return; }
    fetch("/state", {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (!state || leaving) { return; }
        if (state.exited) { neutral(); return; }
        if (unlockedPage && !state.open) { leaving = true; window.location.replace("/?msg=locked"); return; }
        if (unlockedPage) { setTimeout(watchState, 1000); }  /* the unlock page shows nothing */
      })
      .catch(function () { setTimeout(watchState, 1000); });
  };
  if (unlockedPage) { setTimeout(watchState, 1000); }  /* the unlock page shows nothing */

  /* -- work in progress: auto-lock waits for it ----------------------------------- */
  var busy = 0;
  function working(delta) { busy += delta; }

  /* -- drafts: forms marked data-draft="NAME" keep what is typed in them (encrypted, in
     the vault: see web/drafts.py), are sent with a lock or a quick exit, are filled in
     again on the next visit, and are forgotten once the form was accepted ------------ */
  var draftForms = document.querySelectorAll("form[data-draft]");
  function draftable(field) {
    var auto = (field.getAttribute("autocomplete") || "").indexOf("password") >= 0;
    return field.name && field.type !== "hidden" && field.type !== "file" &&
      field.type !== "password" && field.type !== "submit" && field.type !== "button" &&
      !auto && !field.hasAttribute("data-no-draft");
  }
  function changed(field) {
    if (field.type === "checkbox" || field.type === "radio") { return field.checked !== field.defaultChecked; }
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return field.value !== field.defaultValue;
  }
  function valueOf(field) {
    if (field.type === "checkbox") { return field.checked ? (field.value || "on") : ""; }
    return field.value;
  }
  function fieldsOf(form) {
    var values = {}, restored = form.spvRestored || {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!draftable(field) || (field.type === "radio" && !field.checked)) { return; }
      if (changed(field) || restored[field.name]) { values[field.name] = valueOf(field); }
    });
    return values;
  }
  function draftUrl(form) { return "/drafts/" + encodeURIComponent(form.getAttribute("data-draft")); }
  function draftFields() {
    var out = {};
    draftForms.forEach(function (form) {
      out["draft:" + form.getAttribute("data-draft")] = JSON.stringify(fieldsOf(form));
    });
    return out;
  }
  function restoreDraft(form, fields) {
    var restored = {}, any = false;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!draftable(field) || !Object.prototype.hasOwnProperty.call(fields, field.name)) { return; }
      var value = fields[field.name];
      if (field.type === "checkbox") { field.checked = value !== ""; }
      else if (field.type === "radio") { field.checked = field.value === value; }
      else { field.value = value; }
      restored[field.name] = true;
      any = any || value.trim() !== "";
    });
    form.spvRestored = restored;
    var template = document.getElementById("draft-back");
    if (!any || !template) { return; }
    var notice = template.content.firstElementChild.cloneNode(true);
    notice.setAttribute("data-draft-for", form.getAttribute("data-draft"));
    form.parentNode.insertBefore(notice, form);
    notice.querySelector(".draft-discard").addEventListener("click", function () {
      form.spvRestored = {};
      form.reset();
      notice.remove();
      post(draftUrl(form) + "/discard", {}).catch(function () {});
    });
  }
  var draftKeepers = [];
  draftForms.forEach(function (form) {
    var timer = null, sending = false;
    var keep = function () {
      clearTimeout(timer);
      return post(draftUrl(form), {fields: JSON.stringify(fieldsOf(form))}).catch(function () {});
    };
    draftKeepers.push(keep);
    fetch(draftUrl(form), {credentials: "same-origin", cache: "no-store"})
      .then(function (r) {
        var json = (r.headers.get("content-type") || "").indexOf("json") >= 0;
        return r.ok && json ? r.json() : null;
      })
      .then(function (data) { if (data && data.fields) { restoreDraft(form, data.fields); } })
      .catch(function () {});
    var changedNow = function () { clearTimeout(timer); timer = setTimeout(keep, 800); };
    form.addEventListener("input", changedNow);
    form.addEventListener("change", changedNow);
    /* sending: the draft is kept first, and the app forgets it once it accepted the form */
    form.addEventListener("submit", function (e) {
      if (sending) { return; }
      e.preventDefault();
      e.stopImmediatePropagation();  /* a confirmation, if any, asks on the real send */
      sending = true;
      var submitter = e.submitter || null;
      var address = new URL(form.action, window.location.href);
      address.searchParams.set("_draft", form.getAttribute("data-draft"));
      form.action = address.toString();
      keep().then(function () {
        if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
      });
    });
  });
  /* before a lock (the button, auto-lock): what was typed last is kept too */
  function keepDrafts() {
    return Promise.all(draftKeepers.map(function (keep) { return keep(); }));
  }
  var lockForm = document.getElementById("lock-button");
  lockForm = lockForm ? lockForm.form : null;
  if (lockForm && draftKeepers.length) {
    lockForm.addEventListener("submit", function (e) {
      e.preventDefault();
      keepDrafts().then(function () { lockForm.submit(); });
    });
  }

  /* -- auto-lock after inactivity (it waits while an upload or a job runs) --------- */
  var autolock = autolockMeta ? parseInt(autolockMeta.content, 10) : 0;
  if (autolock > 0) {
    var idleTimer = null, lastPing = Date.now();
    var waitNote = document.getElementById("lock-waits");
    var lockNow = function () {
      if (busy > 0) {
        if (waitNote) { waitNote.hidden = false; }
        idleTimer = setTimeout(lockNow, 5000);
        return;
      }
      keepDrafts().then(function () { return post("/lock", {auto: "1"}, true); }).then(function (r) {
        if (r.status === 409) {
          if (waitNote) { waitNote.hidden = false; }
          idleTimer = setTimeout(lockNow, 5000);
          return;
        }
        document.documentElement.classList.add("leaving");
        if (channel) { channel.postMessage("locked"); }
        window.location.replace("/?msg=locked");
      }, function () { window.location.replace("/?msg=locked"); });
    };
    var activity = function () {
      clearTimeout(idleTimer);
      if (waitNote) { waitNote.hidden = true; }
      idleTimer = setTimeout(lockNow, autolock * 1000);
      if (Date.now() - lastPing > Math.min(30000, autolock * 500)) {
        lastPing = Date.now();
        post("/activity", {}).catch(function () {});
      }
    };
    ["keydown", "pointerdown", "pointermove", "wheel", "touchstart"].forEach(function (name) {
      document.addEventListener(name, activity, {passive: true});
    });
    activity();
  }

  /* -- small conveniences ---------------------------------------------------------- */
  document.querySelectorAll("select.autosubmit").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll(".nojs").forEach(function (el) { el.hidden = true; });
  document.querySelectorAll("button[data-reveal]").forEach(function (button) {
    button.addEventListener("click", function () {
      var img = document.getElementById(button.getAttribute("data-reveal"));
      if (img) { img.src = img.getAttribute("data-full"); img.classList.remove("blurred"); }
      button.hidden = true;
    });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });

  /* -- jobs: poll and draw progress ---------------------------------------------- */
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function drawJob(box, job) {
    var bar = box.querySelector("progress.job-bar");
    if (bar) { bar.max = job.total || 1; bar.value = job.state === "done" ? (job.total || 1) : job.done; }
    var state = box.querySelector(".job-state");
    if (state) { state.textContent = box.getAttribute("data-state-" + job.state) || job.state; }
    var msg = box.querySelector(".job-message");
    if (msg) { msg.textContent = job.message || ""; }
    var list = box.querySelector(".job-files");
    if (list && job.files.length) {
      list.textContent = "";
      job.files.forEach(function (f) {
        var li = el("li", "file file-" + f.status);
        li.appendChild(el("span", "file-name", f.name));
        var p = el("progress", "file-bar"); p.max = f.size || 1; p.value = f.done;
        p.setAttribute("aria-label", f.name);
        li.appendChild(p);
        var label = box.getAttribute("data-status-" + f.status) || f.status;
        var detail = f.labels.length ? label + " " + f.labels.join(", ") : label;
        li.appendChild(el("span", "file-status", detail));
        if (f.message) { li.appendChild(el("span", "file-message", f.message)); }
        list.appendChild(li);
      });
    }
    var lines = box.querySelector(".job-lines");
    if (lines) {
      lines.textContent = "";
      job.lines.forEach(function (line) { lines.appendChild(el("li", "", line)); });
    }
    var links = box.querySelector(".job-links");
    if (links) {
      links.textContent = "";
      job.links.forEach(function (link) {
        var a = el("a", "", link.label);
        if (link.href.charAt(0) === "/" && link.href.charAt(1) !== "/") { a.href = link.href; }
        var li = el("li"); li.appendChild(a); links.appendChild(li);
      });
    }
  }

  function pollJob(box, jobId) {
    box.hidden = false;
    box.setAttribute("data-job", jobId);
    working(1);
    var ended = false;
    var end = function () { if (!ended) { ended = true; working(-1); } };
    var tick = function () {
      fetch("/jobs/" + encodeURIComponent(jobId), {credentials: "same-origin"})
        .then(function (r) {
          if (r.status === 401) { end(); window.location.replace("/?msg=locked"); return null; }
          return r.json();
        })
        .then(function (job) {
          if (!job) { return; }
          drawJob(box, job);
          if (job.state === "queued" || job.state === "running") { setTimeout(tick, 400); }
          else { end(); box.classList.add("job-finished"); box.setAttribute("data-finished", job.state); }
        })
        .catch(function () { setTimeout(tick, 1500); });
    };
    tick();
  }
  document.querySelectorAll("[data-job]").forEach(function (box) {
    if (box.getAttribute("data-job")) { pollJob(box, box.getAttribute("data-job")); }
  });

  /* -- add files: drag and drop, one upload per file with its progress ------------ */
  var drop = document.getElementById("dropzone");
  if (drop) {
    var input = document.getElementById("file-input");
    var uploadList = document.getElementById("upload-list");
    var jobBox = document.getElementById("add-job");
    var base = drop.getAttribute("data-base");

    var uploadOne = function (batch, file) {
      var li = el("li", "file file-uploading");
      li.appendChild(el("span", "file-name", file.webkitRelativePath || file.name));
      var bar = el("progress", "file-bar"); bar.max = file.size || 1; bar.value = 0;
      bar.setAttribute("aria-label", file.name);
      li.appendChild(bar);
      var status = el("span", "file-status", drop.getAttribute("data-checking"));
      li.appendChild(status);
      uploadList.appendChild(li);
      var refuse = function (message) {
        status.textContent = drop.getAttribute("data-failed");
        li.className = "file file-refused";
        li.appendChild(el("span", "file-message", message ||
          drop.getAttribute("data-not-kept").replace("{name}", file.name)));
        return false;
      };
      var send = function (sha256) {
        status.textContent = drop.getAttribute("data-uploading");
        bar.value = 0;
        document.querySelectorAll("#unfinished li[data-sha256='" + sha256 + "']").forEach(
          function (row) { if (row.getAttribute("data-size") === String(file.size)) { row.remove(); } });
        return window.SpvResume.send({
          base: base, batch: batch, csrf: csrf, file: file, sha256: sha256,
          onProgress: function (done) { bar.value = done; },
          onState: function (word) {
            status.textContent = drop.getAttribute("data-" + word) || drop.getAttribute("data-uploading");
          }
        }).then(function (result) {
          if (result.ok) {
            bar.value = file.size;
            status.textContent = drop.getAttribute("data-received");
            li.className = "file file-received";
            return true;
          }
          if (result.locked) { return refuse(drop.getAttribute("data-locked")); }
          if (result.gaveUp) { return refuse(drop.getAttribute("data-gave-up").replace("{name}", file.name)); }
          return refuse(result.message);
        }, function () { return refuse(""); });
      };
      working(1);
      return window.SpvSha256.hashFile(file, function (done) { bar.value = done; })
        .then(send, function () { return refuse(""); })
        .then(function (ok) { working(-1); return ok; });
    };

    var sendAll = function (files) {
      if (!files.length) { return; }
      uploadList.textContent = "";
      uploadList.hidden = false;
      working(1);  /* from the first upload until the sealing job is being followed */
      var settled = false;
      var settle = function () { if (!settled) { settled = true; working(-1); } };
      post(base + "/batch", {}).then(function (r) { return r.json(); }).then(function (info) {
        var chain = Promise.resolve();
        Array.prototype.forEach.call(files, function (file) {
          chain = chain.then(function () { return uploadOne(info.batch, file); });
        });
        var dns = document.getElementById("dns-lookups");
        var sealing = {dns: dns && dns.checked ? "1" : ""};
        return chain.then(function () { return post(base + "/seal/" + encodeURIComponent(info.batch), sealing); });
      }).then(function (r) { return r.json(); }).then(function (info) {
        /* what was refused stays in view, with its reason; the rest is in the job */
        uploadList.querySelectorAll("li.file-received").forEach(function (li) { li.remove(); });
        uploadList.hidden = !uploadList.children.length;
        pollJob(jobBox, info.job);
        settle();
      }).catch(settle);
    };
    input.addEventListener("change", function () { sendAll(input.files); });
    var folderInput = document.getElementById("folder-input");
    if (folderInput) { folderInput.addEventListener("change", function () { sendAll(folderInput.files); }); }
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) { sendAll(e.dataTransfer.files); });
  }
})();
