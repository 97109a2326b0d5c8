// `npm run schema`: writes images/image.schema.json from schema.ts (run from the repository root).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderImageSchemaFile } from "./json-schema.js";

const target = join(process.cwd(), "images", "image.schema.json");
writeFileSync(target, renderImageSchemaFile());
console.log(`wrote ${target}`);
