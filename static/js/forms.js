// Live Markdown preview for the contribution form. Without JavaScript the "Preview" button posts
// the form and the server answers with the same rendering; here the text is sent to the preview
// endpoint as the author pauses typing. The HTML comes from the site's one Markdown renderer,
// which has already removed anything unsafe.
(function () {
  "use strict";

  function setUp(container) {
    var textarea = container.querySelector("textarea");
    var preview = container.querySelector(".preview");
    var form = container.closest("form");
    if (!textarea || !preview || !form) {
      return;
    }
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var timer = null;
    var latest = 0;

    function refresh() {
      var request = ++latest;
      var data = new FormData();
      data.append("body", textarea.value);
      fetch(container.dataset.previewUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "" },
      })
        .then(function (response) {
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          if (html !== null && request === latest) {
            preview.innerHTML = html;
          }
        })
        .catch(function () {
          // The preview is a convenience: the button still works.
        });
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 400);
    });
    if (textarea.value) {
      refresh();
    }
  }

  document.querySelectorAll("[data-preview-url]").forEach(setUp);
})();
