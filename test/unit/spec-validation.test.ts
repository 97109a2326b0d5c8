import { describe, expect, it } from "vitest";
import { ArmError } from "../../sandbox/arm/errors.js";
import { assertValidBody, validateBody, validatePathParameters } from "../../sandbox/arm/spec-validation.js";

const sub = "/subscriptions/00000000-0000-0000-0000-000000000001";
const identityId = `${sub}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aib-id`;

// An image template as the how-to builds it: Windows platform image, PowerShell steps, gallery output.
const imageTemplate = () => ({
  location: "westus2",
  tags: { purpose: "golden-image" },
  identity: { type: "UserAssigned", userAssignedIdentities: { [identityId]: {} } },
  properties: {
    buildTimeoutInMinutes: 120,
    vmProfile: { vmSize: "Standard_D2s_v5", osDiskSizeGB: 127 },
    source: { type: "PlatformImage", publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-g2", version: "latest" },
    customize: [
      { type: "PowerShell", name: "install", runElevated: true, inline: ["New-Item -ItemType Directory C:\\golden"], validExitCodes: [0, 3010] },
      { type: "WindowsRestart", restartTimeout: "10m" },
      { type: "WindowsUpdate", searchCriteria: "IsInstalled=0", updateLimit: 40 },
    ],
    distribute: [
      {
        type: "SharedImage",
        runOutputName: "golden-win",
        galleryImageId: `${sub}/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/win`,
        targetRegions: [{ name: "westus2", replicaCount: 1, storageAccountType: "Standard_LRS" }],
      },
    ],
  },
});

const galleryImage = () => ({
  location: "westus2",
  properties: {
    osType: "Windows",
    osState: "Generalized",
    hyperVGeneration: "V2",
    identifier: { publisher: "contoso", offer: "windows", sku: "2022-golden" },
  },
});

describe("validateBody", () => {
  it("accepts a well-formed image template with a PowerShell customizer", () => {
    expect(validateBody("VirtualMachineImageTemplates_CreateOrUpdate", imageTemplate(), { rejectUnknownFields: true })).toEqual([]);
  });

  it("checks the fields of the concrete customizer the discriminator picks", () => {
    const body = imageTemplate();
    Object.assign(body.properties.customize[0], { runElevated: "yes", validExitCodes: [0, 1.5] });
    expect(validateBody("VirtualMachineImageTemplates_CreateOrUpdate", body)).toEqual([
      { path: "properties.customize[0].runElevated", message: "Expected a boolean, got string." },
      { path: "properties.customize[0].validExitCodes[1]", message: "Expected an integer, got 1.5." },
    ]);
  });

  it("rejects an unknown discriminator value", () => {
    const body = imageTemplate();
    body.properties.customize[0].type = "Bash";
    const [violation] = validateBody("VirtualMachineImageTemplates_CreateOrUpdate", body);
    expect(violation.path).toBe("properties.customize[0].type");
    expect(violation.message).toContain("'Bash' is not valid");
    expect(violation.message).toContain("PowerShell");
  });

  it("reports unknown fields only when asked, and case-sensitively", () => {
    const body = { ...imageTemplate(), Properties: {} };
    Object.assign(body.properties.source, { imageVersion: "1.0" });
    expect(validateBody("VirtualMachineImageTemplates_CreateOrUpdate", body)).toEqual([]);
    expect(validateBody("VirtualMachineImageTemplates_CreateOrUpdate", body, { rejectUnknownFields: true }).map((v) => v.path)).toEqual([
      "properties.source.imageVersion",
      "Properties",
    ]);
  });

  it("reports missing required fields, including inherited ones", () => {
    const { location: _location, ...body } = imageTemplate();
    const { runOutputName: _name, ...distributor } = body.properties.distribute[0];
    const withoutRequired = { ...body, properties: { ...body.properties, distribute: [distributor] } };
    expect(validateBody("VirtualMachineImageTemplates_CreateOrUpdate", withoutRequired).map((v) => v.path).sort()).toEqual([
      "location",
      "properties.distribute[0].runOutputName",
    ]);
  });

  it("checks patterns and numeric bounds", () => {
    const body = imageTemplate();
    body.properties.distribute[0].runOutputName = "has spaces";
    body.properties.buildTimeoutInMinutes = 1000;
    body.properties.distribute[0].targetRegions[0].replicaCount = 0;
    expect(validateBody("VirtualMachineImageTemplates_CreateOrUpdate", body).map((v) => v.path)).toEqual([
      "properties.buildTimeoutInMinutes",
      "properties.distribute[0].runOutputName",
      "properties.distribute[0].targetRegions[0].replicaCount",
    ]);
  });

  it("finds a gallery image without osType", () => {
    const body = galleryImage();
    delete (body.properties as Partial<typeof body.properties>).osType;
    expect(validateBody("GalleryImages_CreateOrUpdate", body)).toEqual([
      { path: "properties.osType", message: "The required property 'osType' is missing." },
    ]);
  });

  it("rejects a value outside a closed enum, accepting other casing", () => {
    const body = galleryImage();
    body.properties.osState = "Generalised";
    body.properties.osType = "windows";
    const violations = validateBody("GalleryImages_CreateOrUpdate", body);
    expect(violations).toEqual([
      { path: "properties.osState", message: "The value 'Generalised' is not valid. Allowed values: Generalized, Specialized." },
    ]);
  });

  it("leaves open (modelAsString) enums open", () => {
    const body = { properties: { roleDefinitionId: "/x", principalId: "p", principalType: "Robot" } };
    expect(validateBody("RoleAssignments_Create", body)).toEqual([]);
  });

  it("ignores read-only fields echoed back from a GET, even with rejectUnknownFields", () => {
    const body = {
      id: "/x",
      name: "aib-id",
      type: "Microsoft.ManagedIdentity/userAssignedIdentities",
      location: "westus2",
      properties: { principalId: 42, clientId: "c", tenantId: "t" },
    };
    expect(validateBody("UserAssignedIdentities_CreateOrUpdate", body, { rejectUnknownFields: true })).toEqual([]);
  });

  it("accepts anything in a free-form object, even with rejectUnknownFields", () => {
    const body = { location: "westus2", properties: { anything: { nested: [1, "two"] } } };
    expect(validateBody("Resources_CreateOrUpdate", body, { rejectUnknownFields: true })).toEqual([]);
  });

  it("checks values of additionalProperties maps and types of containers", () => {
    const body = { ...galleryImage(), tags: { owner: 7 } };
    expect(validateBody("GalleryImages_CreateOrUpdate", body)).toEqual([{ path: "tags.owner", message: "Expected a string, got number." }]);
    expect(validateBody("GalleryImages_CreateOrUpdate", { location: "x", properties: [] })[0]).toEqual({
      path: "properties",
      message: "Expected an object, got an array.",
    });
  });

  it("requires a required body", () => {
    expect(validateBody("RoleDefinitions_CreateOrUpdate", undefined)).toEqual([{ path: "", message: "The request body is required." }]);
  });

  it("refuses operations it does not know", () => {
    expect(() => validateBody("Nope_Nothing", {})).toThrow(/no spec/);
  });
});

describe("assertValidBody", () => {
  it("throws a 400 InvalidRequestContent listing every violation", () => {
    const error = (() => {
      try {
        assertValidBody("RoleAssignments_Create", { properties: { principalId: 5 } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ArmError);
    const arm = error as ArmError;
    expect(arm.status).toBe(400);
    expect(arm.code).toBe("InvalidRequestContent");
    expect(arm.message).toContain("'properties.roleDefinitionId'");
    expect(arm.options.details?.map((d) => d.target)).toEqual(["properties.roleDefinitionId", "properties.principalId"]);
  });

  it("uses the code the caller gives and passes valid bodies", () => {
    expect(() => assertValidBody("GalleryImages_CreateOrUpdate", { location: "x", properties: {} }, { code: "InvalidParameter" })).toThrow(
      expect.objectContaining({ code: "InvalidParameter", status: 400 }),
    );
    expect(() => assertValidBody("GalleryImages_CreateOrUpdate", galleryImage())).not.toThrow();
  });
});

describe("validatePathParameters", () => {
  it("checks names against the operation's path parameter patterns", () => {
    expect(validatePathParameters("Galleries_CreateOrUpdate", { galleryName: "golden_gallery.1", resourceGroupName: "rg-images" })).toEqual([]);
    expect(validatePathParameters("Galleries_CreateOrUpdate", { galleryName: "ends-with-dash-" }).map((v) => v.path)).toEqual(["galleryName"]);
    expect(validatePathParameters("VirtualMachineImageTemplates_CreateOrUpdate", { imageTemplateName: "a".repeat(65) })[0].message).toContain("does not match");
    expect(validatePathParameters("ResourceGroups_CreateOrUpdate", { resourceGroupName: "x".repeat(91) })[0].message).toContain("at most 90");
    expect(validatePathParameters("UserAssignedIdentities_Get", { unknownName: "whatever" })).toEqual([]);
  });
});
