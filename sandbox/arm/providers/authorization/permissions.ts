// The pure rules of Azure RBAC the simulator needs: the three built-in roles, how an action pattern
// (`*`, `*/read`, `Microsoft.Compute/*`) matches an action, and which scopes contain which.
import { createHash } from "node:crypto";
import { key } from "../../state.js";

export interface Permission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface BuiltInRole {
  id: string;
  roleName: "Owner" | "Contributor" | "Reader";
  description: string;
  permissions: Permission[];
}

const permission = (actions: string[], notActions: string[] = []): Permission => ({ actions, notActions, dataActions: [], notDataActions: [] });

export const BUILT_IN_ROLES: BuiltInRole[] = [
  {
    id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    roleName: "Owner",
    description: "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
    permissions: [permission(["*"])],
  },
  {
    id: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    roleName: "Contributor",
    description: "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.",
    permissions: [
      permission(["*"], [
        "Microsoft.Authorization/*/Delete",
        "Microsoft.Authorization/*/Write",
        "Microsoft.Authorization/elevateAccess/Action",
        "Microsoft.Blueprint/blueprintAssignments/write",
        "Microsoft.Blueprint/blueprintAssignments/delete",
        "Microsoft.Compute/galleries/share/action",
      ]),
    ],
  },
  {
    id: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    roleName: "Reader",
    description: "View all resources, but does not allow you to make any changes.",
    permissions: [permission(["*/read"])],
  },
];

export const builtInRole = (id: string) => BUILT_IN_ROLES.find((r) => r.id === id.toLowerCase());

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (value: string) => GUID.test(value);

/** A GUID derived from its parts, so a service's own assignment gets the same name every time. */
export function deterministicGuid(...parts: string[]): string {
  const h = createHash("sha1").update(parts.join("|").toLowerCase()).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const patterns = new Map<string, RegExp>();

/** Action patterns compare case-insensitively; `*` stands for any run of characters, across segments. */
export function actionMatches(pattern: string, action: string): boolean {
  let regex = patterns.get(pattern);
  if (!regex) {
    regex = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`, "i");
    patterns.set(pattern, regex);
  }
  return regex.test(action);
}

/** True when one of the permissions grants the (control-plane) action. */
export const grants = (permissions: Permission[], action: string) =>
  permissions.some((p) => p.actions.some((a) => actionMatches(a, action)) && !p.notActions.some((n) => actionMatches(n, action)));

/** `ancestor` equals `scope` or contains it, segment-wise ("/" contains everything). */
export function containsScope(ancestor: string, scope: string): boolean {
  const a = key(ancestor);
  const s = key(scope);
  return a === "" || a === s || s.startsWith(a + "/");
}
