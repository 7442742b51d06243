/* Progressive help for forms with long answers: live character counters and focus on the error
   summary. Everything still works without this script. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  var counters = document.querySelectorAll("[data-counter-for]");
  Array.prototype.forEach.call(counters, function (counter) {
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!field) {
      return;
    }
    var limit = parseInt(counter.getAttribute("data-limit"), 10);
    // Screen readers hear the count after a pause in typing, not on every key.
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    counter.parentNode.insertBefore(live, counter.nextSibling);
    var timer = null;
    function update(announce) {
      var count = Array.from(field.value.replace(/\r\n/g, "\n")).length;
      var over = count > limit;
      var text = over
        ? counter.getAttribute("data-over").replace("{count}", String(count - limit))
        : counter.getAttribute("data-text").replace("{count}", String(count));
      counter.textContent = text;
      counter.classList.toggle("counter--over", over);
      if (announce) {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { live.textContent = text; }, 1000);
      }
    }
    field.addEventListener("input", function () { update(true); });
    update(false);
  });
})();
