/**
 * How the portal shows things: one line per message (time, topic, sender, role, kind), the
 * agent list with people and agents apart, and `/whoami`. Colour comes from `paint`, which
 * leaves text plain when stdout is not a terminal or `NO_COLOR` is set. Text from the mesh is
 * sanitised here, the one place it reaches the terminal.
 *
 * @module
 */
import type { KnownAgent } from "../../../core/identity/registry.ts";
import { paint } from "../../../core/output.ts";
import type { HapMessage, HapSession } from "../session.ts";
import { sanitize } from "./screen.ts";

/** `10:42:07 #general alice (operator, person): hello`. */
export function describeMessage(m: HapMessage): string {
  const time = m.sent_at.slice(11, 19);
  const topic = m.topic.startsWith("/hive/chat/") ? "#" + m.topic.slice(11) : m.topic;
  const who = m.kind === "hap" ? "person" : "agent";
  const name = m.self ? paint("green", sanitize(m.from)) : paint("bold", sanitize(m.from));
  return `${paint("dim", time)} ${paint("dim", sanitize(topic))} ${name} ${
    paint("dim", `(${sanitize(m.role)}, ${who})`)
  }: ${sanitize(m.text)}`;
}

/** People and agents apart, each with role, capabilities, peer and last seen. */
export function describeAgents(agents: KnownAgent[], now = Date.now()): string {
  const section = (title: string, list: KnownAgent[]) => {
    if (list.length === 0) return `${title}: none`;
    return `${title}:\n` +
      list.map((a) =>
        `  ${sanitize(a.id).padEnd(16)} ${sanitize(a.role).padEnd(10)} ${
          sanitize(a.capabilities.join(",") || "-").padEnd(28)
        } ${(a.peer_id ?? "-").slice(-12).padEnd(12)} ${_ago(now - a.last_seen)}`
      ).join("\n");
  };
  return [
    section("people", agents.filter((a) => a.kind === "hap")),
    section("agents", agents.filter((a) => a.kind === "agent")),
  ].join("\n");
}

/** `/whoami`: id, role, kind, capabilities, keys and the peer. */
export function describeWhoami(session: HapSession): string {
  const me = session.identity;
  return [
    `id:           ${me.id}`,
    `role:         ${me.role}`,
    `kind:         ${me.kind === "hap" ? "hap (person)" : "agent"}`,
    `capabilities: ${me.capabilities.join(", ") || "none"}`,
    `signing key:  ${me.public_key}`,
    `recipient:    ${me.recipient}`,
    `peer:         ${session.p2p.peerId() ?? "daemon down"}`,
    `key file:     ${me.path ?? "in memory"}`,
  ].join("\n");
}

function _ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60
    ? `${s}s ago`
    : s < 3600
    ? `${Math.round(s / 60)}m ago`
    : `${Math.round(s / 3600)}h ago`;
}
