/**
 * Prometheus text exposition (format 0.0.4) for `GET /metrics`.
 *
 * @module
 */

/** One sample: labels and a value. */
export interface Sample {
  labels?: Record<string, string>;
  value: number;
}

/** One metric family. */
export interface Metric {
  name: string;
  help: string;
  type: "counter" | "gauge";
  samples: Sample[];
}

/** Content type of the text format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

function _escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function _value(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/** Render metric families as Prometheus text. */
export function renderMetrics(metrics: readonly Metric[]): string {
  const lines: string[] = [];
  for (const metric of metrics) {
    lines.push(`# HELP ${metric.name} ${metric.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`);
    lines.push(`# TYPE ${metric.name} ${metric.type}`);
    for (const sample of metric.samples) {
      const labels = Object.entries(sample.labels ?? {});
      const labelText = labels.length === 0
        ? ""
        : `{${labels.map(([k, v]) => `${k}="${_escapeLabel(v)}"`).join(",")}}`;
      lines.push(`${metric.name}${labelText} ${_value(sample.value)}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** Counts HTTP requests by method and status class. */
export class RequestCounter {
  readonly #counts = new Map<string, number>();

  /** Count one request. */
  add(method: string, status: number): void {
    const key = `${method} ${status}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** As a metric family. */
  metric(): Metric {
    return {
      name: "hive_host_http_requests_total",
      help: "HTTP requests served, by method and status code.",
      type: "counter",
      samples: [...this.#counts].map(([key, value]) => {
        const [method, code] = key.split(" ");
        return { labels: { method, code }, value };
      }),
    };
  }
}
