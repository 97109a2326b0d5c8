// Reads images/<name>.json. The name comes from HTTP callers, so it must match the strict image-name
// pattern BEFORE any path is built from it: "../x", "a/b", "%2e%2e" and friends never reach the filesystem.
import { lstat, readdir, readFile } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { IMAGE_NAME_PATTERN } from "./schema.js";
import type { FieldError, ImageDefinition } from "./types.js";
import { validateDefinition, type ValidateOptions } from "./validate.js";

/** Definitions are a few KB; anything larger is not one. */
const MAX_FILE_BYTES = 256 * 1024;
const NAME = new RegExp(IMAGE_NAME_PATTERN, "u");

export type LoadFailure = "invalidName" | "notFound" | "invalidJson" | "invalidDefinition";
export type LoadResult = { ok: true; definition: ImageDefinition } | { ok: false; reason: LoadFailure; errors: FieldError[] };

export interface LoadOptions extends ValidateOptions {
  /** folder of the definitions; default IMAGES_DIR or ./images */
  dir?: string;
}

export function defaultImagesDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.IMAGES_DIR || join(process.cwd(), "images"));
}

export function isImageName(name: unknown): name is string {
  return typeof name === "string" && NAME.test(name);
}

const fail = (reason: LoadFailure, path: string, message: string): LoadResult => ({ ok: false, reason, errors: [{ path, message }] });

export async function loadDefinition(name: unknown, options: LoadOptions = {}): Promise<LoadResult> {
  if (!isImageName(name)) return fail("invalidName", "name", "must be 1–40 lower-case letters, digits and '-', starting with a letter or digit");
  const dir = resolve(options.dir ?? defaultImagesDir());
  const file = join(dir, `${name}.json`);
  if (!file.startsWith(dir + sep)) return fail("invalidName", "name", "is not a plain file name"); // unreachable by the pattern; kept as a second lock

  let text: string;
  try {
    const info = await lstat(file); // lstat: a symlink is not followed out of the folder
    if (!info.isFile()) return fail("notFound", "name", `no image named ${name}`);
    if (info.size > MAX_FILE_BYTES) return fail("invalidJson", "(file)", `is larger than ${MAX_FILE_BYTES} bytes`);
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return fail("notFound", "name", `no image named ${name}`);
    throw error;
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail("invalidJson", "(file)", `is not valid JSON: ${(error as Error).message}`);
  }
  const result = validateDefinition(json, options);
  const errors = result.ok ? [] : [...result.errors];
  const declared = (json as { name?: unknown } | null)?.name;
  if (typeof declared === "string" && declared !== name) errors.push({ path: "name", message: `must equal the file name (${name})` });
  if (errors.length > 0 || !result.ok) return { ok: false, reason: "invalidDefinition", errors };
  return result;
}

/** Names of the definitions in the folder (the nightly schedule builds those with nightly: true). */
export async function listImageNames(dir: string = defaultImagesDir()): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".json"))
    .map((e) => e.name.slice(0, -".json".length))
    .filter(isImageName)
    .sort();
}
