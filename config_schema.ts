/**
 * The whole configuration file: the shared sections plus one section per subcommand that has
 * settings. Unknown top-level keys are errors, so typos are caught.
 *
 * @module
 */
import { z } from "zod";
import { baseConfigShape } from "./core/config.ts";
import { daemonConfigSchema } from "./commands/daemon/config.ts";
import { hostConfigSchema } from "./commands/host/config.ts";
import { proxyConfigSchema } from "./commands/proxy/config.ts";
import { hapConfigSchema } from "./commands/hap/config.ts";
import { rbacConfigSchema } from "./core/rbac/rbac.ts";
import { hiveFleetConfigSchema } from "./commands/hive/config.ts";

/** Schema of `config.yaml`. */
export const hiveConfigSchema = z.strictObject({
  ...baseConfigShape,
  daemon: daemonConfigSchema,
  host: hostConfigSchema,
  proxy: proxyConfigSchema,
  hap: hapConfigSchema,
  rbac: rbacConfigSchema,
  hive: hiveFleetConfigSchema,
});

/** A loaded configuration. */
export type HiveConfig = z.output<typeof hiveConfigSchema>;
