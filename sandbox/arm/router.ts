// A tiny router in Hono's PatternRouter style: each ARM path pattern compiles to one RegExp with
// named groups. ARM matches literal segments case-insensitively, so the whole pattern does.
// `{name}` matches one segment; `{*name}` matches one or more segments (ARM scopes such as
// `/subscriptions/{s}/resourceGroups/{rg}` in front of `/providers/Microsoft.Authorization/...`).

export type Params = Record<string, string>;

interface Route<H> {
  method: string;
  regex: RegExp;
  keys: string[];
  handler: H;
}

export type Match<H> =
  | { kind: "found"; handler: H; params: Params }
  | { kind: "methodNotAllowed"; allowed: string[] }
  | { kind: "notFound" };

export class Router<H> {
  #routes: Route<H>[] = [];

  add(method: string, pattern: string, handler: H): void {
    const keys: string[] = [];
    const source = pattern
      .split("/")
      .map((segment) => {
        const param = /^\{(\*?)(\w+)\}$/.exec(segment);
        if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        keys.push(param[2]);
        return param[1] ? `(?<${param[2]}>.+?)` : `(?<${param[2]}>[^/]+)`;
      })
      .join("/");
    this.#routes.push({ method: method.toUpperCase(), regex: new RegExp(`^${source}/?$`, "i"), keys, handler });
  }

  match(method: string, path: string): Match<H> {
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.method !== method.toUpperCase()) {
        allowed.push(route.method);
        continue;
      }
      const params: Params = {};
      for (const key of route.keys) params[key] = decodeURIComponent(m.groups![key]);
      return { kind: "found", handler: route.handler, params };
    }
    return allowed.length ? { kind: "methodNotAllowed", allowed } : { kind: "notFound" };
  }
}
