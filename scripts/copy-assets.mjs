// Copies GOV.UK Frontend's script and static assets next to the compiled stylesheet.
import { cpSync, mkdirSync } from "node:fs";

const source = "node_modules/govuk-frontend/dist/govuk";
const target = "app/static/build";
mkdirSync(target, { recursive: true });
cpSync(`${source}/govuk-frontend.min.js`, `${target}/govuk-frontend.min.js`);
cpSync(`${source}/assets`, `${target}/assets`, { recursive: true });
// htmx: suggestions as you type on the search page (the page works without it).
cpSync("node_modules/htmx.org/dist/htmx.min.js", `${target}/htmx.min.js`);
