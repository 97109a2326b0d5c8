// Microsoft.Features through @azure/arm-features: the how-to's preview feature registration.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestArm, type TestArm } from "./harness.js";

describe("Microsoft.Features", () => {
  let t: TestArm;
  beforeAll(async () => {
    t = await startTestArm({ scale: 1 });
  });
  afterAll(() => t.close());

  const NS = "Microsoft.VirtualMachineImages";
  const FEATURE = "VirtualMachineTemplatePreview";

  test("a feature goes NotRegistered → Registering → Registered as simulated time passes", async () => {
    const before = await t.clients.features.features.get(NS, FEATURE);
    expect(before).toMatchObject({
      name: `${NS}/${FEATURE}`,
      type: "Microsoft.Features/providers/features",
      id: `/subscriptions/${t.arm.subscriptionId}/providers/Microsoft.Features/providers/${NS}/features/${FEATURE}`,
      properties: { state: "NotRegistered" },
    });

    expect((await t.clients.features.features.register(NS, FEATURE)).properties?.state).toBe("Registering");
    const { featureRegistrationMs } = await t.control.scenario();
    await t.control.advance(featureRegistrationMs - 1_000);
    expect((await t.clients.features.features.get(NS, FEATURE)).properties?.state).toBe("Registering");
    await t.control.jump();
    expect((await t.clients.features.features.get(NS, FEATURE)).properties?.state).toBe("Registered");

    // Registering again changes nothing.
    expect((await t.clients.features.features.register(NS, FEATURE)).properties?.state).toBe("Registered");
  });

  test("unregister goes through Unregistering to Unregistered", async () => {
    expect((await t.clients.features.features.unregister(NS, FEATURE)).properties?.state).toBe("Unregistering");
    await t.control.jump();
    expect((await t.clients.features.features.get(NS, FEATURE)).properties?.state).toBe("Unregistered");
  });

  test("lists by namespace and for the subscription; unknown features are 404 FeatureNotFound", async () => {
    const inNamespace: string[] = [];
    for await (const f of t.clients.features.features.list(NS)) inNamespace.push(f.name!);
    expect(inNamespace).toEqual([`${NS}/${FEATURE}`]);

    const all: string[] = [];
    for await (const f of t.clients.features.features.listAll()) all.push(f.name!);
    expect(all).toContain(`${NS}/${FEATURE}`);

    await expect(t.clients.features.features.get(NS, "NoSuchFeature")).rejects.toMatchObject({ statusCode: 404, code: "FeatureNotFound" });
  });
});
