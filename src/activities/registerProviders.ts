// How-to step "register the features/providers": asks Azure to register whatever is not registered
// yet and reports the states. Safe to call again: the orchestrator re-calls it after a durable timer
// while anything is still Registering.
import { getClients } from "./deps.js";

export const registerProvidersName = "registerProviders";

/** The providers the how-to checks, plus Network (the verification VM and AIB's staging network). */
export const REQUIRED_PROVIDERS = [
  "Microsoft.VirtualMachineImages",
  "Microsoft.Compute",
  "Microsoft.Storage",
  "Microsoft.KeyVault",
  "Microsoft.Network",
];

export interface Input {
  subscriptionId: string;
  namespaces: string[];
  features: { namespace: string; name: string }[];
}

export interface Registration {
  /** "Microsoft.Compute" or "Microsoft.VirtualMachineImages/VirtualMachineTemplatePreview" */
  name: string;
  state: string;
}

export interface Output {
  registrations: Registration[];
  /** names still on their way to Registered */
  pending: string[];
}

const REGISTERED = "Registered";
const IN_PROGRESS = new Set(["Registering", "Pending"]);

export async function registerProviders(input: Input): Promise<Output> {
  const { resources, features } = getClients(input.subscriptionId);
  const registrations: Registration[] = [];
  // Features first, in the how-to's order.
  for (const feature of input.features) {
    const found = await features.features.get(feature.namespace, feature.name);
    let state = found.properties?.state ?? "NotRegistered";
    if (state !== REGISTERED && !IN_PROGRESS.has(state)) {
      state = (await features.features.register(feature.namespace, feature.name)).properties?.state ?? "Registering";
    }
    registrations.push({ name: `${feature.namespace}/${feature.name}`, state });
  }
  // One list call reads every provider's state (one GET per namespace made the nightly fan-out's burst).
  const states = new Map<string, string>();
  for await (const provider of resources.providers.list()) {
    if (provider.namespace) states.set(provider.namespace.toLowerCase(), provider.registrationState ?? "NotRegistered");
  }
  for (const namespace of input.namespaces) {
    let state = states.get(namespace.toLowerCase()) ?? "NotRegistered";
    if (state !== REGISTERED && !IN_PROGRESS.has(state)) {
      state = (await resources.providers.register(namespace)).registrationState ?? "Registering";
    }
    registrations.push({ name: namespace, state });
  }
  return { registrations, pending: registrations.filter((r) => r.state !== REGISTERED).map((r) => r.name) };
}
