/**
 * The test files of `tests/` outside `commands/` and `adapters/` (core, tools, fixtures,
 * `main_test.ts`) in one shared worker, except those deno.json's test task runs on their own;
 * see `mod.ts`.
 *
 * @module
 */
import { importSuite } from "./mod.ts";

await importSuite("core");
