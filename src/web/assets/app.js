/* app.js - opora's web UI: live updates and keyboard shortcuts.
 * No inline script anywhere (CSP default-src 'self'); pages work without it. */
(function () {
  "use strict";

  /* ---- live updates: /live answers with what changed since the last id ---- */
  function live() {
    if (!window.EventSource) return;
    var ticket = document.body.getAttribute("data-ticket") || "";
    var es = new EventSource("/live" + (ticket ? "?ticket=" + encodeURIComponent(ticket) : ""));
    es.addEventListener("counts", function (ev) {
      var counts = JSON.parse(ev.data);
      Object.keys(counts).forEach(function (name) {
        var el = document.querySelector('[data-view-count="' + name + '"]');
        if (el && el.textContent !== String(counts[name])) el.textContent = String(counts[name]);
      });
    });
    es.addEventListener("ticket", function () {
      /* the conversation and history again, from our own server-rendered page */
      /* after a refused form the address is the form's: ask for the ticket's */
      fetch("/tickets/" + encodeURIComponent(ticket), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) return;
          var doc = new DOMParser().parseFromString(html, "text/html");
          ["conversation", "history", "sla"].forEach(function (id) {
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
})();
