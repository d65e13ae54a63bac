/**
 * A verified envelope as the portal shows it ({@link HapMessage}), a time limit for calls to
 * the daemon, and the session's RBAC refusal.
 *
 * @module
 */
import type { Envelope } from "../../core/envelope/envelope.ts";
import { HiveError, UsageError } from "../../core/errors.ts";
import { renderTemplateMessage, type TemplateMessage } from "./templates.ts";

/** A verified message as the portal shows it. */
export interface HapMessage {
  topic: string;
  from: string;
  role: string;
  kind: "agent" | "hap";
  /** Sender clock, ISO. */
  sent_at: string;
  /** Payload type: `chat`, `template`, `text`... */
  type: string;
  /** Human rendering of the payload. */
  text: string;
  /** The structured payload of a template message. */
  template?: TemplateMessage;
  /** libp2p peer that relayed it. */
  peer: string;
  /** True for our own messages (echoed into history when sent). */
  self: boolean;
}

/** The portal's view of a verified envelope: chat text, a rendered template, or the payload. */
export function toHapMessage(env: Envelope, peer: string, self: boolean): HapMessage {
  let text = env.payload;
  let template: TemplateMessage | undefined;
  try {
    if (env.type === "chat") text = String(JSON.parse(env.payload).text ?? "");
    else if (env.type === "template") {
      const data = JSON.parse(env.payload);
      template = { template: String(data.template), fields: data.fields ?? {} };
      text = renderTemplateMessage(template);
    }
  } catch {
    // A payload that is not what its type says is shown as it came.
  }
  return {
    topic: env.topic,
    from: env.from,
    role: env.role,
    kind: env.kind,
    sent_at: new Date(env.ts).toISOString(),
    type: env.type,
    text,
    template,
    peer,
    self,
  };
}

/**
 * Reject with a `timeout` HiveError when `promise` takes longer than `ms` (give or take 100 ms).
 * One shared timer watches every pending call: a timer of its own per publish cost more than the
 * rest of a chat message's handling here.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const entry = {
      deadline: Date.now() + ms,
      fail: () => reject(new HiveError(`no answer within ${ms} ms`, { code: "timeout" })),
    };
    _pending.add(entry);
    _watch();
    promise.then(
      (value) => _pending.delete(entry) && resolve(value),
      (error) => _pending.delete(entry) && reject(error),
    );
  });
}

const _pending = new Set<{ deadline: number; fail: () => void }>();
let _watchdog: ReturnType<typeof setInterval> | undefined;

function _watch(): void {
  if (_watchdog !== undefined) return;
  _watchdog = setInterval(() => {
    const now = Date.now();
    for (const entry of _pending) {
      if (entry.deadline <= now) {
        _pending.delete(entry);
        entry.fail();
      }
    }
    if (_pending.size === 0) {
      clearInterval(_watchdog);
      _watchdog = undefined;
    }
  }, 100);
}

/** A send was refused by RBAC. Exits 2. */
export class RbacDeniedError extends UsageError {
  constructor(message: string) {
    super(message, { code: "rbac_denied" });
  }
}
