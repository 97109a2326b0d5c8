// A tiny PowerShell subset for Run Command, enough for the checks an image pipeline runs on a test VM:
// Test-Path, dir/ls/Get-ChildItem, Write-Output/echo/Write-Host, Write-Error, exit N, string literals,
// and `if (<cond>) { ... } else { ... }` with -not/! and Test-Path conditions. Paths are the image's
// (case-insensitive Windows paths, as the image build recorded them) plus Windows' standard folders.

export interface ScriptResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface FileSystem {
  /** paths that exist, with their display casing (a folder is implied by anything inside it) */
  paths: string[];
  /** LastWriteTime of the image's own entries */
  modified: Date;
}

const STANDARD_FOLDERS = ["C:\\PerfLogs", "C:\\Program Files", "C:\\Program Files (x86)", "C:\\Users", "C:\\Windows", "C:\\Windows\\System32", "C:\\Users\\Public"];
const STANDARD_DATE = new Date(Date.UTC(2019, 11, 7, 9, 14));
const SCRIPT = "C:\\Packages\\Plugins\\Microsoft.CPlat.Core.RunCommandWindows\\1.1.18\\Downloads\\script0.ps1";

const normalise = (path: string) => {
  const p = path.trim().replace(/\//g, "\\").replace(/\\+$/, "");
  return /^[a-z]:$/i.test(p) ? `${p}\\` : p;
};
const key = (path: string) => normalise(path).toLowerCase();
const parentOf = (path: string) => {
  const i = path.lastIndexOf("\\");
  return i <= 2 ? path.slice(0, 3) : path.slice(0, i);
};

interface Entry {
  display: string;
  isDir: boolean;
  modified: Date;
}

/** Every path and its ancestors; a path is a folder if something is inside it or its name has no extension. */
function index(fs: FileSystem): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  const add = (path: string, modified: Date, isDir: boolean) => {
    for (let p = normalise(path); ; p = parentOf(p)) {
      const existing = entries.get(p.toLowerCase());
      if (existing) existing.isDir ||= isDir || p !== normalise(path);
      else entries.set(p.toLowerCase(), { display: p, isDir: isDir || p !== normalise(path), modified });
      if (p.length <= 3) break;
    }
  };
  for (const p of STANDARD_FOLDERS) add(p, STANDARD_DATE, true);
  for (const p of fs.paths) add(p, fs.modified, !/\.[^\\.]+$/.test(normalise(p)));
  return entries;
}

class Interpreter {
  #entries: Map<string, Entry>;
  #out: string[] = [];
  #err: string[] = [];

  constructor(fs: FileSystem) {
    this.#entries = index(fs);
  }

  run(script: string): ScriptResult {
    const exitCode = this.#block(script) ?? 0;
    return { stdout: this.#out.join("\n"), stderr: this.#err.join("\n"), exitCode };
  }

  /** Runs statements in order; returns an exit code when `exit` ran. */
  #block(source: string): number | undefined {
    for (const statement of splitStatements(source)) {
      const code = this.#statement(statement);
      if (code !== undefined) return code;
    }
    return undefined;
  }

