// Microsoft.Compute: galleries, image definitions and versions, virtual machines, Run Command.
export { createComputeProvider } from "./compute/index.js";
