import { isRestError, type RestError } from "@azure/core-rest-pipeline";

/** The RestError a call (or an SDK poller) fails with (and a failed test if it succeeds or fails otherwise). */
export async function restError(call: PromiseLike<unknown>): Promise<RestError> {
  const outcome = await Promise.resolve(call).then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome)) throw new Error(`expected the call to fail, it returned ${JSON.stringify(outcome.value)}`);
  // isRestError, not instanceof: the SDKs load core-rest-pipeline's CommonJS build, tests its ESM build.
  if (!isRestError(outcome.error)) throw new Error(`expected a RestError, got ${String(outcome.error)}`);
  return outcome.error;
}
