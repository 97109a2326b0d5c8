import { describe, expect, it } from "vitest";
import { runPowerShell, splitStatements } from "../../sandbox/arm/providers/compute/powershell.js";

const fs = { paths: ["C:\\buildActions\\buildActionsOutput.txt", "c:\\buildArtifacts\\index.html"], modified: new Date(Date.UTC(2024, 4, 1, 14, 10)) };

describe("Run Command PowerShell subset", () => {
  it("answers Test-Path case-insensitively, with -Path and -PathType", () => {
    const r = runPowerShell("Test-Path 'c:\\BUILDACTIONS'\nTest-Path -Path C:\\buildActions\\buildActionsOutput.txt -PathType Leaf\nTest-Path C:\\Windows; Test-Path 'C:\\nope'", fs);
    expect(r).toEqual({ stdout: "True\nTrue\nTrue\nFalse", stderr: "", exitCode: 0 });
  });

  it("lists a folder in PowerShell's table format", () => {
    const out = runPowerShell("dir C:\\", fs).stdout.split("\n");
    expect(out).toContain("    Directory: C:\\");
    expect(out).toContain("Mode                 LastWriteTime         Length Name");
    expect(out.filter((l) => l.startsWith("d-----")).map((l) => l.slice(50))).toEqual(["buildActions", "buildArtifacts", "PerfLogs", "Program Files", "Program Files (x86)", "Users", "Windows"]);
    const files = runPowerShell("Get-ChildItem 'C:\\buildActions'", fs).stdout;
    expect(files).toMatch(/-a----\s+5\/1\/2024\s+2:10 PM\s+\d+ buildActionsOutput\.txt/);
  });

  it("runs if/else, Write-Error and exit codes", () => {
    const r = runPowerShell("if (-not (Test-Path 'C:\\buildActions2')) { Write-Error 'buildActions2 missing'; exit 3 } else { echo fine }\nWrite-Output 'not reached'", fs);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("buildActions2 missing");
    expect(runPowerShell("if (Test-Path C:\\buildArtifacts) { Write-Output 'ok' }\nelse { exit 1 }", fs)).toMatchObject({ stdout: "ok", exitCode: 0 });
  });

  it("reports unknown commands and missing folders on stderr", () => {
    const r = runPowerShell("Frobnicate-Thing\nls C:\\missing", fs);
    expect(r.stderr).toContain("The term 'Frobnicate-Thing' is not recognized as the name of a cmdlet");
    expect(r.stderr).toContain("Cannot find path 'C:\\missing' because it does not exist.");
    expect(r.exitCode).toBe(0);
  });

  it("splits statements outside quotes and braces", () => {
    expect(splitStatements("echo 'a;b'; if ($true) { echo x; echo y }\n# comment\nexit 0")).toEqual(["echo 'a;b'", "if ($true) { echo x; echo y }", "exit 0"]);
  });
});
