// Microsoft.Features (api-version 2021-07-01, @azure/arm-features 3): preview features a subscription
// registers, e.g. the how-to's `VirtualMachineTemplatePreview` of Microsoft.VirtualMachineImages.
// Registration takes `scenario.featureRegistrationMs` of simulated time, derived when read.
import { errors } from "../errors.js";
import type { ArmRequest, ArmResponse, Provider, RouteDef, Sim } from "../types.js";

export const API_VERSIONS = ["2021-07-01"];

/** The preview features the simulator knows, as `Namespace/FeatureName`. */
const CATALOGUE = [
  "Microsoft.VirtualMachineImages/VirtualMachineTemplatePreview",
  "Microsoft.Compute/GalleryPreview",
  "Microsoft.Compute/EncryptionAtHost",
];

type FeatureState = "NotRegistered" | "Registering" | "Registered" | "Unregistering" | "Unregistered";
interface Registration {
  state: "Registering" | "Unregistering";
  since: number;
}

export function createFeaturesProvider(sim: Sim): Provider {
  const registrations = () => sim.state.bag<Record<string, Registration>>("features", () => ({}));

  /** The catalogue's spelling of a feature, or 404 as ARM answers for a name it does not know. */
  function find(namespace: string, feature: string): string {
    const wanted = `${namespace}/${feature}`.toLowerCase();
    const known = CATALOGUE.find((f) => f.toLowerCase() === wanted);
    if (!known) throw errors.featureNotFound(namespace, feature);
    return known;
  }

  function stateOf(fullName: string): FeatureState {
    const reg = registrations()[fullName.toLowerCase()];
    if (!reg) return "NotRegistered";
    if (sim.clock.now() < reg.since + sim.scenario().featureRegistrationMs) return reg.state;
    return reg.state === "Registering" ? "Registered" : "Unregistered";
  }

  const view = (fullName: string) => {
    const [namespace, feature] = fullName.split("/");
    return {
      id: `/subscriptions/${sim.subscriptionId}/providers/Microsoft.Features/providers/${namespace}/features/${feature}`,
      name: fullName,
      type: "Microsoft.Features/providers/features",
      properties: { state: stateOf(fullName) },
    };
  };

  function change(req: ArmRequest, target: Registration["state"]): ArmResponse {
    const fullName = find(req.params.namespace, req.params.featureName);
    const settled = target === "Registering" ? "Registered" : "Unregistered";
    const current = stateOf(fullName);
    const untouched = target === "Unregistering" && current === "NotRegistered";
    if (current !== settled && current !== target && !untouched) {
      registrations()[fullName.toLowerCase()] = { state: target, since: sim.clock.now() };
      sim.state.save();
    }
    return { status: 200, body: view(fullName) };
  }

  const base = "/subscriptions/{subscriptionId}/providers/Microsoft.Features";
  const feature = `${base}/providers/{namespace}/features/{featureName}`;
  const route = (method: RouteDef["method"], pattern: string, handler: RouteDef["handler"]): RouteDef => ({ method, pattern, apiVersions: API_VERSIONS, handler });
  const list = (names: string[]): ArmResponse => ({ status: 200, body: { value: names.map(view) } });

  return {
    name: "features",
    routes: [
      route("GET", `${base}/features`, () => list(CATALOGUE)),
      route("GET", `${base}/providers/{namespace}/features`, (req) =>
        list(CATALOGUE.filter((f) => f.toLowerCase().startsWith(req.params.namespace.toLowerCase() + "/")))),
      route("GET", feature, (req) => ({ status: 200, body: view(find(req.params.namespace, req.params.featureName)) })),
      route("POST", `${feature}/register`, (req) => change(req, "Registering")),
      route("POST", `${feature}/unregister`, (req) => change(req, "Unregistering")),
    ],
    *pendingEvents() {
      const ms = sim.scenario().featureRegistrationMs;
      for (const reg of Object.values(registrations())) yield reg.since + ms;
    },
  };
}
