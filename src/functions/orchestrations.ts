// Registers the orchestrations: a build, its waitForBuild sub-orchestration, and a cleanup.
import * as df from "durable-functions";
import { buildImage, buildImageName } from "../orchestrators/buildImage.js";
import { cleanupImage, cleanupImageName } from "../orchestrators/cleanupImage.js";
import { waitForBuild, waitForBuildName } from "../orchestrators/waitForBuild.js";

df.app.orchestration(buildImageName, buildImage);
df.app.orchestration(waitForBuildName, waitForBuild);
df.app.orchestration(cleanupImageName, cleanupImage);
