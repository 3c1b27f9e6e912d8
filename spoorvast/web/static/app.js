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

  /* -- quick exit: hide at once, lock, replace this page in the history ---------- */
  var leaving = false;
  function quickExit() {
    if (leaving) { return; }
    leaving = true;
    document.documentElement.classList.add("leaving");
    document.title = "";
    var done = function () { window.location.replace("/weather"); };
    var timer = new Promise(function (resolve) { setTimeout(resolve, 600); });
    Promise.race([post("/exit", {}, true), timer]).then(done, done);
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

  /* -- auto-lock after inactivity ------------------------------------------------- */
  var autolockMeta = document.querySelector('meta[name="autolock"]');
  var autolock = autolockMeta ? parseInt(autolockMeta.content, 10) : 0;
  if (autolock > 0) {
    var idleTimer = null, lastPing = Date.now();
    var lockNow = function () {
      document.documentElement.classList.add("leaving");
      var go = function () { window.location.replace("/?msg=locked"); };
      post("/lock", {}, true).then(go, go);
    };
    var activity = function () {
      clearTimeout(idleTimer);
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
    var tick = function () {
      fetch("/jobs/" + encodeURIComponent(jobId), {credentials: "same-origin"})
        .then(function (r) {
          if (r.status === 401) { window.location.replace("/?msg=locked"); return null; }
          return r.json();
        })
        .then(function (job) {
          if (!job) { return; }
          drawJob(box, job);
          if (job.state === "queued" || job.state === "running") { setTimeout(tick, 400); }
          else { box.classList.add("job-finished"); box.setAttribute("data-finished", job.state); }
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
      li.appendChild(el("span", "file-name", file.name));
      var bar = el("progress", "file-bar"); bar.max = file.size || 1; bar.value = 0;
      bar.setAttribute("aria-label", file.name);
      li.appendChild(bar);
      var status = el("span", "file-status", drop.getAttribute("data-uploading"));
      li.appendChild(status);
      uploadList.appendChild(li);
      return new Promise(function (resolve) {
        var xhr = new XMLHttpRequest();
        xhr.open("POST", base + "/upload/" + encodeURIComponent(batch));
        xhr.setRequestHeader("X-CSRF-Token", csrf);
        xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
        if (file.webkitRelativePath) {
          xhr.setRequestHeader("X-File-Path", encodeURIComponent(file.webkitRelativePath));
        }
        xhr.setRequestHeader("X-File-Modified", String(file.lastModified || 0));
        xhr.setRequestHeader("Content-Type", "application/octet-stream");
        xhr.upload.onprogress = function (e) { bar.value = e.loaded; };
        xhr.onload = function () {
          var ok = xhr.status === 204;
          bar.value = file.size;
          status.textContent = drop.getAttribute(ok ? "data-received" : "data-failed");
          li.className = "file " + (ok ? "file-received" : "file-refused");
          resolve(ok);
        };
        xhr.onerror = function () { status.textContent = drop.getAttribute("data-failed"); resolve(false); };
        xhr.send(file);
      });
    };

    var sendAll = function (files) {
      if (!files.length) { return; }
      uploadList.textContent = "";
      post(base + "/batch", {}).then(function (r) { return r.json(); }).then(function (info) {
        var chain = Promise.resolve();
        Array.prototype.forEach.call(files, function (file) {
          chain = chain.then(function () { return uploadOne(info.batch, file); });
        });
        return chain.then(function () { return post(base + "/seal/" + encodeURIComponent(info.batch), {}); });
      }).then(function (r) { return r.json(); }).then(function (info) {
        uploadList.hidden = true;
        pollJob(jobBox, info.job);
      });
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
