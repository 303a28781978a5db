/* The logging form: narrow the roster to who is due, show the reason picker
   of ticked absentees, keep the counts up to date, and show the 党课 / 党小组
   fields when relevant. Who is due is decided on the server
   (meetings.selectors.due_on) and handed to the page as lists of member ids
   per kind (data-due); when the date changes, the lists of that date are
   fetched. This script applies them and decides nothing itself. */
(function () {
  "use strict";
  var form = document.getElementById("meeting-form");
  if (!form) { return; }
  var list = form.querySelector(".roster");
  var rows = Array.prototype.slice.call(form.querySelectorAll(".roster-row"));
  var dateInput = form.querySelector("input[name=date]");
  var groupSelect = form.querySelector("select[name=party_group]");
  var due = JSON.parse(list.getAttribute("data-due") || "{}");
  var pending = null;

  function checkedKinds() {
    return Array.prototype.map.call(form.querySelectorAll("input[name=kinds]:checked"), function (el) { return el.value; });
  }

  function dueIds(kinds, group) {
    if (kinds.indexOf("committee") >= 0) { return due.committee || []; }
    if (kinds.indexOf("group") >= 0) { return group ? ((due.groups || {})[group] || []) : []; }
    return due.all || [];
  }

  function refresh() {
    var kinds = checkedKinds();
    var group = groupSelect ? groupSelect.value : "";
    var ids = {};
    dueIds(kinds, group).forEach(function (id) { ids[String(id)] = true; });
    var dueCount = 0, absent = 0;
    rows.forEach(function (row) {
      var show = ids[row.getAttribute("data-member")] === true;
      row.hidden = !show;
      var box = row.querySelector(".absent-toggle");
      var reason = row.querySelector("select");
      box.disabled = !show;
      reason.disabled = !show || !box.checked;
      reason.required = show && box.checked;
      row.classList.toggle("is-absent", show && box.checked);
      if (show) { dueCount += 1; if (box.checked) { absent += 1; } }
    });
    form.querySelector("[data-count=due]").textContent = dueCount;
    form.querySelector("[data-count=present]").textContent = dueCount - absent;
    form.querySelector("[data-count=absent]").textContent = absent;
    var empty = form.querySelector("[data-roster-empty]");
    if (empty) { empty.hidden = dueCount > 0; }
    toggle("[data-show-for=lecture]", kinds.indexOf("lecture") >= 0);
    toggle("[data-show-for=group]", kinds.indexOf("group") >= 0);
  }

  function loadDay() {
    var day = dateInput.value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || day === due.day || day === pending) { return; }
    pending = day;
    fetch(list.getAttribute("data-due-url") + "&date=" + encodeURIComponent(day),
          { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.day === dateInput.value) { due = data; refresh(); }
      })
      .catch(function () { /* keep the lists we have; the server checks on save */ })
      .then(function () { pending = null; });
  }

  function toggle(selector, on) {
    Array.prototype.forEach.call(form.querySelectorAll(selector), function (el) { el.hidden = !on; });
  }

  form.addEventListener("change", function (e) {
    if (e.target === dateInput) { loadDay(); }
    refresh();
  });
  dateInput.addEventListener("input", loadDay);
  refresh();
})();
