/* The door's check-in page (consultations/door_views.py). Without JavaScript its forms post to
   the page. With it, a typed or scanned code goes to the check-in API and the answer shows in
   place, green, amber or red, the field emptied for the next badge; and where the browser has a
   camera, html5-qrcode (static/vendor) reads badges with it. */
(function () {
  "use strict";

  var root = document.querySelector(".check-in");
  if (!root || !window.fetch) {
    return;
  }
  var answer = document.getElementById("answer");
  var codeForm = root.querySelector(".check-in-code");
  var codeInput = document.getElementById("code");
  var csrf = codeForm.querySelector("input[name=csrfmiddlewaretoken]").value;
  var lastCode = "";
  var lastAt = 0;

  function show(colour, headline, data) {
    answer.className = "answer answer-" + colour;
    answer.querySelector(".answer-headline").textContent = headline;
    answer.querySelector(".answer-name").textContent = (data && data.name) || "";
    var detail = [];
    if (data && data.organization) { detail.push(data.organization); }
    if (data && data.category) { detail.push(data.category); }
    if (data && data.walk_in) { detail.push(answer.dataset.walkIn); }
    answer.querySelector(".answer-detail").textContent = detail.join(" · ");
    answer.hidden = false;
  }

  function checkIn(code) {
    var now = Date.now();
    // A camera reads the same badge many times a second: one request per badge held up.
    if (code === lastCode && now - lastAt < 3000) {
      return Promise.resolve();
    }
    lastCode = code;
    lastAt = now;
    return fetch(root.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrf
      },
      body: JSON.stringify({ code: code })
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.status === 200) {
          show("green", answer.dataset.checkedIn, data);
        } else if (response.status === 409) {
          show(data.code === "already_checked_in" ? "amber" : "red", data.detail, data);
        } else if (response.status === 404) {
          show("red", answer.dataset.unknown, null);
        } else {
          show("red", data.detail || answer.dataset.failed, null);
        }
      });
    }).catch(function () {
      show("red", answer.dataset.failed, null);
    });
  }

  codeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = codeInput.value.trim();
    if (!code) {
      return;
    }
    lastCode = "";
    checkIn(code).then(function () {
      codeInput.value = "";
      codeInput.focus();
    });
  });

  var camera = root.querySelector(".camera");
  var library = window.__Html5QrcodeLibrary__;
  if (!camera || !library || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  camera.hidden = false;
  var start = document.getElementById("camera-start");
  start.addEventListener("click", function () {
    start.hidden = true;
    var reader = new library.Html5Qrcode("camera-view");
    reader.start(
      { facingMode: "environment" },
      { fps: 10, qrbox: { width: 220, height: 220 } },
      function (text) { checkIn(text.trim()); },
      function () { /* no code in this frame */ }
    ).catch(function () {
      start.hidden = false;
      show("red", answer.dataset.failed, null);
    });
  });
})();
