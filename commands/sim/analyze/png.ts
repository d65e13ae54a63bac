/**
 * A PNG beside an SVG figure, drawn by headless Chromium (the one browser engine this project
 * already needs for its page tests): `--screenshot` of the SVG file at its own size, at twice
 * the pixel density for print. `HIVE_CHROMIUM` names the executable, else `chromium`,
 * `chromium-browser` or `google-chrome` on PATH.
 *
 * @module
 */
import { HiveError } from "../../../core/errors.ts";

const _NAMES = ["chromium", "chromium-browser", "google-chrome"];

async function _which(name: string): Promise<string | null> {
  if (name.includes("/")) return await Deno.stat(name).then(() => name, () => null);
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").filter(Boolean)) {
    const path = `${dir}/${name}`;
    if (await Deno.stat(path).then((s) => s.isFile, () => false)) return path;
  }
  return null;
}

/** The Chromium executable, or null. */
export async function findChromium(): Promise<string | null> {
  const given = Deno.env.get("HIVE_CHROMIUM");
  if (given) return await _which(given);
  for (const name of _NAMES) {
    const path = await _which(name);
    if (path) return path;
  }
  return null;
}

/**
 * Draw `svgPath` into `pngPath` at `width` x `height` CSS pixels (2x device pixels).
 * @throws HiveError when no Chromium is found or it fails (60 s deadline)
 */
export async function svgToPng(
  svgPath: string,
  pngPath: string,
  size: { width: number; height: number },
): Promise<void> {
  const chromium = await findChromium();
  if (!chromium) {
    throw new HiveError(
      "--png: no Chromium to draw PNGs with: install chromium or set HIVE_CHROMIUM",
    );
  }
  const profile = await Deno.makeTempDir({ prefix: "hive_png_" });
  try {
    const out = await new Deno.Command(chromium, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        `--user-data-dir=${profile}`,
        "--force-device-scale-factor=2",
        `--window-size=${size.width},${size.height}`,
        "--default-background-color=ffffffff",
        `--screenshot=${await Deno.realPath(".").then((cwd) => _abs(pngPath, cwd))}`,
        `file://${_abs(svgPath, Deno.cwd())}`,
      ],
      stdout: "null",
      stderr: "piped",
      signal: AbortSignal.timeout(60_000),
    }).output();
    const made = await Deno.stat(pngPath).then((s) => s.size > 0, () => false);
    if (!out.success || !made) {
      const why = new TextDecoder().decode(out.stderr).split("\n").filter(Boolean).slice(-2);
      throw new HiveError(`--png: chromium could not draw ${pngPath}: ${why.join(" ")}`);
    }
  } finally {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

function _abs(path: string, cwd: string): string {
  return path.startsWith("/") ? path : `${cwd}/${path}`;
}
