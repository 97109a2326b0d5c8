// ASP.NET-style route templates as HTTP triggers use them: `items/{id:int}`, optional `{name?}`,
// defaults `{page=1}`, catch-all `{*path}`, constraints such as int, alpha, guid, length(n), regex(...).

export interface RouteTemplate {
  template: string;
  /** literal segments count first when several templates match, as in ASP.NET routing */
  precedence: number;
  match(path: string): Record<string, string> | undefined;
}

interface Param {
  name: string;
  optional: boolean;
  defaultValue?: string;
  constraints: string[];
}

const CONSTRAINTS: Record<string, (value: string, args: string[]) => boolean> = {
  int: (v) => /^-?\d+$/.test(v),
  long: (v) => /^-?\d+$/.test(v),
  bool: (v) => /^(true|false)$/i.test(v),
  alpha: (v) => /^[a-z]+$/i.test(v),
  guid: (v) => /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i.test(v),
  double: (v) => v.trim() !== "" && Number.isFinite(Number(v)),
  float: (v) => v.trim() !== "" && Number.isFinite(Number(v)),
  decimal: (v) => v.trim() !== "" && Number.isFinite(Number(v)),
  datetime: (v) => !Number.isNaN(Date.parse(v)),
  minlength: (v, [n]) => v.length >= Number(n),
  maxlength: (v, [n]) => v.length <= Number(n),
  length: (v, [a, b]) => (b === undefined ? v.length === Number(a) : v.length >= Number(a) && v.length <= Number(b)),
  min: (v, [n]) => Number(v) >= Number(n),
  max: (v, [n]) => Number(v) <= Number(n),
  range: (v, [a, b]) => Number(v) >= Number(a) && Number(v) <= Number(b),
  regex: (v, args) => new RegExp(args.join(","), "i").test(v),
};

function parseParam(text: string): Param & { catchAll: boolean } {
  const catchAll = text.startsWith("*");
  // `name:c1:c2(args)?` or `name=default`; constraint arguments may hold ':' (regex), so split on
  // ':' only outside parentheses. The `?` / `=default` suffix ends the last piece.
  const pieces = (catchAll ? text.slice(1) : text).match(/(?:[^:(]|\([^)]*\))+/g) ?? [""];
  const tail = /^(.*?)(?:(\?)|=(.*))$/.exec(pieces[pieces.length - 1]) ?? ["", pieces[pieces.length - 1]];
  pieces[pieces.length - 1] = tail[1] ?? "";
  const [name, ...constraints] = pieces;
  for (const c of constraints) {
    const kind = c.replace(/\(.*$/, "").toLowerCase();
    if (!CONSTRAINTS[kind]) throw new Error(`unknown route constraint "${c}" in "{${text}}"`);
  }
  const defaultValue = tail[3];
  return { name, optional: catchAll || tail[2] === "?" || defaultValue !== undefined, defaultValue, constraints, catchAll };
}

function satisfies(value: string, constraints: string[]): boolean {
  return constraints.every((c) => {
    const m = /^([a-z]+)(?:\((.*)\))?$/i.exec(c);
    if (!m) return false;
    const args = m[2] === undefined ? [] : m[1].toLowerCase() === "regex" ? [m[2]] : m[2].split(",");
    return CONSTRAINTS[m[1].toLowerCase()](value, args);
  });
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

type Token = { literal: string } | { param: string };

/** Splits a segment into literals and `{...}` parameters; `{{`/`}}` are literal braces, as in ASP.NET. */
function tokenize(segment: string): Token[] {
  const out: Token[] = [];
  let literal = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if ((c === "{" || c === "}") && segment[i + 1] === c) {
      literal += c;
      i++;
    } else if (c !== "{") {
      literal += c;
    } else {
      if (literal) out.push({ literal });
      literal = "";
      let param = "";
      let depth = 0;
      for (i++; i < segment.length && !(segment[i] === "}" && segment[i + 1] !== "}" && depth === 0); i++) {
        const d = segment[i];
        if ((d === "{" || d === "}") && segment[i + 1] === d) i++;
        else if (d === "(") depth++;
        else if (d === ")") depth--;
        param += d;
      }
      if (i >= segment.length) throw new Error(`unclosed "{" in route segment "${segment}"`);
      out.push({ param });
    }
  }
  if (literal) out.push({ literal });
  return out;
}

export function parseRoute(template: string): RouteTemplate {
  const params: Param[] = [];
  let source = "";
  let precedence = 0;
  const segments = template.replace(/^\/+|\/+$/g, "").split("/").filter((s) => s !== "");
  for (const segment of segments) {
    const tokens = tokenize(segment);
    const [first] = tokens;
    if (tokens.length === 1 && "param" in first) {
      const param = parseParam(first.param);
      params.push(param);
      const capture = param.catchAll ? "(.*)" : "([^/]+)";
      source += param.optional ? `(?:/${capture})?` : `/${capture}`;
      continue;
    }
    if (tokens.every((t) => "literal" in t)) precedence++;
    source += "/" + tokens.map((t) => {
      if ("literal" in t) return escape(t.literal);
      params.push(parseParam(t.param));
      return "([^/]+?)";
    }).join("");
  }
  const regex = new RegExp(`^${source}/?$`, "i");
  return {
    template,
    precedence,
    match(path: string): Record<string, string> | undefined {
      const m = regex.exec(path === "" ? "/" : path.startsWith("/") ? path : `/${path}`);
      if (!m) return undefined;
      const values: Record<string, string> = {};
      for (const [i, param] of params.entries()) {
        const raw = m[i + 1];
        if (raw === undefined || raw === "") {
          if (param.defaultValue !== undefined) values[param.name] = param.defaultValue;
          continue;
        }
        const value = decodeURIComponent(raw);
        if (!satisfies(value, param.constraints)) return undefined;
        values[param.name] = value;
      }
      return values;
    },
  };
}
