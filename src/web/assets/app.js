/* app.js - opora's web UI: live updates and keyboard shortcuts.
 * No inline script anywhere (CSP default-src 'self'); pages work without it. */
(function () {
  "use strict";

  /* ---- live updates: /live is held open and pushes events as they happen ----
   * <body data-ticket="ID"> subscribes to one ticket; on its "ticket" event
   * the page at data-live-url (default /tickets/ID) is fetched again and the
   * elements whose ids data-live-parts lists (default "conversation history
   * sla") are swapped in. "counts" (staff only) updates the view counters. */
  function live() {
    if (!window.EventSource) return;
    var body = document.body;
    var ticket = body.getAttribute("data-ticket") || "";
    var url = body.getAttribute("data-live-url") ||
      (ticket ? "/tickets/" + encodeURIComponent(ticket) : "");
    var parts = (body.getAttribute("data-live-parts") || "conversation history sla")
      .split(/\s+/).filter(Boolean);
    var es = new EventSource("/live" + (ticket ? "?ticket=" + encodeURIComponent(ticket) : ""));
    es.addEventListener("counts", function (ev) {
      var counts = JSON.parse(ev.data);
      Object.keys(counts).forEach(function (name) {
        var el = document.querySelector('[data-view-count="' + name + '"]');
        if (el && el.textContent !== String(counts[name])) el.textContent = String(counts[name]);
      });
    });
    es.addEventListener("ticket", function () {
      /* our own server-rendered page again (after a refused form the
       * address is the form's, so ask for the page's own URL) */
      if (!url) return;
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) return;
          var doc = new DOMParser().parseFromString(html, "text/html");
          parts.forEach(function (id) {
            var fresh = doc.getElementById(id), old = document.getElementById(id);
            if (fresh && old) old.replaceWith(document.importNode(fresh, true));
          });
        });
    });
  }

  /* ---- keys: j/k next/previous ticket in a list, r reply ---- */
  function typing(el) {
    var t = el && el.tagName;
    return t === "INPUT" || t === "TEXTAREA" || t === "SELECT" || (el && el.isContentEditable);
  }
  function keys() {
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(document.activeElement)) return;
      var links = Array.prototype.slice.call(document.querySelectorAll("a.ticket-link"));
      var at = links.indexOf(document.activeElement);
      if ((ev.key === "j" || ev.key === "k") && links.length) {
        var next = ev.key === "j" ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
        links[next].focus();
        ev.preventDefault();
      } else if (ev.key === "r") {
        var body = document.getElementById("reply-body");
        if (body) { body.focus(); ev.preventDefault(); }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { live(); keys(); });

  /* ---- agent workspace: who else has the ticket open, more keys, the keys dialog ---- */
  /* The heartbeat: every data-every ms, and at once when a reply starts being
   * typed; the answer lists the others with the page's own texts. */
  function viewers() {
    var box = document.getElementById("viewers");
    var csrf = document.querySelector('input[name="csrf"]');
    if (!box || !csrf || !window.fetch) return;
    var url = box.getAttribute("data-url");
    var every = parseInt(box.getAttribute("data-every"), 10) || 15000;
    var lastKey = 0, sentTyping = false, busy = false, timer = null;
    function show(list) {
      var ul = box.querySelector("ul");
      ul.textContent = "";
      list.forEach(function (v) {
        var li = document.createElement("li");
        li.className = "viewer" + (v.typing ? " typing" : "");
        li.textContent = v.text;
        ul.appendChild(li);
      });
      box.hidden = list.length === 0;
    }
    function beat() {
      if (busy) return;
      busy = true;
      clearTimeout(timer);
      sentTyping = Date.now() - lastKey < 10000;
      var body = new URLSearchParams({ csrf: csrf.value, typing: sentTyping ? "1" : "0" });
      fetch(url, { method: "POST", credentials: "same-origin", body: body })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) { if (j) show(j.viewers || []); }, function () {})
        .then(function () { busy = false; timer = setTimeout(beat, every); });
    }
    var reply = document.getElementById("reply-body");
    if (reply) reply.addEventListener("input", function () {
      lastKey = Date.now();
      if (!sentTyping) beat();
    });
    window.addEventListener("pagehide", function () {
      if (navigator.sendBeacon) navigator.sendBeacon(url + "/leave", new URLSearchParams({ csrf: csrf.value }));
    });
    beat();
  }
  function agentKeys() {
    var dlg = document.getElementById("keys-help"), open = document.getElementById("keys-open");
    if (dlg && open && dlg.showModal) open.addEventListener("click", function () { dlg.showModal(); });
    var fields = { r: ["reply-body"], n: ["reply-body"], e: ["escalate-group"], b: ["handback-reason"],
                   m: ["merge-target", "merge-confirm"], l: ["link-ticket"] };
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(document.activeElement)) return;
      if (ev.key === "?") {
        if (dlg && dlg.showModal && !dlg.open) { dlg.showModal(); ev.preventDefault(); }
        return;
      }
      var ids = fields[ev.key], el = null;
      for (var i = 0; ids && !el && i < ids.length; i++) el = document.getElementById(ids[i]);
      if (!el) return;
      var kind = ev.key === "n" ? "note" : ev.key === "r" ? "public" : "";
      var radio = kind && document.querySelector('input[name="kind"][value="' + kind + '"]');
      if (radio) radio.checked = true;
      el.focus();
      ev.preventDefault();
    });
  }
  document.addEventListener("DOMContentLoaded", function () { viewers(); agentKeys(); });
})();
