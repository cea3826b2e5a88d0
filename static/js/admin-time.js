"use strict";
// Django's date-time widgets repeat "You are N hours behind server time" under every time field
// of a form; the note is said once, under the first. The widgets add their notes on "load", so
// this runs on the next turn after it.
window.addEventListener("load", function () {
    window.setTimeout(function () {
        const notes = document.querySelectorAll(".timezonewarning");
        notes.forEach(function (note, index) {
            if (index > 0) {
                note.remove();
            }
        });
    }, 0);
});
