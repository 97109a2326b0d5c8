// The image template backend (moto's models.py): verbs on templates that never see HTTP. Nothing runs
// in the background; `advance` settles whatever fell due (provisioning's permission check, the start of
// distribution, the end of a run or of a delete) from stored start times and the clock, and every read
// goes through it.
import { randomUUID } from "node:crypto";
import { errors } from "../../errors.js";
import type { Operation, OperationState, Sim } from "../../types.js";
import { normaliseLocation } from "../tracked.js";
import { customizerPaths } from "./customizer-paths.js";
import type { ProvisioningFailure, RunFacts, TemplateRecord, TemplateWire } from "./model.js";
import { TEMPLATE_TYPE, templateId } from "./model.js";
import { distribute, replication } from "./distribution.js";
import { distributionStarts, newRun, phaseStart, runEvents, settle } from "./run.js";
import { validateTemplate } from "./validation.js";
import { provisioningState, runMessages } from "./view.js";

/** What the identity needs on a gallery image definition to publish versions into it (AIB's documented role). */
const GALLERY_ACTIONS = [
  "Microsoft.Compute/galleries/read",
  "Microsoft.Compute/galleries/images/read",
  "Microsoft.Compute/galleries/images/versions/read",
  "Microsoft.Compute/galleries/images/versions/write",
  "Microsoft.Compute/images/write",
  "Microsoft.Compute/images/read",
  "Microsoft.Compute/images/delete",
];
/** earlier runs' outcomes kept for their operations */
const FINISHED_RUNS_KEPT = 20;

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

export class ImageBuilderBackend {
  constructor(private readonly sim: Sim) {}

  /** The template as of now, or undefined (also once its delete has completed). */
  get(id: string): TemplateRecord | undefined {
    const record = this.sim.state.get(id);
    return record && record.type === TEMPLATE_TYPE ? this.advance(record as TemplateRecord) : undefined;
  }

  require(subscriptionId: string, resourceGroup: string, name: string): TemplateRecord {
    const t = this.get(templateId(subscriptionId, resourceGroup, name));
    if (!t) throw errors.resourceNotFound(TEMPLATE_TYPE, name, resourceGroup);
    return t;
  }

  list(scope: string): TemplateRecord[] {
    return this.sim.state
      .ofType(TEMPLATE_TYPE, scope)
      .map((r) => this.advance(r as TemplateRecord))
      .filter((t): t is TemplateRecord => !!t);
  }

  /** PUT: an identical body returns the existing template; any other body for an existing name is refused. */
  submit(subscriptionId: string, resourceGroup: string, name: string, body: TemplateWire): { template: TemplateRecord; created: boolean } {
    if (!this.sim.backends.resources.resourceGroup(subscriptionId, resourceGroup)) throw errors.resourceGroupNotFound(resourceGroup);
    const id = templateId(subscriptionId, resourceGroup, name);
    const existing = this.get(id);
    if (existing) {
      if (canonical(existing.internal.submitted) !== canonical(body)) throw errors.imageTemplateUpdateNotSupported();
      return { template: existing, created: false };
    }
    const resolved = validateTemplate(this.sim, body);
    const location = normaliseLocation(body.location);
    const now = this.sim.clock.now();
    const scenario = this.sim.scenario();
    const injected = scenario.provisioningFailure;
    const failure: ProvisioningFailure | undefined =
      resolved.failure ?? (injected && { code: injected.code, provisioningErrorCode: injected.code, message: injected.message });
    const staging = this.#prepareStaging(subscriptionId, resourceGroup, name, location, body, resolved.principalId);
    const paths = customizerPaths(body.properties.customize ?? [], resolved.source.paths);
    const template = this.sim.state.put({
      id,
      type: TEMPLATE_TYPE,
      name,
      createdAt: now,
      body: { ...structuredClone(body), id, name, type: TEMPLATE_TYPE, location },
      internal: {
        submitted: structuredClone(body),
        principalId: resolved.principalId,
        clientId: resolved.clientId,
        subscriptionId,
        resourceGroup,
        ...staging,
        storageAccount: randomUUID().replace(/-/g, "").slice(0, 24),
        exactVersion: resolved.source.exactVersion,
        galleryTargets: resolved.galleryTargets,
        sourceGeneralizations: resolved.source.generalizations,
        paths: Object.fromEntries(paths),
        provisioning: { startedAt: now, durationMs: scenario.templateProvisioningMs, failure },
        finishedRuns: {},
        runOutputs: {},
      },
    }) as TemplateRecord;
    return { template, created: true };
  }

