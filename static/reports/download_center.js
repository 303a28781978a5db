// 下载中心: every unfinished job asks for its status once a second and moves its
// progress bar; a finished one shows its download link (a page reload renders it).
(function () {
  "use strict";
  const FINISHED = ["done", "failed", "expired"];
  function poll(row) {
    const url = row.dataset.statusUrl;
    const timer = setInterval(function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (job) {
          if (!job) { clearInterval(timer); return; }
          const bar = row.querySelector(".progress-bar");
          bar.style.width = job.progress + "%";
          bar.textContent = job.progress + "%";
          row.querySelector(".progress").setAttribute("aria-valuenow", job.progress);
          row.querySelector("[data-role=status]").textContent = job.status_label;
          if (FINISHED.indexOf(job.status) >= 0) {
            clearInterval(timer);
            window.location.reload();
          }
        })
        .catch(function () { /* try again on the next tick */ });
    }, 1000);
  }
  document.querySelectorAll("#report-jobs tr[data-job]").forEach(function (row) {
    if (FINISHED.indexOf(row.dataset.status) < 0) { poll(row); }
  });
})();
