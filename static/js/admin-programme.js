"use strict";
// The programme page: rows are dragged into place by their handle; on drop, the list's new
// order is posted with the same form the up and down buttons use, so the server saves it through
// the same service. Without this script the buttons do the same, one place at a time.
(function () {
    function rowsOf(list) {
        return Array.from(list.children).filter(function (item) {
            return item.classList.contains("programme-item");
        });
    }

    function enable(list) {
        let dragged = null;
        rowsOf(list).forEach(function (item) {
            const handle = item.querySelector(":scope > .programme-row > .drag-handle");
            if (!handle) {
                return;
            }
            handle.addEventListener("mousedown", function () {
                item.draggable = true;
            });
            item.addEventListener("dragstart", function (event) {
                if (dragged) {
                    return;
                }
                dragged = item;
                item.classList.add("dragging");
                event.dataTransfer.effectAllowed = "move";
                event.dataTransfer.setData("text/plain", item.dataset.pk);
                event.stopPropagation();
            });
            item.addEventListener("dragend", function () {
                item.classList.remove("dragging");
                item.draggable = false;
                dragged = null;
            });
        });
        list.addEventListener("dragover", function (event) {
            if (!dragged || dragged.parentNode !== list) {
                return;
            }
            event.preventDefault();
            const over = event.target.closest(".programme-item");
            if (!over || over === dragged || over.parentNode !== list) {
                return;
            }
            const box = over.getBoundingClientRect();
            const after = event.clientY > box.top + box.height / 2;
            list.insertBefore(dragged, after ? over.nextSibling : over);
        });
        list.addEventListener("drop", function (event) {
            if (!dragged || dragged.parentNode !== list) {
                return;
            }
            event.preventDefault();
            event.stopPropagation();
            const form = document.getElementById("programme-order");
            form.elements.kind.value = list.dataset.kind;
            form.elements.order.value = rowsOf(list).map(function (item) {
                return item.dataset.pk;
            }).join(",");
            form.submit();
        });
    }

    document.addEventListener("DOMContentLoaded", function () {
        document.querySelectorAll(".programme-list").forEach(enable);
    });
})();

// A row added to an inline takes the next number of its list ("order" defaults to it).
document.addEventListener("formset:added", function (event) {
    const row = event.target;
    const input = row.querySelector("input[name$='-order']");
    const group = row.closest(".inline-group");
    if (!input || input.value || !group) {
        return;
    }
    const numbers = Array.from(group.querySelectorAll("input[name$='-order']"))
        .map(function (field) { return parseInt(field.value, 10); })
        .filter(function (number) { return !Number.isNaN(number); });
    input.value = numbers.length ? Math.max.apply(null, numbers) + 1 : 1;
});
