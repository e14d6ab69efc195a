// Small behaviours shared by every page.
document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
  new bootstrap.Tooltip(el);
});

// Irreversible actions: a <form data-confirm="sentence"> asks before it is sent. A submit
// button marked data-skip-confirm (saving a draft) sends without asking. Forms sent by
// htmx ask through htmx's own hx-confirm.
document.addEventListener(
  "submit",
  function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) {
      return;
    }
    if (form.hasAttribute("hx-post") || form.hasAttribute("hx-confirm")) {
      return;
    }
    var submitter = event.submitter;
    if (submitter && submitter.hasAttribute("data-skip-confirm")) {
      return;
    }
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  },
  true
);

// Formsets: "Add a milestone" clones the formset's empty form in place and counts it in
// TOTAL_FORMS. Without JavaScript the button stays hidden and the blank rows serve.
document.querySelectorAll("[data-formset-add]").forEach(function (button) {
  var prefix = button.dataset.formsetAdd;
  var rows = document.querySelector('[data-formset-rows="' + prefix + '"]');
  var empty = document.querySelector('[data-formset-empty="' + prefix + '"]');
  var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  if (!rows || !empty || !total) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = empty.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus();
    }
  });
});
