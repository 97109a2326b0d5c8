// The `durableClient` binding data (the extension's DurableOrchestrationClientToString) and the
// management payload built from the same templates, so the URLs an app hands out and the ones the
// API answers with agree.

export const WEBHOOK_PATH = "/runtime/webhooks/durabletask";
/** rpc-mode paths carry the system key as a path segment: the extension's local rpc listener is
 * unauthenticated on its own port, this host serves rpc on its public listener. */
export const RPC_SEGMENT = "rpc";

export const INSTANCE_ID_PLACEHOLDER = "INSTANCEID";

export function managementUrls(webhookBase: string, instanceId: string, hubName: string, systemKey: string): Record<string, string> {
  const instance = `${webhookBase}/instances/${encodeURIComponent(instanceId)}`;
  const common = `taskHub=${encodeURIComponent(hubName)}&connection=Storage&code=${encodeURIComponent(systemKey)}`;
  return {
    id: instanceId,
    statusQueryGetUri: `${instance}?${common}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${common}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${common}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${common}`,
    purgeHistoryDeleteUri: `${instance}?${common}`,
    restartPostUri: `${instance}/restart?${common}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${common}`,
    resumePostUri: `${instance}/resume?reason={text}&${common}`,
  };
}

export function clientBindingData(baseUrl: string, hubName: string, systemKey: string): unknown {
  const webhook = `${baseUrl.replace(/\/+$/, "")}${WEBHOOK_PATH}`;
  const code = `code=${encodeURIComponent(systemKey)}`;
  const create = `${webhook}/orchestrators/{functionName}[/{instanceId}]`;
  return {
    taskHubName: hubName,
    creationUrls: {
      createNewInstancePostUri: `${create}?${code}`,
      createAndWaitOnNewInstancePostUri: `${create}?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${code}`,
    },
    managementUrls: managementUrls(webhook, INSTANCE_ID_PLACEHOLDER, hubName, systemKey),
    baseUrl: webhook,
    requiredQueryStringParameters: code,
    rpcBaseUrl: `${webhook}/${RPC_SEGMENT}/${encodeURIComponent(systemKey)}/`,
  };
}
