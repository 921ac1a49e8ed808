// Vanilla JS: drag and drop on the upload page, live progress on the job page.
"use strict";
(function () {
  function $(id) { return document.getElementById(id); }

  // Upload page.
  var drop = $("drop"), file = $("file");
  if (drop && file) {
    var show = function () { $("filename").textContent = file.files.length ? file.files[0].name : ""; };
    file.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (ev) {
      drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (ev) {
      drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) {
      if (!e.dataTransfer || !e.dataTransfer.files.length) return;
      file.files = e.dataTransfer.files;
      show();
      $("upload").requestSubmit();
    });
  }

  // Job page.
  var job = $("job");
  if (!job || !window.EventSource) return;
  var t = JSON.parse(job.dataset.i18n || "{}");
  var tr = function (k) { return t[k] || k; };
  var eta = function (s) {
    if (s < 0) return "—";
    s = Math.round(s);
    if (s < 60) return s + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + String(s % 60).padStart(2, "0") + " s";
    return Math.floor(s / 3600) + " h " + String(Math.floor(s / 60) % 60).padStart(2, "0") + " min";
  };
  var cell = function (tr, text, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text;
    tr.appendChild(td);
    return td;
  };
  var render = function (v) {
    job.dataset.state = v.state;
    var st = $("state");
    st.textContent = tr("state." + v.state);
    st.className = "state state-" + v.state;
    $("position").textContent = v.position ? "(" + tr("position") + " " + v.position + ")" : "";
    var bar = $("bar");
    bar.max = v.total || Math.max(v.done, 1);
    bar.value = v.done;
    $("done-n").textContent = v.done;
    $("total-n").textContent = v.total;
    $("percent").textContent = v.percent;
    $("rate").textContent = v.rate > 0 ? v.rate.toFixed(1) + " " + tr("rateunit") : "—";
    $("eta").textContent = eta(v.etaSeconds);
    $("elapsed").textContent = v.elapsedSeconds;
    document.querySelectorAll("#statuses tr[data-status]").forEach(function (row) {
      row.querySelector(".n").textContent = v.byStatus[row.dataset.status] || 0;
    });
    var techs = $("techs"), scale = Math.max(v.done, 1);
    Object.keys(v.byTech).forEach(function (k) {
      if (techs.querySelector('[data-tech="' + CSS.escape(k) + '"]')) return;
      var d = document.createElement("div");
      d.className = "tech";
      d.dataset.tech = k;
      var l = document.createElement("span"); l.className = "label"; l.textContent = k; d.appendChild(l);
      d.appendChild(document.createElement("progress"));
      var n = document.createElement("span"); n.className = "n"; d.appendChild(n);
      techs.appendChild(d);
    });
    techs.querySelectorAll(".tech").forEach(function (d) {
      var n = v.byTech[d.dataset.tech] || 0;
      var p = d.querySelector("progress");
      p.max = scale;
      p.value = n;
      d.querySelector(".n").textContent = n;
    });
    var body = $("first").tBodies[0];
    body.textContent = "";
    v.first.forEach(function (r) {
      var row = document.createElement("tr");
      cell(row, r.row, "n");
      cell(row, r.address);
      var s = cell(row, tr("status." + r.status));
      var dot = document.createElement("span");
      dot.className = "dot st-" + r.status;
      s.insertBefore(dot, s.firstChild);
      cell(row, r.best || "");
      body.appendChild(row);
    });
    var active = v.state === "queued" || v.state === "running";
    $("cancel-form").hidden = !active;
    var err = $("job-error");
    err.textContent = v.error || "";
    err.hidden = !v.error;
    if (v.summary) {
      $("apicalls").textContent = v.summary.apiCalls;
      $("cachehits").textContent = v.summary.cacheHits;
    }
    $("done").hidden = v.state !== "done";
  };
  var state = job.dataset.state;
  if (state !== "queued" && state !== "running") return;
  var es = new EventSource(job.dataset.events);
  es.addEventListener("job", function (e) { render(JSON.parse(e.data)); });
  es.addEventListener("end", function () { es.close(); });
})();
