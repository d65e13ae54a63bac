import { equal } from "@std/assert";
import { renderMetrics, RequestCounter } from "../../../commands/host/metrics.ts";

Deno.test("metrics: Prometheus text with HELP, TYPE and escaped labels", () => {
  const text = renderMetrics([
    {
      name: "hive_x_total",
      help: "Things.\nMore",
      type: "counter",
      samples: [{ labels: { path: 'a"b\\c\nd' }, value: 3 }, { value: Infinity }],
    },
    { name: "hive_y", help: "Y.", type: "gauge", samples: [{ value: 0.5 }] },
  ]);
  equal(
    text,
    [
      "# HELP hive_x_total Things.\\nMore",
      "# TYPE hive_x_total counter",
      'hive_x_total{path="a\\"b\\\\c\\nd"} 3',
      "hive_x_total +Inf",
      "# HELP hive_y Y.",
      "# TYPE hive_y gauge",
      "hive_y 0.5",
      "",
    ].join("\n"),
  );
});

Deno.test("metrics: request counter groups by method and status", () => {
  const counter = new RequestCounter();
  counter.add("GET", 200);
  counter.add("GET", 200);
  counter.add("POST", 409);
  equal(
    renderMetrics([counter.metric()]).split("\n").slice(2).join("\n"),
    'hive_host_http_requests_total{method="GET",code="200"} 2\n' +
      'hive_host_http_requests_total{method="POST",code="409"} 1\n',
  );
});
