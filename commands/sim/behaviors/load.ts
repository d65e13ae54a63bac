/**
 * Behaviour modules: built-ins by name (`constant_miner`, `standard_sync`, `observer`,
 * `mining_wallet`, `transaction_bot`, `hodler`) or a TypeScript/JavaScript file relative to
 * the scenario. `validate` loads each and checks the group's `behavior_config` against its
 * schema; the agent loads it again where it runs.
 *
 * @module
 */
import type { BehaviorModule } from "./types.ts";

/** Built-in behaviours, by the name a scenario uses. */
export const BUILTIN_BEHAVIORS: Record<string, () => Promise<BehaviorModule>> = {
  constant_miner: () => import("./builtin/constant_miner.ts"),
  standard_sync: () => import("./builtin/standard_sync.ts"),
  observer: () => import("./builtin/observer.ts"),
  mining_wallet: () => import("./builtin/mining_wallet.ts"),
  transaction_bot: () => import("./builtin/transaction_bot.ts"),
  hodler: () => import("./builtin/hodler.ts"),
};

/**
 * Where a behaviour comes from: a built-in name stays as it is; a path becomes absolute
 * (relative to `baseDir`, the scenario's folder), so agents started elsewhere find it.
 */
export function resolveBehavior(spec: string, baseDir: string): string {
  if (spec in BUILTIN_BEHAVIORS) return spec;
  if (spec.startsWith("/") || /^[a-z]+:/.test(spec)) return spec;
  const base = baseDir.startsWith("/") ? baseDir : `${Deno.cwd()}/${baseDir}`;
  const parts: string[] = [];
  for (const part of `${base}/${spec}`.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "." && part !== "") parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/** Load a behaviour; throws an Error whose message says what is wrong with the module. */
export async function loadBehavior(resolved: string): Promise<BehaviorModule> {
  const builtin = BUILTIN_BEHAVIORS[resolved];
  let mod: Record<string, unknown>;
  try {
    mod = builtin
      ? await builtin() as unknown as Record<string, unknown>
      : await import(/^[a-z]+:/.test(resolved) ? resolved : `file://${resolved}`);
  } catch (error) {
    throw new Error(`cannot load: ${(error as Error).message.split("\n")[0]}`);
  }
  if (typeof mod.run !== "function") throw new Error("exports no run(ctx) function");
  const schema = mod.configSchema as { safeParse?: unknown } | undefined;
  if (!schema || typeof schema.safeParse !== "function") {
    throw new Error("exports no configSchema (a zod schema of behavior_config)");
  }
  return mod as unknown as BehaviorModule;
}
