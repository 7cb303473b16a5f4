// The job page: poll the job's status, move the stage bars, go to the summary when done.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var id = box.getAttribute("data-job-id");
  // The stages this job goes through are the page's own (an upload has nothing to download).
  var items = box.querySelectorAll("#stages li[data-stage]");
  var stages = [];
  var names = {};
  items.forEach(function (li) {
    var st = li.getAttribute("data-stage");
    stages.push(st);
    names[st] = li.querySelector(".stage-name").textContent;
  });
  var statusEl = document.getElementById("job-status");
  var errorEl = document.getElementById("job-error");
  var retry = document.getElementById("retry-form");
  var heading = box.querySelector("h1");

  function show(job) {
    var current = job.status === "done" ? "done" : job.stage;
    var idx = stages.indexOf(current);
    stages.forEach(function (st, i) {
      var li = box.querySelector('li[data-stage="' + st + '"]');
      if (!li) return;
      var bar = li.querySelector("progress");
      li.classList.toggle("current", i === idx);
      li.classList.toggle("finished", idx > i);
      if (i === idx) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
      bar.value = i < idx ? 1 : (i === idx ? job.progress : 0);
    });
    box.setAttribute("data-status", job.status);
    if (job.status === "queued") statusEl.textContent = "Waiting for the worker…";
    else if (job.status === "running") {
      statusEl.textContent = (names[job.stage] || "Starting") + " — " + Math.round(job.progress * 100) + "%" +
        (job.message ? " · " + job.message : "");
    }
    else if (job.status === "done") statusEl.textContent = "Done — opening the summary…";
    else statusEl.textContent = "Failed.";
    if (job.status === "failed") {
      heading.textContent = "That did not work";
      errorEl.textContent = job.error || "The job failed.";
      errorEl.hidden = false;
      retry.hidden = false;
    }
  }
  function poll() {
    fetch("/api/v1/jobs/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        show(job);
        if (job.status === "done" && job.video_page) { location.replace(job.video_page); return; }
        if (job.status !== "failed") setTimeout(poll, 400);
      })
      .catch(function () { setTimeout(poll, 1500); });
  }
  var status = box.getAttribute("data-status");
  if (status === "done") {
    var link = document.getElementById("job-link");
    if (link && link.getAttribute("href")) location.replace(link.getAttribute("href"));
  } else if (status !== "failed") {
    poll();
  }
})();
