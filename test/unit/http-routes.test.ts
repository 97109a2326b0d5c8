import { describe, expect, it } from "vitest";
import { underPrefix } from "../../sandbox/host/http.js";
import { parseRoute } from "../../sandbox/host/routes.js";

describe("route templates", () => {
  it("matches literals case-insensitively and captures parameters", () => {
    const route = parseRoute("builds/{image}/runs/{runId}");
    expect(route.match("/Builds/win11/RUNS/42")).toEqual({ image: "win11", runId: "42" });
    expect(route.match("/builds/win11/runs")).toBeUndefined();
    expect(route.match("/builds/win11/runs/42/")).toEqual({ image: "win11", runId: "42" });
  });

  it("handles optional parameters, defaults and catch-alls", () => {
    expect(parseRoute("hello/{name?}").match("/hello")).toEqual({});
    expect(parseRoute("hello/{name?}").match("/hello/ann")).toEqual({ name: "ann" });
    expect(parseRoute("list/{page=1}").match("/list")).toEqual({ page: "1" });
    expect(parseRoute("files/{*path}").match("/files/a/b%20c.txt")).toEqual({ path: "a/b c.txt" });
    expect(parseRoute("files/{name}.{ext}").match("/files/report.pdf")).toEqual({ name: "report", ext: "pdf" });
  });

  it("enforces constraints", () => {
    const route = parseRoute("items/{id:int}/{slug:alpha:maxlength(5)?}");
    expect(route.match("/items/12")).toEqual({ id: "12" });
    expect(route.match("/items/12/abc")).toEqual({ id: "12", slug: "abc" });
    expect(route.match("/items/x")).toBeUndefined();
    expect(route.match("/items/12/abcdef")).toBeUndefined();
    expect(parseRoute("v/{code:regex(^[a-z]{{2}}-\\d+$)}").match("/v/ab-12")).toEqual({ code: "ab-12" });
    expect(parseRoute("g/{id:guid}").match("/g/9b2d1e0a-4f3c-4c1e-9a53-0e3a3c0b2f11")).toBeDefined();
    expect(() => parseRoute("x/{id:bogus}")).toThrow(/constraint/);
  });

  it("ranks literal segments first", () => {
    expect(parseRoute("items/latest").precedence).toBeGreaterThan(parseRoute("items/{id}").precedence);
  });

  it("strips the route prefix", () => {
    expect(underPrefix("/api/hello", "api")).toBe("/hello");
    expect(underPrefix("/API", "api")).toBe("/");
    expect(underPrefix("/apix/hello", "api")).toBeUndefined();
    expect(underPrefix("/hello", "")).toBe("/hello");
  });
});
