/**
 * The test files of `tests/adapters/` in one shared worker, except those deno.json's test task
 * runs on their own; see `mod.ts`.
 *
 * @module
 */
import { importSuite } from "./mod.ts";

await importSuite("adapters");
