// optout: the only script of our own. Everything works without it; it adds copy buttons,
// fetches htmx when a visitor first reaches for a form, and tells the visitor when an in-place
// update fails.
(function () {
  "use strict";

  // htmx makes ticks and reports happen in place. It is the largest file a page could load, and a
  // visitor who only reads never needs it, so it is fetched the first time a visitor reaches for
  // a form (a touch, a press or keyboard focus inside one). A form sent before htmx has arrived
  // waits for it and is then sent the htmx way, with the same button; if htmx cannot be
  // fetched, the form goes as the plain POST it is without JavaScript.
  var htmxSource = document.currentScript && document.currentScript.getAttribute("data-htmx");
  var htmxLoading = null;
  var HTMX_FORM = "form[data-hx-post]";

  function loadHtmx() {
    if (window.htmx || !htmxSource) { return Promise.resolve(); }
    if (!htmxLoading) {
      htmxLoading = new Promise(function (resolve, reject) {
        function inject() {
          var script = document.createElement("script");
          script.src = htmxSource;
          script.onload = resolve;
          script.onerror = reject;
          document.head.appendChild(script);
        }
        // htmx sets itself up at once only when the document has finished loading.
        if (document.readyState === "complete") { inject(); }
        else { window.addEventListener("load", inject, { once: true }); }
      });
    }
    return htmxLoading;
  }

  ["pointerdown", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (event.target.closest && event.target.closest(HTMX_FORM)) { loadHtmx(); }
    }, { capture: true, passive: true });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (window.htmx || !htmxSource || !form.matches(HTMX_FORM) || form.plainPost) { return; }
    event.preventDefault();
    var button = event.submitter;
    loadHtmx().then(function () {
      if (button) { button.click(); } else { form.requestSubmit(); }
    }, function () {
      form.plainPost = true;
      form.requestSubmit(button || undefined);
    });
  }, true);

  function announce(message) {
    var region = document.getElementById("announcer");
    if (region) { region.textContent = message; }
  }

  // Messages in the page's language: the template puts them on <body data-msg-...>.
  function text(name, fallback) {
    return document.body.dataset[name] || fallback;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button || !navigator.clipboard) { return; }
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    navigator.clipboard.writeText(source.value || source.textContent).then(function () {
      button.textContent = button.getAttribute("data-copied-label") || text("msgCopied", "Copied");
      announce(text("msgCopied", "Copied to the clipboard."));
    });
  });

  // Copy buttons are useless without the clipboard API, so they start hidden.
  function reveal(root) {
    root.querySelectorAll("[data-copy-target]").forEach(function (button) {
      if (navigator.clipboard) { button.hidden = false; }
    });
    root.querySelectorAll("[data-print]").forEach(function (button) { button.hidden = false; });
  }
  reveal(document);
  document.addEventListener("htmx:afterSwap", function (event) { reveal(event.detail.target.parentNode || document); });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });

  // Sources, dates and notes wait in closed <details>: a link to something inside one (a
  // citation such as [3]) opens it first, so the link lands where it points.
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) { return; }
    var closed = false;
    for (var d = target.closest("details"); d; d = d.parentElement.closest("details")) {
      if (!d.open) { d.open = true; closed = true; }
    }
    if (closed) { target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  document.addEventListener("htmx:responseError", function (event) {
    var message = text("msgFailed", "That did not work. Please reload the page and try again.");
    var xhr = event.detail.xhr;
    try {
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var lede = page.querySelector(".lede");
      if (lede) { message = lede.textContent.trim(); }
    } catch (e) { /* keep the generic message */ }
    var target = event.detail.target;
    var old = target && target.querySelector(".item-error");
    if (old) { old.remove(); }
    if (target) {
      var p = document.createElement("p");
      p.className = "item-error";
      p.textContent = message;
      target.appendChild(p);
    }
    announce(message);
  });

  document.addEventListener("htmx:sendError", function () {
    announce(text("msgOffline", "We could not reach the site. Check your connection and try again."));
  });
})();
