// HTTP triggers: the routes the app registered, under host.json's route prefix, with the binding's
// methods and authLevel enforced as the host does (401 without a valid key, 404 for no route/method).
import type { LoadedApp } from "./app-types.js";
import type { HostHandler, HostRequest, HostResponse } from "./http-types.js";
import { authLevelOf, isAuthorized, type AuthLevel, type HostKeys } from "./keys.js";
import { parseRoute, type RouteTemplate } from "./routes.js";
import { isFunctionDisabled } from "./settings.js";

export interface HttpRoute {
  functionName: string;
  route: RouteTemplate;
  /** upper-cased; undefined = every method */
  methods?: string[];
  authLevel: AuthLevel;
}

export function httpRoutes(app: LoadedApp, settings: Record<string, string>): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const fn of app.functions.values()) {
    if (fn.trigger.type.toLowerCase() !== "httptrigger" || isFunctionDisabled(fn.name, settings)) continue;
    const template = typeof fn.trigger.route === "string" ? fn.trigger.route : fn.name;
    const methods = Array.isArray(fn.trigger.methods) ? fn.trigger.methods.map((m) => String(m).toUpperCase()) : undefined;
    routes.push({ functionName: fn.name, route: parseRoute(template), methods, authLevel: authLevelOf(fn.trigger.authLevel) });
  }
  return routes.sort((a, b) => b.route.precedence - a.route.precedence);
}

/** `path` relative to the route prefix, or undefined when the request is not under it. */
export function underPrefix(pathname: string, routePrefix: string): string | undefined {
  if (routePrefix === "") return pathname;
  const prefix = `/${routePrefix}`.toLowerCase();
  const lower = pathname.toLowerCase();
  if (lower === prefix) return "/";
  return lower.startsWith(`${prefix}/`) ? pathname.slice(prefix.length) : undefined;
}

export function createHttpTriggers(app: LoadedApp, options: { routePrefix: string; keys: HostKeys; settings: Record<string, string> }): HostHandler {
  const routes = httpRoutes(app, options.settings);
  return async (req: HostRequest): Promise<HostResponse> => {
    const path = underPrefix(req.url.pathname, options.routePrefix);
    if (path === undefined) return { status: 404 };
    const method = req.method.toUpperCase();
    for (const candidate of routes) {
      if (candidate.methods && !candidate.methods.includes(method)) continue;
      const params = candidate.route.match(path);
      if (!params) continue;
      if (!isAuthorized(candidate.authLevel, req, options.keys)) return { status: 401 };
      return app.invokeHttp(candidate.functionName, req, params);
    }
    return { status: 404 };
  };
}
