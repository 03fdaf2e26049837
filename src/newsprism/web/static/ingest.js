// Ingest form: posts to the JSON API with upload progress and lists the results.
// Text from the server is only ever set through textContent (never innerHTML).
"use strict";
(function () {
  const form = document.getElementById("ingest-form");
  if (!form) return;
  const $ = (id) => document.getElementById(id);

  function cell(row, text, cls) {
    const td = document.createElement("td");
    if (cls) td.className = cls;
    if (text !== null) td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function link(td, href, text) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    td.appendChild(a);
  }

  function show(doc) {
    $("results").hidden = false;
    const summary = $("run-summary");
    summary.textContent = "";
    if (doc.run) {
      summary.append("run ");
      link(summary, "/runs/" + encodeURIComponent(doc.run.id), String(doc.run.id));
      summary.append(": " + doc.run.ok + " articles (" + doc.run.new + " new), " + doc.run.rejected + " rejected");
    }
    $("stories-error").textContent = doc.stories_error || "";
    const body = $("result-rows");
    body.textContent = "";
    for (const it of doc.items) {
      const row = document.createElement("tr");
      cell(row, it.id);
      if (it.status === "ok") {
        cell(row, "stored", "ok");
        link(cell(row, null), "/articles/" + encodeURIComponent(it.article), it.title || it.id);
        const st = cell(row, null);
        if (it.story) link(st, "/stories/" + encodeURIComponent(it.story), it.story);
      } else {
        cell(row, "rejected: " + it.rejection.reason, "bad");
        cell(row, it.rejection.detail);
        cell(row, "");
      }
      body.appendChild(row);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const token = data.get("token");
    data.delete("token");
    const xhr = new XMLHttpRequest();
    const bar = $("progress");
    const status = $("status");
    xhr.open("POST", "/api/v1/ingest");
    if (token) xhr.setRequestHeader("Authorization", "Bearer " + token);
    xhr.responseType = "json";
    bar.hidden = false;
    bar.value = 0;
    $("submit").disabled = true;
    status.textContent = "uploading…";
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) bar.value = (100 * e.loaded) / e.total;
    });
    xhr.upload.addEventListener("load", () => {
      bar.removeAttribute("value"); // indeterminate while the server works
      status.textContent = "reading, cleaning, assigning stories…";
    });
    xhr.addEventListener("loadend", () => {
      $("submit").disabled = false;
      bar.hidden = true;
      const doc = xhr.response;
      if (xhr.status === 200 && doc) {
        status.textContent = "done";
        show(doc);
      } else {
        status.textContent = "failed: " + ((doc && doc.detail) || xhr.statusText || "no answer");
      }
    });
    xhr.send(data);
  });
})();
