// Long texts (marked data-clamp) show their first lines and a button for the rest. Without
// this script they show in full; the hidden lines stay in the page for screen readers.
// The button's words come translated from base.html's <body data-show-more data-show-less>.
(function () {
  var more = document.body.dataset.showMore || "Show more";
  var less = document.body.dataset.showLess || "Show less";
  document.querySelectorAll("[data-clamp]").forEach(function (text, i) {
    text.classList.add("clamped");
    // Short texts, and texts not laid out (in a closed section), are left whole.
    if (text.scrollHeight <= text.clientHeight + 1) {
      text.classList.remove("clamped");
      return;
    }
    if (!text.id) text.id = "clamped-text-" + (i + 1);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-link btn-sm p-0 clamp-toggle";
    button.setAttribute("aria-controls", text.id);
    button.setAttribute("aria-expanded", "false");
    button.textContent = more;
    button.addEventListener("click", function () {
      var open = !text.classList.toggle("clamped");
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.textContent = open ? less : more;
    });
    text.insertAdjacentElement("afterend", button);
  });
})();
