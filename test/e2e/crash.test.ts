// Crash safety: the whole sandbox runs as a child process and is SIGKILLed at many points of a build of
// the how-to's image, then restarted on the same data directory each time. Most points are the worst
// moment of an ARM write: the simulator has made the change but holds the answer (a "hold" fault rule in
// force from the child's start), so the app's activity dies without hearing of it and runs again after
// the restart. The others fall inside the long waits. The build must still succeed with exactly one of
// everything it creates, and nothing of the boot check may be left behind.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ChildSandbox, freePort, sleep, type Json, type LoggedRequest } from "./child-sandbox.js";

const IMAGE = "win2019-gallery";
const BUILD = `build-${IMAGE}-1`;

type KillPoint =
  | { name: string; hold: { method: string; path: string } }
  | { name: string; when: (summary: Json) => boolean };

/** In build order; a hold path is a case-insensitive regular expression over the request path. */
const KILL_POINTS: KillPoint[] = [
  { name: "provider registered", hold: { method: "POST", path: "/providers/Microsoft.VirtualMachineImages/register$" } },
  { name: "resource group created", hold: { method: "PUT", path: "/resourcegroups/aibwinsig$" } },
  { name: "identity created", hold: { method: "PUT", path: "/userAssignedIdentities/[^/]+$" } },
  { name: "role definition created", hold: { method: "PUT", path: "/roleDefinitions/[^/]+$" } },
  { name: "role assigned", hold: { method: "PUT", path: "/roleAssignments/[^/]+$" } },
  { name: "gallery created", hold: { method: "PUT", path: "/galleries/myIBSIG$" } },
  { name: "image definition created", hold: { method: "PUT", path: "/galleries/myIBSIG/images/winSvrimage$" } },
  { name: "template submitted", hold: { method: "PUT", path: "/imageTemplates/[^/]+$" } },
  { name: "run started", hold: { method: "POST", path: "/imageTemplates/[^/]+/run$" } },
  // A restart costs about half an hour of simulated time; the run lasts almost an hour.
  { name: "waiting for the run", when: (s) => s.phase === "waitForBuild" && s.runState === "Running" },
  { name: "run output read", hold: { method: "GET", path: "/imageTemplates/[^/]+/runOutputs/[^/]+$" } },
  { name: "replication read", hold: { method: "GET", path: "/images/winSvrimage/versions/[^/]+$" } },
  { name: "verification VM created", hold: { method: "PUT", path: "/virtualMachines/[^/]+$" } },
  { name: "boot check sent", hold: { method: "POST", path: "/virtualMachines/[^/]+/runCommand$" } },
  { name: "verification VM deleted", hold: { method: "DELETE", path: "/virtualMachines/[^/]+$" } },
];

const matches = (hold: { method: string; path: string }) => (r: LoggedRequest) =>
  r.method === hold.method && new RegExp(hold.path, "i").test(r.path);

