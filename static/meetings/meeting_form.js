/* The logging form: narrow the roster to who is due (the committee on the
   chosen date, or a 党小组), show the reason picker of ticked absentees, keep
   the counts up to date, and show the 党课 / 党小组 fields when relevant.
   The server computes the roster itself; this only keeps the page honest. */
(function () {
  "use strict";
  var form = document.getElementById("meeting-form");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(form.querySelectorAll(".roster-row"));
  var dateInput = form.querySelector("input[name=date]");
  var groupSelect = form.querySelector("select[name=party_group]");

  function checkedKinds() {
    return Array.prototype.map.call(form.querySelectorAll("input[name=kinds]:checked"), function (el) { return el.value; });
  }

  function onCommittee(row, day) {
    var spans = JSON.parse(row.getAttribute("data-committee") || "[]");
    return spans.some(function (s) { return s[0] <= day && day <= s[1]; });
  }

  function refresh() {
    var kinds = checkedKinds();
    var day = dateInput.value;
    var group = groupSelect ? groupSelect.value : "";
    var isCommittee = kinds.indexOf("committee") >= 0;
    var isGroup = kinds.indexOf("group") >= 0;
    var due = 0, absent = 0;
    rows.forEach(function (row) {
      var joined = row.getAttribute("data-joined");
      var show = !joined || !day || joined <= day;  // had joined the party by that day
      if (show && isCommittee) { show = onCommittee(row, day); }
      else if (show && isGroup) { show = group !== "" && row.getAttribute("data-group") === group; }
      row.hidden = !show;
      var box = row.querySelector(".absent-toggle");
      var reason = row.querySelector("select");
      box.disabled = !show;
      reason.disabled = !show || !box.checked;
      reason.required = show && box.checked;
      row.classList.toggle("is-absent", show && box.checked);
      if (show) { due += 1; if (box.checked) { absent += 1; } }
    });
    form.querySelector("[data-count=due]").textContent = due;
    form.querySelector("[data-count=present]").textContent = due - absent;
    form.querySelector("[data-count=absent]").textContent = absent;
    var empty = form.querySelector("[data-roster-empty]");
    if (empty) { empty.hidden = due > 0; }
    toggle("[data-show-for=lecture]", kinds.indexOf("lecture") >= 0);
    toggle("[data-show-for=group]", isGroup);
  }

  function toggle(selector, on) {
    Array.prototype.forEach.call(form.querySelectorAll(selector), function (el) { el.hidden = !on; });
  }

  form.addEventListener("change", refresh);
  dateInput.addEventListener("input", refresh);
  refresh();
})();
