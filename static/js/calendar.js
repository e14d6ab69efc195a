// The calendar page: a Copy button beside the feed's address. Without JavaScript (or a
// clipboard) the button stays hidden and the read-only field is selected and copied by hand.
document.querySelectorAll("[data-copy]").forEach(function (button) {
  var field = document.getElementById(button.dataset.copy);
  if (!field) {
    return;
  }
  field.addEventListener("focus", function () {
    field.select();
  });
  if (!navigator.clipboard) {
    return;
  }
  button.hidden = false;
  var label = button.textContent.trim();
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(function () {
      button.textContent = button.dataset.copied;
      window.setTimeout(function () {
        button.textContent = label;
      }, 2000);
    });
  });
});
