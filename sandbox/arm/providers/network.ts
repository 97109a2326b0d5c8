// Microsoft.Network: virtual networks, subnets, public IP addresses, network security groups, network interfaces.
export { createNetworkProvider } from "./network/index.js";