  /** PATCH: tags, identity, vmProfile and distribute (which must keep every existing target). */
  update(t: TemplateRecord, patch: { tags?: Record<string, string>; identity?: TemplateWire["identity"]; properties?: { distribute?: TemplateWire["properties"]["distribute"]; vmProfile?: Record<string, unknown> } }): TemplateRecord {
    if (this.#runInFlight(t)) throw errors.imageTemplateBuildRunning("run");
    const merged: TemplateWire = structuredClone(t.internal.submitted);
    if (patch.tags) merged.tags = patch.tags;
    if (patch.identity) merged.identity = patch.identity;
    if (patch.properties?.vmProfile) merged.properties.vmProfile = patch.properties.vmProfile;
    const distribute = patch.properties?.distribute;
    if (distribute) {
      const kept = new Set(distribute.map((d) => d.runOutputName.toLowerCase()));
      const dropped = merged.properties.distribute.find((d) => !kept.has(d.runOutputName.toLowerCase()));
      if (dropped) {
        throw errors.imageTemplateValidationFailed(`Distribute target with Runoutput name ${dropped.runOutputName} not found in the update request. Deleting a distribution target is not allowed.`);
      }
      merged.properties.distribute = distribute;
    }
    const resolved = validateTemplate(this.sim, merged);
    if (resolved.failure) throw errors.imageTemplateValidationFailed(resolved.failure.message);
    Object.assign(t.internal, { submitted: merged, principalId: resolved.principalId, clientId: resolved.clientId, galleryTargets: resolved.galleryTargets });
    t.body = { ...t.body, ...structuredClone(merged), location: t.body.location };
    this.sim.state.save();
    return t;
  }

  startRun(t: TemplateRecord): RunFacts {
    const state = provisioningState(t);
    if (state !== "Succeeded") throw errors.imageTemplateNotReady(state);
    if (this.#runInFlight(t)) throw errors.imageTemplateBuildRunning("run");
    if (t.internal.run?.end) this.#archive(t, t.internal.run);
    t.internal.run = newRun(randomUUID(), this.sim.clock.now(), this.sim.scenario(), t.body.properties.buildTimeoutInMinutes);
    this.sim.state.save();
    return t.internal.run;
  }

  cancel(t: TemplateRecord): RunFacts {
    const run = t.internal.run;
    if (!run || !this.#runInFlight(t)) throw errors.imageTemplateNoBuildToCancel();
    run.canceledAt ??= this.sim.clock.now();
    this.sim.state.save();
    return run;
  }

  beginDelete(t: TemplateRecord): void {
    if (this.#runInFlight(t)) throw errors.imageTemplateBuildRunning("delete");
    t.internal.deletingAt ??= this.sim.clock.now();
    t.internal.deleteMs ??= this.sim.scenario().defaultLroMs;
    this.sim.state.save();
  }

  tick(): void {
    this.list("");
  }

  pendingEvents(): number[] {
    const now = this.sim.clock.now();
    return this.list("").flatMap((t) => {
      const { provisioning: p, run, deletingAt, deleteMs } = t.internal;
      const times = [p.startedAt + p.durationMs, ...(run ? runEvents(run, now, runMessages(t, run)) : [])];
      if (deletingAt !== undefined) times.push(deletingAt + (deleteMs ?? 0));
      return times.filter((time) => time > now);
    });
  }

  operationState(op: Operation): OperationState {
    const t = this.get(op.resourceId);
    if (op.kind === "delete") return t ? { status: "InProgress" } : { status: "Succeeded" };
    if (!t) return { status: "Canceled", error: { code: "OperationCanceled", message: "The image template was deleted before the operation completed." } };
    if (op.kind === "put") {
      const outcome = t.internal.provisioning.outcome;
      if (!outcome) return { status: "InProgress" };
      const failure = outcome.failure;
      return failure ? { status: "Failed", error: { code: failure.code, message: failure.message } } : { status: "Succeeded" };
    }
    const runId = String(op.data.runId);
    const end = t.internal.run?.id === runId ? t.internal.run.end : t.internal.finishedRuns[runId];
    if (!end) return { status: "InProgress" };
    if (op.kind === "cancel" || end.state === "Succeeded") return { status: "Succeeded" };
    if (end.state === "Canceled") return { status: "Canceled", error: { code: "OperationCanceled", message: "The image build was canceled." } };
    return { status: "Failed", error: { code: "BuildFailed", message: end.message } };
  }

  /** Settles what fell due; returns undefined once the template's delete has completed. */
  advance(t: TemplateRecord): TemplateRecord | undefined {
    const now = this.sim.clock.now();
    const { internal } = t;
    let changed = false;
    const p = internal.provisioning;
    if (!p.outcome && now >= p.startedAt + p.durationMs) {
      const failure = p.failure ?? this.#permissionFailure(t, p.startedAt + p.durationMs);
      p.outcome = failure ? { state: "Failed", failure } : { state: "Succeeded" };
      changed = true;
    }
    const run = internal.run;
    if (run && !run.end) {
      const messages = runMessages(t, run);
      if (!run.distributed && now >= phaseStart(run, "Distributing") && distributionStarts(run, messages)) {
        distribute(this.sim, t, run);
        changed = true;
      }
      const end = run.end ?? settle(run, now, messages, (at) => replication(this.sim, run, at));
      if (end) {
        run.end = end;
        changed = true;
      }
    }
    if (internal.deletingAt !== undefined && now >= internal.deletingAt + (internal.deleteMs ?? 0)) {
      if (internal.stagingCreatedByAib) this.sim.backends.resources.removeResourceGroup(internal.subscriptionId, internal.stagingResourceGroup);
      this.sim.state.delete(t.id);
      return undefined;
    }
    if (changed) this.sim.state.save();
    return t;
  }

  #runInFlight(t: TemplateRecord): boolean {
    return !!t.internal.run && !t.internal.run.end;
  }

  #archive(t: TemplateRecord, run: RunFacts): void {
    const finished = Object.entries({ ...t.internal.finishedRuns, [run.id]: run.end! }).slice(-FINISHED_RUNS_KEPT);
    t.internal.finishedRuns = Object.fromEntries(finished);
  }

  /** The staging group: AIB's own `IT_...` group (with Contributor for the identity), or the caller's, which must be empty. */
  #prepareStaging(subscriptionId: string, resourceGroup: string, name: string, location: string, body: TemplateWire, principalId: string) {
    const resources = this.sim.backends.resources;
    const given = body.properties.stagingResourceGroup?.split("/").pop();
    const stagingResourceGroup = given ?? `${`IT_${resourceGroup}_${name}`.slice(0, 53)}_${randomUUID()}`;
    const existing = resources.resourceGroup(subscriptionId, stagingResourceGroup);
    if (existing) {
      if (this.sim.state.descendants(existing.id).length || normaliseLocation(String(existing.body.location)) !== location) {
        throw errors.imageTemplateValidationFailed(`the staging resource group '${stagingResourceGroup}' must be empty and in the template's region '${location}'.`);
      }
      return { stagingResourceGroup: existing.name, stagingCreatedByAib: false };
    }
    const tags = { createdBy: "AzureVMImageBuilder", imageTemplateName: name, imageTemplateResourceGroupName: resourceGroup };
    const group = resources.createResourceGroup(subscriptionId, stagingResourceGroup, location, tags);
    this.sim.backends.authorization.assignBuiltInRole(principalId, "Contributor", group.id);
    return { stagingResourceGroup, stagingCreatedByAib: true };
  }

  /** AIB checks the identity's access when it validates the template, i.e. when provisioning ends. */
  #permissionFailure(t: TemplateRecord, at: number): ProvisioningFailure | undefined {
    const checks = Object.values(t.internal.galleryTargets).flatMap(({ galleryImageId }) => GALLERY_ACTIONS.map((action) => ({ action, scope: galleryImageId })));
    const source = t.body.properties.source;
    if (source.type === "SharedImageVersion" && t.internal.exactVersion) {
      checks.push({ action: "Microsoft.Compute/galleries/images/versions/read", scope: t.internal.exactVersion });
    }
    const denied = checks.find(({ action, scope }) => !this.sim.backends.authorization.checkAccess(t.internal.principalId, action, scope, at));
    if (!denied) return undefined;
    const message = `Not authorized to access the resource: ${denied.scope}. Please check the user assigned identity has the correct permissions. For more details, go to https://aka.ms/azvmimagebuildertshoot`;
    return { code: "ValidationFailed", provisioningErrorCode: "Other", message };
  }
}
