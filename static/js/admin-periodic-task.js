// Django admin, periodic task form (django-celery-beat): the chosen crontab in words, under
// its field. The package writes this inline; the Content Security Policy allows no inline
// script, so templates/admin/djcelery/change_periodictask_form.html loads it from here.
(function () {
  var $ = django.jQuery;
  var data = document.getElementById("readable-crontabs");
  if (!data) {
    return;
  }
  var readable = JSON.parse(data.textContent);
  // Translated by the template (data-label), English otherwise.
  var caption = document.getElementById("crontab-translation-label");
  var prefix = (caption && caption.dataset.label) || "Translation:";
  var help = $(".field-crontab .help");
  var original = help.text().trim();
  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    var words = readable[$("#id_crontab").val()];
    help.empty().append(
      document.createTextNode(original),
      document.createElement("br"),
      document.createTextNode(prefix + " " + (words || ""))
    );
  });
})();
