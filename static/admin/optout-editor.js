// Editor helpers for drafts: a Markdown preview under each Markdown field, and move up/down
// buttons on steps and FAQ entries (they swap the order numbers; saving stores them).
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function addPreview(textarea) {
    if (textarea.dataset.optoutPreview) { return; }
    textarea.dataset.optoutPreview = "1";
    var tools = document.createElement("div");
    tools.className = "optout-tools";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = "Preview";
    var output = document.createElement("div");
    output.className = "optout-preview";
    output.hidden = true;
    output.setAttribute("aria-live", "polite");
    tools.appendChild(button);
    textarea.insertAdjacentElement("afterend", tools);
    tools.insertAdjacentElement("afterend", output);
    button.addEventListener("click", function () {
      var body = new URLSearchParams();
      body.set("text", textarea.value);
      fetch(document.body.dataset.optoutPreviewUrl || "../../markdown-preview/", {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
        body: body,
        credentials: "same-origin",
      }).then(function (response) { return response.json(); }).then(function (data) {
        output.hidden = false;
        if (data.html !== undefined) {
          // The server sanitised this HTML with the same code that renders the public page.
          output.innerHTML = data.html;
        } else {
          output.textContent = data.error || "The preview failed.";
        }
      });
    });
  }

  function orderInput(row) {
    return row.querySelector("input[name$='-order']");
  }

  function addMoveButtons(row) {
    if (row.dataset.optoutMove || !orderInput(row)) { return; }
    row.dataset.optoutMove = "1";
    var tools = document.createElement("div");
    tools.className = "optout-tools";
    [["Move up", -1], ["Move down", 1]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = pair[0];
      button.addEventListener("click", function () { move(row, pair[1]); button.focus(); });
      tools.appendChild(button);
    });
    row.insertBefore(tools, row.firstChild.nextSibling);
  }

  function siblings(row) {
    return Array.prototype.filter.call(row.parentNode.children, function (el) {
      return el.classList.contains("inline-related") && !el.classList.contains("empty-form") && orderInput(el);
    });
  }

  function move(row, direction) {
    var rows = siblings(row);
    var index = rows.indexOf(row);
    var other = rows[index + direction];
    if (!other) { return; }
    var a = orderInput(row), b = orderInput(other);
    var value = a.value; a.value = b.value; b.value = value;
    if (direction < 0) { row.parentNode.insertBefore(row, other); }
    else { row.parentNode.insertBefore(other, row); }
  }

  function init() {
    document.querySelectorAll("textarea[name$='_md']").forEach(addPreview);
    document.querySelectorAll(".optout-sortable .inline-related").forEach(addMoveButtons);
  }

  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("formset:added", init);
})();
