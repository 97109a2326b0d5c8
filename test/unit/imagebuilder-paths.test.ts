import { describe, expect, it } from "vitest";
import { customizerPaths } from "../../sandbox/arm/providers/imagebuilder/customizer-paths.js";
import { HOW_TO_SCRIPT } from "../fixtures/how-to.js";


describe("paths a template's customizers create", () => {
  it("reads the how-to's customizers: known script, restart check, file, inline mkdir and redirect", () => {
    const paths = customizerPaths([
      { type: "PowerShell", scriptUri: HOW_TO_SCRIPT },
      { type: "WindowsRestart", restartCheckCommand: "echo Azure-Image-Builder-Restarted-the-VM  > c:\\buildArtifacts\\azureImageBuilderRestart.txt" },
      { type: "File", destination: "c:\\buildArtifacts\\index.html" },
      { type: "PowerShell", inline: ["mkdir c:\\buildActions", "echo Azure-Image-Builder-Was-Here  > c:\\buildActions\\buildActionsOutput.txt"] },
      { type: "WindowsUpdate" },
    ]);
    expect([...paths.keys()].sort()).toEqual([
      "c:\\buildactions",
      "c:\\buildactions\\buildactionsoutput.txt",
      "c:\\buildartifacts",
      "c:\\buildartifacts\\azureimagebuilder.txt",
      "c:\\buildartifacts\\azureimagebuilderrestart.txt",
      "c:\\buildartifacts\\index.html",
    ]);
    expect(paths.get("c:\\buildactions")).toBe("c:\\buildActions");
  });

  it("understands the usual PowerShell ways of making folders and files", () => {
    const paths = customizerPaths([
      {
        type: "PowerShell",
        inline: [
          "New-Item -ItemType Directory -Path 'C:\\Tools\\Bin' -Force",
          "New-Item C:\\Logs -ItemType Directory",
          "md D:/data/",
          "'hello' | Out-File -FilePath C:\\Tools\\hello.txt; Set-Content C:\\Tools\\config.ini 'x=1'",
          "Get-Date >> \"C:\\Stamp Dir\\stamp.txt\"",
          "mkdir -Force C:\\Forced",
        ],
      },
    ]);
    expect([...paths.values()].sort()).toEqual(
      ["C:\\Forced", "C:\\Logs", "C:\\Stamp Dir", "C:\\Stamp Dir\\stamp.txt", "C:\\Tools", "C:\\Tools\\Bin", "C:\\Tools\\config.ini", "C:\\Tools\\hello.txt", "D:\\data"].sort(),
    );
  });

  it("records nothing it cannot know: unknown scripts, relative or variable paths, stream merges", () => {
    const paths = customizerPaths([
      { type: "PowerShell", scriptUri: "https://example.invalid/other.ps1" },
      { type: "PowerShell", inline: ["mkdir logs", "New-Item -ItemType Directory -Path $env:TEMP\\x", "cmd /c dir 2>&1", "Write-Host done"] },
      { type: "Shell", inline: ["mkdir /opt/app"] },
    ]);
    expect(paths.size).toBe(0);
  });

  it("keeps the paths a source image already had", () => {
    const paths = customizerPaths([{ type: "PowerShell", inline: ["mkdir c:\\buildActions2"] }], ["c:\\buildactions"]);
    expect([...paths.keys()].sort()).toEqual(["c:\\buildactions", "c:\\buildactions2"]);
  });
});
