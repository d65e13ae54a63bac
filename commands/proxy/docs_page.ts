/**
 * `GET /v1/docs`: a self-contained page that reads `/v1/openapi.json` and lists every route with
 * its parameters and request schema. No CDN: the program must work offline.
 *
 * @module
 */

/** The docs page's HTML. */
export const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hive proxy API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.45 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
h2{margin-top:1.6em;font-size:1.05em}code,pre{font-family:ui-monospace,monospace;font-size:13px}
pre{background:#f5f5f5;padding:.6em;overflow:auto}.m{display:inline-block;width:4.5em;font-weight:600}
</style></head><body>
<h1>hive proxy API</h1>
<p>Send <code>Authorization: Bearer KEY</code> or <code>X-API-Key: KEY</code>. Never put a key in
the URL. The machine-readable document is <a href="/v1/openapi.json">/v1/openapi.json</a>.</p>
<div id="routes">loading…</div>
<script>
fetch("/v1/openapi.json").then((r) => r.json()).then((doc) => {
  const out = document.getElementById("routes");
  out.textContent = "";
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const h = document.createElement("h2");
      h.innerHTML = '<span class="m"></span><code></code> ';
      h.children[0].textContent = method.toUpperCase();
      h.children[1].textContent = path;
      h.append(op.summary || "");
      out.append(h);
      const params = (op.parameters || []).map((p) => p.in + " " + p.name).join(", ");
      if (params) { const p = document.createElement("p"); p.textContent = "parameters: " + params; out.append(p); }
      const body = op.requestBody && op.requestBody.content["application/json"];
      if (body) { const pre = document.createElement("pre"); pre.textContent = JSON.stringify(body.schema, null, 2); out.append(pre); }
      const codes = Object.keys(op.responses || {}).join(", ");
      const p = document.createElement("p"); p.textContent = "responses: " + codes; out.append(p);
    }
  }
});
</script></body></html>
`;