  #statement(statement: string): number | undefined {
    if (/^if\b/i.test(statement)) return this.#if(statement);
    const words = splitWords(statement);
    const [command, ...args] = words;
    const positional = positionals(args);
    const text = args.join(" ");
    switch (command.toLowerCase()) {
      case "exit":
        return Number.parseInt(args[0] ?? "0", 10) || 0;
      case "test-path":
        this.#out.push(this.#testPath(args) ? "True" : "False");
        return undefined;
      case "dir": case "ls": case "gci": case "get-childitem":
        this.#list(positional[0] ?? "C:\\");
        return undefined;
      case "write-output": case "echo": case "write-host": case "write":
        this.#out.push(text);
        return undefined;
      case "write-error":
        this.#error(text, "NotSpecified: (:) [Write-Error], WriteErrorException", "Microsoft.PowerShell.Commands.WriteErrorException,script0.ps1");
        return undefined;
      default:
        if (/^['"]/.test(statement)) {
          this.#out.push(words.join(" "));
          return undefined;
        }
        this.#error(
          `The term '${command}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
          `ObjectNotFound: (${command}:String) [], CommandNotFoundException`,
          "CommandNotFoundException",
        );
        return undefined;
    }
  }

  #if(statement: string): number | undefined {
    let rest = statement.replace(/^if\s*/i, "");
    const cond = takeGroup(rest, "(", ")");
    rest = rest.slice(cond.end).trim();
    const then = takeGroup(rest, "{", "}");
    rest = rest.slice(then.end).trim();
    const otherwise = /^else\b/i.test(rest) ? takeGroup(rest.replace(/^else\s*/i, ""), "{", "}").inner : "";
    return this.#block(this.#condition(cond.inner) ? then.inner : otherwise);
  }

  #condition(expression: string): boolean {
    const e = expression.trim();
    if (/^(-not\s+|!)/i.test(e)) return !this.#condition(e.replace(/^(-not\s+|!)/i, ""));
    if (e.startsWith("(")) return this.#condition(takeGroup(e, "(", ")").inner);
    if (/^\$true$/i.test(e)) return true;
    if (/^\$false$/i.test(e)) return false;
    const [command, ...args] = splitWords(e);
    if (command?.toLowerCase() === "test-path") return this.#testPath(args);
    this.#statement(e);
    return false;
  }

  #testPath(args: string[]): boolean {
    const typeAt = args.findIndex((a) => /^-PathType$/i.test(a));
    const pathType = typeAt >= 0 ? args[typeAt + 1]?.toLowerCase() : undefined;
    const path = positionals(args)[0];
    const entry = path === undefined ? undefined : this.#entries.get(key(path));
    if (!entry) return false;
    return pathType === "container" ? entry.isDir : pathType === "leaf" ? !entry.isDir : true;
  }

  #list(path: string): void {
    const target = this.#entries.get(key(path));
    if (!target) {
      this.#error(`Cannot find path '${normalise(path)}' because it does not exist.`, `ObjectNotFound: (${normalise(path)}:String) [Get-ChildItem], ItemNotFoundException`, "PathNotFound,Microsoft.PowerShell.Commands.GetChildItemCommand", "Get-ChildItem");
      return;
    }
    const children = target.isDir
      ? [...this.#entries.values()].filter((e) => e.display.length > 3 && parentOf(e.display).toLowerCase() === target.display.toLowerCase())
      : [target];
    children.sort((a, b) => Number(b.isDir) - Number(a.isDir) || a.display.localeCompare(b.display, "en", { sensitivity: "base" }));
    const folder = target.isDir ? target.display : parentOf(target.display);
    const rows = children.map((e) => {
      const name = e.display.slice(e.display.lastIndexOf("\\") + 1);
      return `${(e.isDir ? "d-----" : "-a----")}${formatTime(e.modified).padStart(28)}${(e.isDir ? "" : "64").padStart(15)} ${name}`;
    });
    if (!rows.length) return;
    this.#out.push("", `    Directory: ${folder}`, "", "", "Mode                 LastWriteTime         Length Name", "----                 -------------         ------ ----", ...rows, "");
  }

  #error(message: string, category: string, errorId: string, source = SCRIPT): void {
    this.#err.push(`${source} : ${message}`, `    + CategoryInfo          : ${category}`, `    + FullyQualifiedErrorId : ${errorId}`, "");
  }
}

const VALUE_PARAMETERS = /^-(Path|LiteralPath|PathType|Filter|ErrorAction|ItemType|Name)$/i;

/** Path-like arguments: -Path/-LiteralPath values and bare words, without switches and other parameters' values. */
function positionals(args: string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (VALUE_PARAMETERS.test(args[i])) {
      if (/^-(Path|LiteralPath)$/i.test(args[i]) && args[i + 1] !== undefined) values.push(args[i + 1]);
      i++;
    } else if (!args[i].startsWith("-")) values.push(args[i]);
  }
  return values;
}

/** M/D/YYYY h:mm AM, as PowerShell 5.1 prints LastWriteTime on an en-US Windows Server. */
function formatTime(d: Date): string {
  const h = d.getUTCHours() % 12 || 12;
  const time = `${h}:${String(d.getUTCMinutes()).padStart(2, "0")} ${d.getUTCHours() < 12 ? "AM" : "PM"}`;
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${time.padStart(8)}`;
}

/** The text between an opening bracket at the start of `s` and its match (quotes respected). */
function takeGroup(s: string, open: string, close: string): { inner: string; end: number } {
  if (!s.startsWith(open)) throw new SyntaxError(`expected '${open}'`);
  let depth = 0;
  let quote = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === open) depth++;
    else if (c === close && --depth === 0) return { inner: s.slice(1, i), end: i + 1 };
  }
  throw new SyntaxError(`missing '${close}'`);
}

/** Statements split at newlines and `;` outside quotes and brackets; an `else` joins the preceding `if`. */
export function splitStatements(source: string): string[] {
  const statements: string[] = [];
  let current = "";
  let depth = 0;
  let quote = "";
  const flush = () => {
    const s = current.replace(/(^|\s)#.*$/, "").trim();
    current = "";
    if (!s) return;
    if (/^else\b/i.test(s) && statements.length) statements[statements.length - 1] += ` ${s}`;
    else statements.push(s);
  };
  for (const c of source) {
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "{" || c === "(") depth++;
    else if (c === "}" || c === ")") depth--;
    else if ((c === "\n" || c === ";") && depth === 0) {
      flush();
      continue;
    }
    current += c;
  }
  flush();
  return statements;
}

/** Words of a command line: quoted strings lose their quotes ('' inside single quotes is one quote). */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  const re = /'((?:[^']|'')*)'|"([^"]*)"|(\S+)/g;
  for (const m of line.matchAll(re)) words.push(m[1] !== undefined ? m[1].replace(/''/g, "'") : (m[2] ?? m[3]));
  return words;
}

export function runPowerShell(script: string, fs: FileSystem): ScriptResult {
  try {
    return new Interpreter(fs).run(script);
  } catch (e) {
    const message = e instanceof SyntaxError ? e.message : String(e);
    return { stdout: "", stderr: `At ${SCRIPT}:1 char:1\n${message}\n    + CategoryInfo          : ParserError: (:) [], ParseException`, exitCode: 1 };
  }
}
