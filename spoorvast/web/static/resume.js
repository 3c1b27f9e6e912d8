/* Resumable uploads (see web/routes_resume.py): a file goes in pieces of 8 MiB, each with
   its own SHA-256 (Web Crypto; the pure-JavaScript one where Web Crypto is missing), at
   the offset the server says it has. A cut connection or a server that went away is
   retried, with the server asked again how much it kept, so nothing that arrived is
   sent twice; a locked vault stops and leaves the upload unfinished (listed on the add
   page, resumed when the same file is added again). When every byte is there, the
   server reads it back and seals it only if its SHA-256 is the one computed here.
   window.SpvResume.send({...}) -> Promise of {ok, message}. */
(function () {
  "use strict";
  var PIECE = 8 * 1024 * 1024;
  var GIVE_UP_MS = 30 * 60 * 1000;  /* a connection cut this long: stop (the rest is kept) */

  function toBase64(bytes) {
    var text = "", i;
    for (i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return window.btoa(text);
  }

  function hexBytes(hex) {
    var out = new Uint8Array(hex.length / 2), i;
    for (i = 0; i < out.length; i++) { out[i] = parseInt(hex.substr(i * 2, 2), 16); }
    return out;
  }

  function pieceSum(buffer) {
    if (window.crypto && window.crypto.subtle) {
      return window.crypto.subtle.digest("SHA-256", buffer).then(function (d) {
        return toBase64(new Uint8Array(d));
      });
    }
    var state = window.SpvSha256.create();
    state.update(new Uint8Array(buffer));
    return Promise.resolve(toBase64(hexBytes(state.hex())));
  }

  function later(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  /* o: {base, batch, csrf, file, sha256, onProgress(bytes), onState(word)} */
  function send(o) {
    var file = o.file, url = "", offset = 0, failing = 0, since = 0, checksumFailures = 0;
    var headers = {"X-CSRF-Token": o.csrf};

    var start = function () {
      var h = {"X-CSRF-Token": o.csrf, "X-File-Name": encodeURIComponent(file.name),
               "X-File-SHA256": o.sha256, "X-File-Size": String(file.size),
               "X-File-Modified": String(file.lastModified || 0)};
      if (file.webkitRelativePath) { h["X-File-Path"] = encodeURIComponent(file.webkitRelativePath); }
      return fetch(o.base + "/resumable/" + encodeURIComponent(o.batch),
                   {method: "POST", credentials: "same-origin", headers: h})
        .then(function (r) {
          if (r.status === 401) { return {ok: false, locked: true}; }
          return r.json().then(function (info) {
            if (!r.ok) { return {ok: false, message: info.message || ""}; }
            url = o.base + "/resumable/u/" + encodeURIComponent(info.upload);
            offset = info.offset;
            if (offset > 0) { o.onState("resuming"); }
            o.onProgress(offset);
            return next();
          });
        }, function () {
          return retry(start);
        });
    };

    var retry = function (step) {
      if (!since) { since = Date.now(); }
      if (Date.now() - since > GIVE_UP_MS) { return Promise.resolve({ok: false, gaveUp: true}); }
      failing += 1;
      o.onState("retrying");
      return later(Math.min(10000, 500 * Math.pow(2, Math.min(failing, 5)))).then(step);
    };

    var ask = function () {  /* after a cut: how much did the server keep? */
      return fetch(url, {method: "HEAD", credentials: "same-origin", cache: "no-store"})
        .then(function (r) {
          if (r.status === 401) { return {ok: false, locked: true}; }
          if (r.status === 404) { return {ok: false, message: ""}; }
          if (!r.ok) { return retry(ask); }
          offset = parseInt(r.headers.get("Upload-Offset"), 10) || 0;
          o.onState("resuming");
          o.onProgress(offset);
          return next();
        }, function () { return retry(ask); });
    };

    var next = function () {
      if (offset >= file.size) { return finish(); }
      var end = Math.min(file.size, offset + PIECE);
      return file.slice(offset, end).arrayBuffer().then(function (buffer) {
        return pieceSum(buffer).then(function (sum) { return patch(buffer, sum); });
      });
    };

    var patch = function (buffer, sum) {
      return new Promise(function (resolve) {
        var xhr = new XMLHttpRequest();
        xhr.open("PATCH", url);
        Object.keys(headers).forEach(function (k) { xhr.setRequestHeader(k, headers[k]); });
        xhr.setRequestHeader("Tus-Resumable", "1.0.0");
        xhr.setRequestHeader("Upload-Offset", String(offset));
        xhr.setRequestHeader("Upload-Checksum", "sha256 " + sum);
        xhr.setRequestHeader("Content-Type", "application/offset+octet-stream");
        var at = offset;
        xhr.upload.onprogress = function (e) { o.onProgress(at + e.loaded); };
        xhr.onload = function () {
          var told = parseInt(xhr.getResponseHeader("Upload-Offset"), 10);
          if (xhr.status === 204) {
            offset = told; failing = 0; since = 0;
            o.onState("uploading");
            resolve(next());
          } else if (xhr.status === 401) {
            resolve({ok: false, locked: true});
          } else if (xhr.status === 409 && !isNaN(told)) {
            offset = told;
            resolve(next());
          } else if (xhr.status === 460 && checksumFailures < 3) {
            checksumFailures += 1;
            resolve(next());
          } else if (xhr.status === 404 || xhr.status === 460 || xhr.status === 413) {
            resolve({ok: false, message: ""});
          } else {
            resolve(retry(ask));
          }
        };
        xhr.onerror = function () { resolve(retry(ask)); };
        xhr.onabort = xhr.onerror;
        xhr.send(buffer);
      });
    };

    var finish = function () {
      o.onState("sealing");
      return fetch(url + "/finish/" + encodeURIComponent(o.batch),
                   {method: "POST", credentials: "same-origin", headers: headers})
        .then(function (r) {
          if (r.status === 204) { return {ok: true}; }
          if (r.status === 401) { return {ok: false, locked: true}; }
          if (r.status === 422) {
            return r.json().then(function (info) { return {ok: false, message: info.message || ""}; });
          }
          if (r.status >= 500) { return retry(finish); }
          return {ok: false, message: ""};
        }, function () { return retry(finish); });
    };

    return start();
  }

  window.SpvResume = {send: send, PIECE: PIECE};
})();
