// Which Windows paths a built image will contain, read off the template's customizers, so a VM made
// from the image can later answer Run Command's `Test-Path` the way the real one would. Only absolute
// drive paths are recorded; a path built from variables or relative to an unknown directory is not
// something the simulator can know, and is skipped.

/** Lower-cased path → the path as first written (Windows paths are case-insensitive). */
export type PathSet = Map<string, string>;

export interface CustomizerWire {
  type: string;
  inline?: string[];
  scriptUri?: string;
  destination?: string;
  restartCommand?: string;
  restartCheckCommand?: string;
  /** the other customizer settings, which create no paths */
  [other: string]: unknown;
}

/** Scripts whose effect on the disk is known; any other script contributes nothing. */
const KNOWN_SCRIPTS: Record<string, string[]> = {
  // the how-to's script: creates the folder and writes a file into it
  "https://raw.githubusercontent.com/danielsollondon/azvmimagebuilder/master/testPsScript.ps1": ["c:\\buildArtifacts\\azureImageBuilder.txt"],
};

const FILE_WRITERS = new Set(["out-file", "set-content", "add-content"]);
const MKDIR = new Set(["mkdir", "md"]);

export function customizerPaths(customizers: CustomizerWire[], inherited: Iterable<string> = []): PathSet {
  const paths: PathSet = new Map();
  for (const p of inherited) addPath(paths, p);
  for (const c of customizers) {
    if (c.type === "PowerShell") {
      for (const line of c.inline ?? []) addLine(paths, line);
      for (const file of (c.scriptUri && KNOWN_SCRIPTS[c.scriptUri]) || []) addPath(paths, file);
    } else if (c.type === "File" && c.destination) {
      addPath(paths, c.destination);
    } else if (c.type === "WindowsRestart") {
      for (const command of [c.restartCommand, c.restartCheckCommand]) if (command) addLine(paths, command);
    }
  }
  return paths;
}

/** One PowerShell line: commands separated by `;` or `|`, each looked at for the path it creates. */
function addLine(paths: PathSet, line: string): void {
  for (const command of splitCommands(tokenize(line))) {
    const [verb = "", ...args] = command;
    const name = verb.toLowerCase();
    if (MKDIR.has(name)) addPath(paths, argument(args, ["-path"]));
    else if (name === "new-item") {
      const kind = (argument(args, ["-itemtype", "-type"], -1) ?? "").toLowerCase();
      if (kind === "directory" || kind === "file") addPath(paths, argument(args, ["-path"]));
    } else if (FILE_WRITERS.has(name)) addPath(paths, argument(args, ["-filepath", "-path", "-literalpath"]));
    for (const target of redirectTargets(command)) addPath(paths, target);
  }
}

/** Splits on whitespace outside quotes; `;` and `|` become tokens of their own; quotes are removed. */
function tokenize(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|([;|])|([^\s;|"']+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  return out;
}

function splitCommands(tokens: string[]): string[][] {
  const commands: string[][] = [[]];
  for (const t of tokens) {
    if (t === ";" || t === "|") commands.push([]);
    else commands[commands.length - 1].push(t);
  }
  return commands.filter((c) => c.length > 0);
}

/**
 * The value of the first of `names` (`-Path X`), else the `position`-th positional argument
 * (-1: none). Switches such as `-Force` are skipped, so `mkdir -Force X` still finds X.
 */
function argument(args: string[], names: string[], position = 0): string | undefined {
  const named = args.findIndex((a) => names.includes(a.toLowerCase()));
  if (named >= 0) return args[named + 1];
  if (position < 0) return undefined;
  const valued = new Set(["-itemtype", "-type", "-value", "-encoding", "-name"]);
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith("-")) {
      if (valued.has(args[i].toLowerCase())) i++;
    } else if (!/^\d?>/.test(args[i])) positional.push(args[i]);
  }
  return positional[position];
}

/** `> X`, `>> X`, `>X`; stream merges such as `2>&1` name no file. */
function redirectTargets(command: string[]): string[] {
  const targets: string[] = [];
  command.forEach((t, i) => {
    const m = /^\d?>>?(.*)$/.exec(t);
    if (!m) return;
    const target = m[1] || command[i + 1];
    if (target && !target.startsWith("&")) targets.push(target);
  });
  return targets;
}

/** Adds a file or folder together with every folder above it (below the drive root). */
function addPath(paths: PathSet, raw: string | undefined): void {
  if (!raw) return;
  const path = raw.replace(/\//g, "\\").replace(/\\+$/, "");
  if (!/^[a-zA-Z]:\\[^\\]/.test(path)) return;
  const parts = path.split(/\\+/);
  for (let i = 2; i <= parts.length; i++) {
    const p = parts.slice(0, i).join("\\");
    if (!paths.has(p.toLowerCase())) paths.set(p.toLowerCase(), p);
  }
}
