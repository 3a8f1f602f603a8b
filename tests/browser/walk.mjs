// The portal walked in headless Chromium as its users walk it, with axe-core run on every page
// and any console error, page error or Content-Security-Policy violation failing the walk.
// Driven by apps/server/tests/api/browser.rs, which starts the server, makes the accounts and
// passes them in the environment: BASE_URL, CLIENT_EMAIL, ADMIN_EMAIL, PASSWORD, SETUP_PATH,
// SCREENSHOTS (a directory). Prints one line per step; exits 1 naming the first failure.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const base = env("BASE_URL");
const shots = env("SCREENSHOTS");
const widths = { desktop: { width: 1280, height: 900 }, phone: { width: 375, height: 800 } };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
const problems = [];

async function context() {
  const ctx = await browser.newContext({ viewport: widths.desktop });
  ctx.on("page", watch);
  return ctx;
}

function watch(page) {
  page.on("console", (message) => {
    // Chromium reports every 4xx document as a console error; a form answered with its errors
    // is a 422 on purpose, and the steps check each page's status. Sub-resources are held to
    // 2xx by the response check below.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console error on ${page.url()}: ${message.text()}`);
    }
  });
  page.on("response", (response) => {
    if (response.request().resourceType() !== "document" && response.status() >= 400) {
      problems.push(`${response.url()} answered ${response.status()} on ${page.url()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`request failed on ${page.url()}: ${request.url()}`));
  page.on("request", (request) => {
    if (!request.url().startsWith(base)) problems.push(`a request left our origin: ${request.url()}`);
  });
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/// axe-core on the page as it stands: no serious or critical violation; a screenshot at each width.
async function look(page, name) {
  // Injected through the DevTools protocol, as a tester's extension would be: the page's own
  // policy (script-src 'self') still holds for everything the page itself loads.
  const client = await page.context().newCDPSession(page);
  await client.send("Runtime.evaluate", { expression: axeSource });
  const { result } = await client.send("Runtime.evaluate", {
    expression: "axe.run(document, { resultTypes: ['violations'] }).then(r => JSON.stringify(r.violations))",
    awaitPromise: true,
    returnByValue: true,
  });
  const violations = JSON.parse(result.value).filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of violations) {
    problems.push(`axe ${v.impact} on ${name}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }
  for (const [label, size] of Object.entries(widths)) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `${shots}/${name}-${label}.png`, fullPage: true });
  }
  await page.setViewportSize(widths.desktop);
  console.log(`looked at ${name}: ${violations.length} serious or critical`);
}

async function signIn(page, email) {
  await page.goto(`${base}/login`);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(env("PASSWORD"));
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign in" }).click()]);
}

try {
  const anonymous = await context();
  const page = await anonymous.newPage();
  for (const [path, name] of [["/", "home"], ["/login", "login"], ["/forgot-password", "forgot-password"], ["/contact-support", "contact-support"], ["/set-password", "set-password-no-token"]]) {
    const response = await page.goto(`${base}${path}`);
    check(response.status() === 200, `${path} answered ${response.status()}`);
    await look(page, name);
  }

  // A bad sign-in: the error beside its field, and in the summary linked to it.
  await page.goto(`${base}/login`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForLoadState();
  check((await page.locator("#email-error").textContent()).includes("Enter your email address"), "the email's error stands beside it");
  check(await page.locator('.error-summary a[href="#password"]').count() === 1, "the summary links to the password field");
  await look(page, "login-errors");

  // The setup link: the first password signs the client in and opens the dashboard.
  const invited = await (await context()).newPage();
  await invited.goto(`${base}${env("SETUP_PATH")}`);
  await look(invited, "set-password");
  await invited.getByLabel("New password").fill(env("PASSWORD"));
  await invited.getByLabel("The same password again").fill(env("PASSWORD"));
  await Promise.all([invited.waitForNavigation(), invited.getByRole("button", { name: "Set the password" }).click()]);
  check(new URL(invited.url()).pathname === "/dashboard", `after setting the password: ${invited.url()}`);
  console.log("the setup link signed the new client in");

  // A client: the dashboard, a property, an upload through the form.
  const client = await (await context()).newPage();
  await signIn(client, env("CLIENT_EMAIL"));
  check(new URL(client.url()).pathname === "/dashboard", `a client lands on ${client.url()}`);
  check((await client.textContent("main")).includes("RED"), "a new client's portfolio is RED");
  await look(client, "dashboard");
  await client.locator("tbody a").first().click();
  await client.waitForLoadState();
  await look(client, "property");
  await client.getByLabel("What it is").selectOption("GAS_SAFETY");
  await client.getByLabel("Date of issue").fill("2026-06-01");
  await client.getByLabel("The file").setInputFiles({ name: "gas 2026.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.7\n" + "x".repeat(400)) });
  await Promise.all([client.waitForNavigation(), client.getByRole("button", { name: "Upload" }).click()]);
  check((await client.textContent("main")).includes("Received. An operator will check it"), "the upload was received");
  check((await client.textContent("main")).includes("PENDING_VERIFICATION"), "the gas requirement waits for verification");
  await look(client, "property-uploaded");
  check((await client.goto(`${base}/admin`), new URL(client.url()).pathname === "/dashboard"), "a client cannot open an admin page");

  // An operator: the clients page.
  const operator = await (await context()).newPage();
  await signIn(operator, env("ADMIN_EMAIL"));
  check(new URL(operator.url()).pathname === "/admin", `an operator lands on ${operator.url()}`);
  check((await operator.textContent("main")).includes(env("CLIENT_EMAIL")), "the client is listed");
  await look(operator, "admin");

  // Signing out, with the form's token.
  await Promise.all([client.waitForNavigation(), client.getByRole("button", { name: "Sign out" }).click()]);
  check(new URL(client.url()).pathname === "/login", `after signing out: ${client.url()}`);
} catch (error) {
  problems.unshift(`the walk stopped: ${error.message}`);
} finally {
  await browser.close();
}

if (problems.length > 0) {
  for (const problem of problems) console.log(`FAILED: ${problem}`);
  process.exit(1);
}
console.log("OK: the walk passed");
