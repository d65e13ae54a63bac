/**
 * The program's version, read from deno.json; its own module so that `hive --version` needs
 * nothing else.
 *
 * @module
 */
import denoConfig from "./deno.json" with { type: "json" };

/** The program's version, from deno.json. */
export const VERSION: string = denoConfig.version;

/** Version details printed by `hive --version`. */
export function versionInfo(): Record<string, string> {
  return {
    name: "hive",
    version: VERSION,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    target: Deno.build.target,
  };
}
