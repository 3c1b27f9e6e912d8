/* Going through many messages: marking, confirming and rejecting update the row in
   place (the server answers JSON; without script the forms post and the page reloads),
   focus stays where it was, and j / k / m move to the next / previous row and mark it.
   Everything from the server is written with textContent, never as HTML. */
(function () {
  "use strict";
  var csrfMeta = document.querySelector('meta[name="csrf"]');
  var csrf = csrfMeta ? csrfMeta.content : "";
  var said = document.getElementById("said");

  /* the menu: folded on a small screen (one tap opens it), always open on a wide one */
  var menu = document.getElementById("menu");
  if (menu && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 60rem)");
    var fit = function () { menu.open = wide.matches; };
    fit();
    if (wide.addEventListener) { wide.addEventListener("change", fit); }
  }

  function say(text) { if (said) { said.textContent = ""; said.textContent = text || ""; } }

  function send(form, submitter) {
    var data = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) { data.set(submitter.name, submitter.value); }
    return fetch(form.action, {
      method: "POST", credentials: "same-origin",
      headers: {"X-CSRF-Token": csrf, "Accept": "application/json",
                "Content-Type": "application/x-www-form-urlencoded"},
      body: data.toString()
    }).then(function (r) {
      if (!r.ok || (r.headers.get("content-type") || "").indexOf("json") < 0) { throw r; }
      return r.json();
    });
  }

  function marked(form, button, state) {
    var row = form.closest("tr");
    if (row) { row.classList.toggle("marked", state.marked); }
    button.value = state.marked ? "0" : "1";
    button.textContent = (state.marked ? "★ " : "☆ ") +
      (state.marked ? button.dataset.on : button.dataset.off);
    button.setAttribute("aria-label", state.marked ? button.dataset.labelOn : button.dataset.labelOff);
    say(state.said);
  }

  function decided(form, state) {
    var row = form.closest("tr");
    var cell = row ? row.querySelector(".proposal-state") : null;
    if (cell) { cell.textContent = state.state_words; }
    var next = row ? row.nextElementSibling : null;
    var place = form.parentNode;
    form.remove();
    if (state.at && row) {
      var when = document.createElement("span");
      when.className = "muted";
      when.textContent = state.at;
      place.appendChild(when);
    }
    var target = next ? next.querySelector("button, input") : null;
    if (target) { target.focus(); } else if (row) { row.tabIndex = -1; row.focus(); }
    say(state.state_words);
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.classList || !form.classList.contains("in-place") || !window.fetch) { return; }
    e.preventDefault();
    var button = e.submitter || form.querySelector("button");
    send(form, button).then(function (state) {
      if (form.dataset.kind === "mark") { marked(form, button, state); }
      else { decided(form, state); }
    }, function () { window.location.reload(); });
  });

  /* j / k: next / previous row; m: mark or unmark it */
  var current = null;
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("table.workthrough tr.row")); }
  function go(step) {
    var all = rows();
    if (!all.length) { return; }
    var at = all.indexOf(current);
    var next = all[Math.max(0, Math.min(all.length - 1, at < 0 ? 0 : at + step))];
    if (current) { current.classList.remove("current"); }
    current = next;
    current.classList.add("current");
    current.tabIndex = -1;
    current.focus();
    current.scrollIntoView({block: "nearest"});
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
    if (e.key === "j") { go(1); } else if (e.key === "k") { go(-1); }
    else if (e.key === "m") {
      var row = current || (t && t.closest ? t.closest("tr.row") : null);
      var button = row ? row.querySelector(".markbutton") : null;
      if (button) { button.click(); if (current) { current.focus(); } }
    } else { return; }
    e.preventDefault();
  });
  document.addEventListener("focusin", function (e) {
    var row = e.target && e.target.closest ? e.target.closest("tr.row") : null;
    if (row && row !== current) {
      if (current) { current.classList.remove("current"); }
      current = row;
      current.classList.add("current");
    }
  });
})();
