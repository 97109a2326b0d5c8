// The Run Command script that proves a verification VM booted from the new image, and how to read its
// result. Run Command reports no exit code, so the script prints a marker last, reached only when every
// check passed.
export const PASSED_MARKER = "AIB-FACTORY-VERIFICATION-PASSED";

/** PowerShell single-quoted literal: the only escape is a doubled quote. */
function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Checks each path (the how-to's manual check of C:\buildActions), then runs the definition's script.
 * A missing path, an `exit <non-zero>` or a `throw` in the script ends it before the marker.
 */
export function verificationScript(check: { paths?: string[]; script?: string[] }): string[] {
  const lines = (check.paths ?? []).map(
    (path) => `if (Test-Path -LiteralPath ${quote(path)}) { Write-Output ${quote(`found ${path}`)} } else { Write-Output ${quote(`MISSING ${path}`)}; exit 1 }`,
  );
  return [...lines, ...(check.script ?? []), `Write-Output ${quote(PASSED_MARKER)}`];
}

export interface RunCommandStatus {
  code?: string;
  message?: string;
}

export interface VerificationOutcome {
  passed: boolean;
  stdout: string;
  stderr: string;
}

/** Run Command puts stdout and stderr in the messages of the ComponentStatus/StdOut|StdErr statuses. */
export function readVerificationResult(statuses: RunCommandStatus[]): VerificationOutcome {
  const message = (kind: string) =>
    statuses.find((s) => s.code?.startsWith(`ComponentStatus/${kind}/`))?.message?.trim() ?? "";
  const stdout = message("StdOut");
  return { passed: stdout.split(/\r?\n/).some((line) => line.trim() === PASSED_MARKER), stdout, stderr: message("StdErr") };
}
