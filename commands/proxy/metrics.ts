/**
 * Prometheus counters of the proxy: requests by status, refusals by reason, agents by state.
 *
 * @module
 */
import type { Agent } from "../../adapters/orchestrator/types.ts";

/** Counters behind `GET /metrics`. */
export class ProxyMetrics {
  readonly #requests = new Map<number, number>();
  readonly #refusals = new Map<string, number>();

  /** Count one answered request. */
  request(status: number): void {
    this.#requests.set(status, (this.#requests.get(status) ?? 0) + 1);
  }

  /** Count one refusal (`no_key`, `policy`, `rate_limited`...). */
  refusal(reason: string): void {
    this.#refusals.set(reason, (this.#refusals.get(reason) ?? 0) + 1);
  }

  /** Prometheus text exposition. */
  render(agents: readonly Agent[]): string {
    const lines = [
      "# HELP hive_proxy_requests_total HTTP requests answered, by status code.",
      "# TYPE hive_proxy_requests_total counter",
    ];
    for (const [status, n] of [...this.#requests].sort((a, b) => a[0] - b[0])) {
      lines.push(`hive_proxy_requests_total{code="${status}"} ${n}`);
    }
    lines.push(
      "# HELP hive_proxy_refusals_total Requests refused, by reason.",
      "# TYPE hive_proxy_refusals_total counter",
    );
    for (const [reason, n] of [...this.#refusals].sort()) {
      lines.push(`hive_proxy_refusals_total{reason="${reason}"} ${n}`);
    }
    lines.push(
      "# HELP hive_proxy_agents Managed agents, by state.",
      "# TYPE hive_proxy_agents gauge",
    );
    const byState = new Map<string, number>();
    for (const a of agents) byState.set(a.state, (byState.get(a.state) ?? 0) + 1);
    for (const [state, n] of [...byState].sort()) {
      lines.push(`hive_proxy_agents{state="${state}"} ${n}`);
    }
    return lines.join("\n") + "\n";
  }
}
