// Retry policies, named by what they wait for. The SDK clients already retry throttling, 5xx and
// dropped connections within seconds; these cover what takes longer, without waiting longer than
// the thing usually takes.
import * as df from "durable-functions";

function retry(firstSeconds: number, attempts: number, maxSeconds: number): df.RetryOptions {
  const options = new df.RetryOptions(firstSeconds * 1000, attempts);
  options.backoffCoefficient = 2;
  options.maxRetryIntervalInMilliseconds = maxSeconds * 1000;
  return options;
}

/** A step that failed once for a passing reason (network, a busy RP): two more tries within a minute. */
export const transientRetry = retry(15, 3, 60);

/** A new identity or role reaches the directory in seconds to a minute (PrincipalNotFound, RoleDefinitionDoesNotExist). */
export const replicationRetry = retry(5, 8, 60);

/** A new role assignment can take up to 10 minutes to apply to AIB (AuthorizationFailed on the template PUT). */
export const roleTakesEffectRetry = retry(60, 6, 240);

/** A status read in a long wait: one failed read must not end a build that is going well. */
export const pollRetry = retry(30, 4, 120);
