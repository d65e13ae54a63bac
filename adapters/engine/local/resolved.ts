/**
 * `--stop-when-resolved` on real monerod: whether every double-spend and partition attack of a
 * local run has its outcome, read from the attack agents' own records (`attack-<i>.ndjson` in
 * the attacker's or group A's host folder). A double spend is resolved by its one `attack`
 * record (success, give-up or timeout), a partition by its `healed` record. Eclipse and sybil
 * attacks last the whole run, as in the des engine.
 *
 * @module
 */
import type { SimModel } from "../types.ts";
import type { LocalHostPlacement } from "./options.ts";

/** An attack whose outcome ends the run early, and the file its agent writes. */
export interface ResolvableAttack {
  index: number;
  kind: "double_spend" | "partition";
  file: string;
}

/** The double-spend and partition attacks of a model, with their record files. */
export function resolvableAttacks(
  model: SimModel,
  placement: (host: string) => LocalHostPlacement,
): ResolvableAttack[] {
  return model.attacks.flatMap((a, index): ResolvableAttack[] => {
    if (a.kind === "double_spend") {
      return [{ index, kind: a.kind, file: `${placement(a.attacker).dir}/attack-${index}.ndjson` }];
    }
    if (a.kind === "partition") {
      return [{
        index,
        kind: a.kind,
        file: `${placement(a.groupA[0]).dir}/attack-${index}.ndjson`,
      }];
    }
    return [];
  });
}

function _resolves(kind: ResolvableAttack["kind"], line: string): boolean {
  let record: { event?: unknown; attack?: unknown; outcome?: { phase?: unknown } };
  try {
    record = JSON.parse(line);
  } catch {
    return false; // a line being written
  }
  if (record?.event !== "attack" || record.attack !== kind) return false;
  return kind === "double_spend" || record.outcome?.phase === "healed";
}

/** True when there is at least one such attack and every one has its outcome on file. */
export async function attacksResolved(attacks: readonly ResolvableAttack[]): Promise<boolean> {
  if (attacks.length === 0) return false;
  for (const a of attacks) {
    let text: string;
    try {
      text = await Deno.readTextFile(a.file);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
    if (!text.split("\n").some((line) => _resolves(a.kind, line))) return false;
  }
  return true;
}