describe("a build survives the host being killed and restarted", () => {
  let sandbox: ChildSandbox;
  /** every ARM request of every run of the sandbox (each run's log starts empty) */
  const log: LoggedRequest[] = [];

  beforeAll(async () => {
    sandbox = new ChildSandbox({
      port: await freePort(),
      env: {
        // the build's ~10 simulated hours in well under a minute
        SANDBOX_TIME_SCALE: "1000",
        // The nightly timer would start a second build of the image within the simulated hours.
        "AzureWebJobs.nightlyBuilds.Disabled": "true",
      },
    });
  });
  afterAll(async () => {
    await sandbox?.dispose();
  });

  async function summary(): Promise<Json> {
    const reply = await sandbox.api("GET", `builds/${BUILD}`);
    if (reply.status !== 200) throw new Error(`GET builds/${BUILD}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  /** Polls until the build reaches the point; returns this run's request log at that moment. */
  async function reach(point: KillPoint): Promise<LoggedRequest[]> {
    let last: Json = {};
    for (let i = 0; i < 600; i++) {
      const requests = await sandbox.requests();
      if ("hold" in point && requests.some(matches(point.hold))) return requests;
      last = await summary();
      if ("when" in point && point.when(last)) return sandbox.requests();
      if (last.outcome !== "running") throw new Error(`the build ended ${last.outcome} before "${point.name}": ${JSON.stringify(last.error ?? last)}`);
      await sleep(25);
    }
    throw new Error(`the build never reached "${point.name}"; last summary ${JSON.stringify(last)}\n${sandbox.output()}`);
  }

  test("killed at every point, every build completes with one version, one template and one role assignment", async () => {
    for (const [i, point] of KILL_POINTS.entries()) {
      await sandbox.start("hold" in point ? { SANDBOX_FAULTS: JSON.stringify([{ ...point.hold, hold: true }]) } : {});
      if (i === 0) expect((await sandbox.api("POST", "builds", { image: IMAGE })).status).toBe(202);
      const seen = await reach(point);
      // A hold point's request is the last one: the app was waiting for its answer when it died.
      const last = seen.at(-1);
      if ("hold" in point) expect(last !== undefined && matches(point.hold)(last), `${point.name}: last request ${JSON.stringify(last)}`).toBe(true);
      log.push(...seen);
      await sandbox.kill();
    }

    await sandbox.start();
    let final: Json = {};
    for (let i = 0; i < 1200 && (final.outcome ?? "running") === "running"; i++) {
      final = await summary();
      await sleep(50);
    }
    log.push(...(await sandbox.requests()));
    expect(final, sandbox.output()).toMatchObject({ outcome: "succeeded", phase: "done", runState: "Succeeded", verificationPassed: true });
    expect((await sandbox.api("GET", "builds")).body.builds).toEqual([expect.objectContaining({ id: BUILD, outcome: "succeeded" })]);

    const resources = await sandbox.resources();
    const ofType = (type: string) => resources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
    const versions = ofType("Microsoft.Compute/galleries/images/versions");
    expect(versions.map((r) => r.id.toLowerCase())).toEqual([String(final.imageVersionId).toLowerCase()]);
    expect(ofType("Microsoft.VirtualMachineImages/imageTemplates").map((r) => r.name)).toEqual([final.templateName]);

    const [identity] = ofType("Microsoft.ManagedIdentity/userAssignedIdentities");
    const principalId = (identity?.body.properties as Json | undefined)?.principalId;
    expect(principalId).toBeTypeOf("string");
    // AIB's own grant on its staging group (IT_...) is not the app's: count the app's.
    const granted = ofType("Microsoft.Authorization/roleAssignments").filter(
      (r) => (r.body.properties as Json).principalId === principalId && !/\/resourceGroups\/IT_/i.test(r.id),
    );
    expect(granted.map((r) => r.id)).toEqual([expect.stringMatching(/\/resourceGroups\/aibwinsig\/providers\/Microsoft\.Authorization\/roleAssignments\//i)]);

    // Nothing of the boot check is left, and the only staging group is the template's.
    for (const type of ["virtualMachines", "networkInterfaces", "publicIPAddresses", "networkSecurityGroups", "virtualNetworks"]) {
      expect(resources.filter((r) => r.type.toLowerCase().endsWith(`/${type.toLowerCase()}`)).map((r) => r.id)).toEqual([]);
    }
    const staging = ofType("Microsoft.Resources/resourceGroups").filter((r) => /^IT_/i.test(r.name));
    expect(staging.map((r) => r.name)).toEqual([expect.stringContaining(`_${String(final.templateName)}_`)]);

    // No creation twice: every resource was answered 201 at most once, and the run was started once.
    const created = new Map<string, number>();
    for (const r of log.filter((x) => x.method === "PUT" && x.status === 201)) created.set(r.path.toLowerCase(), (created.get(r.path.toLowerCase()) ?? 0) + 1);
    expect([...created].filter(([, n]) => n > 1)).toEqual([]);
    expect(log.filter((r) => r.method === "PUT" && r.status === 201 && /\/roleAssignments\//i.test(r.path))).toHaveLength(1);
    expect(log.filter((r) => r.method === "POST" && /\/run$/i.test(r.path)).map((r) => r.status)).toEqual([202]);
  }, 180_000);
});
