// Microsoft.Resources through @azure/arm-resources: resource groups and provider registration. The clock
// runs at real speed here, so in-between states (Deleting, Registering) hold until a test moves it.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestArm, type TestArm } from "./harness.js";

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as { statusCode?: number; code?: string; message: string };
  }
  throw new Error("expected the call to fail");
};

describe("Microsoft.Resources", () => {
  let t: TestArm;
  beforeAll(async () => {
    t = await startTestArm({ scale: 1 });
  });
  afterAll(() => t.close());

  test("PUT creates (201) then updates (200) a group; the location is normalised", async () => {
    const statuses: number[] = [];
    const onResponse = (r: { status: number }) => void statuses.push(r.status);
    const created = await t.clients.resources.resourceGroups.createOrUpdate("rg-a", { location: "West US 2" }, { onResponse });
    expect(created).toMatchObject({ name: "rg-a", location: "westus2", type: "Microsoft.Resources/resourceGroups", properties: { provisioningState: "Succeeded" } });
    expect(created.id).toBe(`/subscriptions/${t.arm.subscriptionId}/resourceGroups/rg-a`);
    const updated = await t.clients.resources.resourceGroups.createOrUpdate("rg-a", { location: "westus2", tags: { env: "test" } }, { onResponse });
    expect(updated.tags).toEqual({ env: "test" });
    expect(statuses).toEqual([201, 200]);
  });

  test("a group's location cannot change, names follow ARM's rules, location is required", async () => {
    const moved = await failure(t.clients.resources.resourceGroups.createOrUpdate("rg-a", { location: "eastus" }));
    expect(moved).toMatchObject({ statusCode: 409, code: "InvalidResourceGroupLocation" });

    const badName = await failure(t.clients.resources.resourceGroups.createOrUpdate("ends-with-dot.", { location: "eastus" }));
    expect(badName).toMatchObject({ statusCode: 400, code: "InvalidResourceGroupName" });
    const tooLong = await failure(t.clients.resources.resourceGroups.createOrUpdate("x".repeat(91), { location: "eastus" }));
    expect(tooLong).toMatchObject({ statusCode: 400, code: "InvalidResourceGroupName" });

    const noLocation = await t.raw("PUT", `/subscriptions/${t.arm.subscriptionId}/resourcegroups/rg-nowhere?api-version=2025-04-01`, { body: {} });
    expect(noLocation.status).toBe(400);
    expect(noLocation.body).toMatchObject({ error: { code: "LocationRequired" } });

    const unknownRegion = await failure(t.clients.resources.resourceGroups.createOrUpdate("rg-mars", { location: "marsnorth" }));
    expect(unknownRegion).toMatchObject({ statusCode: 400, code: "LocationNotAvailableForResourceGroup" });
  });

  test("HEAD, GET, PATCH and list", async () => {
    expect(await t.clients.resources.resourceGroups.checkExistence("rg-a")).toEqual({ body: true });
    expect(await t.clients.resources.resourceGroups.checkExistence("rg-none")).toEqual({ body: false });
    const missing = await failure(t.clients.resources.resourceGroups.get("rg-none"));
    expect(missing).toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });

    const patched = await t.clients.resources.resourceGroups.update("rg-a", { tags: { env: "prod" } });
    expect(patched.tags).toEqual({ env: "prod" });

    const names: string[] = [];
    for await (const g of t.clients.resources.resourceGroups.list()) names.push(g.name!);
    expect(names).toContain("rg-a");
  });

  test("DELETE keeps the group Deleting until done, then removes everything inside it", async () => {
    const group = await t.clients.resources.resourceGroups.createOrUpdate("rg-doomed", { location: "westus" });
    const inner = `${group.id}/providers/Microsoft.Compute/galleries/g1`;
    t.arm.sim.state.put({ id: inner, type: "Microsoft.Compute/galleries", name: "g1", body: { id: inner }, internal: {}, createdAt: t.arm.clock.now() });

    const poller = t.clients.resources.resourceGroups.delete("rg-doomed");
    await poller.submitted();
    expect((await t.clients.resources.resourceGroups.get("rg-doomed")).properties?.provisioningState).toBe("Deleting");
    const busy = await failure(t.clients.resources.resourceGroups.createOrUpdate("rg-doomed", { location: "westus" }));
    expect(busy).toMatchObject({ statusCode: 409, code: "ResourceGroupBeingDeleted" });

    const { nextEventMs } = await t.control.clock();
    expect(nextEventMs).toBeDefined();
    await t.control.jump();
    await poller;

    expect(await t.clients.resources.resourceGroups.checkExistence("rg-doomed")).toEqual({ body: false });
    const ids = (await t.control.resources()).map((r) => r.id.toLowerCase());
    expect(ids).not.toContain(inner.toLowerCase());
  });

  test("providers: registered by default, or Registering → Registered after the scenario's delay", async () => {
    expect((await t.clients.resources.providers.get("Microsoft.Compute")).registrationState).toBe("Registered");
    const vmi = await t.clients.resources.providers.get("Microsoft.VirtualMachineImages");
    expect(vmi).toMatchObject({ namespace: "Microsoft.VirtualMachineImages", registrationState: "NotRegistered" });
    expect(vmi.resourceTypes?.map((r) => r.resourceType)).toContain("imageTemplates");

    expect((await t.clients.resources.providers.register("microsoft.virtualmachineimages")).registrationState).toBe("Registering");
    const { providerRegistrationMs } = await t.control.scenario();
    await t.control.advance(providerRegistrationMs);
    expect((await t.clients.resources.providers.get("Microsoft.VirtualMachineImages")).registrationState).toBe("Registered");

    const unknown = await failure(t.clients.resources.providers.get("Microsoft.Nothing"));
    expect(unknown).toMatchObject({ statusCode: 404, code: "InvalidResourceNamespace" });

    const all: string[] = [];
    for await (const p of t.clients.resources.providers.list()) all.push(p.namespace!);
    expect(all).toEqual(expect.arrayContaining(["Microsoft.Storage", "Microsoft.KeyVault", "Microsoft.Compute"]));
  });

  test("a write to an unregistered namespace is refused with MissingSubscriptionRegistration", async () => {
    await t.control.scenario({ registeredNamespaces: ["Microsoft.Resources", "Microsoft.Authorization"] });
    const refused = await failure(t.clients.features.features.register("Microsoft.VirtualMachineImages", "VirtualMachineTemplatePreview"));
    expect(refused).toMatchObject({ statusCode: 409, code: "MissingSubscriptionRegistration" });
    expect(refused.message).toContain("Microsoft.Features");

    await t.clients.resources.providers.register("Microsoft.Features");
    await t.control.jump();
    const registered = await t.clients.features.features.register("Microsoft.VirtualMachineImages", "VirtualMachineTemplatePreview");
    expect(registered.properties?.state).toBe("Registering");
  });
});
