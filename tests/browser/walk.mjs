// The portal walked in headless Chromium as its users walk it, with axe-core run on every page
// and any console error, page error or Content-Security-Policy violation failing the walk.
// Driven by apps/server/tests/api/browser.rs, which starts the server, makes the accounts and
// passes them in the environment: BASE_URL, ADMIN_EMAIL, PASSWORD, NEW_EMAIL (who signs up),
// OUTBOX (the development outbox), GAS_PDF and GAS_ISSUED (a gas record and the date it
// states), SCREENSHOTS (a directory). Prints one line per step; exits 1 naming the problems.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createHmac } from "node:crypto";
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

/// The password-setup link emailed to `email`, read from the outbox as it arrives.
async function setupLink(email) {
  const outbox = env("OUTBOX");
  for (let i = 0; i < 200; i++) {
    for (const name of existsSync(outbox) ? readdirSync(outbox) : []) {
      if (!name.endsWith(".json")) continue;
      const mail = JSON.parse(readFileSync(`${outbox}/${name}`, "utf8"));
      if (mail.to === email && mail.template_alias === "password-setup") return mail.model.setup_url;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no setup email for ${email}`);
}

/// The authenticator app's current code for a base32 secret (RFC 6238: SHA-1, 30 s, 6 digits).
function totp(secret) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

async function signIn(page, email, totpSecret) {
  await page.goto(`${base}/login`);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(env("PASSWORD"));
  if (totpSecret) await page.getByLabel(/Authenticator code/).fill(totp(totpSecret));
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

  const missing = await page.goto(`${base}/no/such/page`);
  check(missing.status() === 404, `an unknown address answered ${missing.status()}`);
  await look(page, "not-found");

  // A bad sign-in: the error beside its field, and in the summary linked to it.
  await page.goto(`${base}/login`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForLoadState();
  check((await page.locator("#email-error").textContent()).includes("Enter your email address"), "the email's error stands beside it");
  check(await page.locator('.error-summary a[href="#password"]').count() === 1, "the summary links to the password field");
  await look(page, "login-errors");

  // Sign-up with two properties, every error first shown beside its field.
  const landlord = await (await context()).newPage();
  await landlord.goto(`${base}/signup`);
  await look(landlord, "signup");
  await landlord.getByLabel("Full name").fill("Rhiannon Ŵyn");
  await landlord.getByLabel("Email address").fill(env("NEW_EMAIL"));
  await landlord.getByLabel("Plan").selectOption("PLAN_2_5");
  await Promise.all([landlord.waitForNavigation(), landlord.getByRole("button", { name: "Add another property" }).click()]);
  await Promise.all([landlord.waitForNavigation(), landlord.getByRole("button", { name: "Continue to payment" }).click()]);
  for (const field of ["properties[0].address_line_1", "properties[0].postcode", "properties[1].city", "consent_data_processing"]) {
    check(await landlord.locator(`[id="${field}-error"]`).count() === 1, `the error beside ${field}`);
  }
  await look(landlord, "signup-errors");
  const rows = [["Tŷ Newydd", "Aberystwyth", "SY23 1AB", "WALES"], ["2 Park Row", "Leeds", "LS1 5HD", "ENGLAND"]];
  for (const [i, [address, city, postcode, nation]] of rows.entries()) {
    await landlord.locator(`[id="properties[${i}].address_line_1"]`).fill(address);
    await landlord.locator(`[id="properties[${i}].city"]`).fill(city);
    await landlord.locator(`[id="properties[${i}].postcode"]`).fill(postcode);
    await landlord.locator(`[id="properties[${i}].nation"]`).selectOption(nation);
  }
  await landlord.getByLabel("I agree that Compliance Vault may process").check();
  await Promise.all([landlord.waitForNavigation(), landlord.getByRole("button", { name: "Continue to payment" }).click()]);
  check(new URL(landlord.url()).pathname === "/dev/checkout", `after sign-up: ${landlord.url()}`);
  await look(landlord, "test-checkout");
  await Promise.all([landlord.waitForNavigation(), landlord.getByRole("button", { name: "Complete the test payment" }).click()]);
  check((await landlord.textContent("main")).includes("PROVISIONED"), "provisioned after the test payment");
  await look(landlord, "onboarding-status");

  // The setup link from the outbox: the first password signs the client in.
  const link = await setupLink(env("NEW_EMAIL"));
  await landlord.goto(`${base}${link.slice(link.indexOf("/set-password"))}`);
  await look(landlord, "set-password");
  await landlord.getByLabel("New password").fill(env("PASSWORD"));
  await landlord.getByLabel("The same password again").fill(env("PASSWORD"));
  await Promise.all([landlord.waitForNavigation(), landlord.getByRole("button", { name: "Set the password" }).click()]);
  check(new URL(landlord.url()).pathname === "/dashboard", `after setting the password: ${landlord.url()}`);
  check((await landlord.textContent("main")).includes("Portfolio: RED"), "a new portfolio is RED");
  await look(landlord, "dashboard");

  // A gas record uploaded for the first property.
  await landlord.getByRole("link", { name: /Tŷ Newydd/ }).click();
  await landlord.waitForLoadState();
  await look(landlord, "property");
  await landlord.getByLabel("The file").setInputFiles(env("GAS_PDF"));
  await Promise.all([landlord.waitForNavigation(), landlord.getByRole("button", { name: "Upload" }).click()]);
  check((await landlord.textContent("main")).includes("Received. An operator will check it"), "the upload was received");
  const propertyUrl = landlord.url().split("?")[0];
  await look(landlord, "property-uploaded");
  await landlord.goto(`${base}/admin`);
  check(new URL(landlord.url()).pathname === "/dashboard", "a client cannot open an admin page");

  // An operator signs in with the second factor and verifies it, with the suggestions read from
  // the file beside the form.
  const operator = await (await context()).newPage();
  await signIn(operator, env("ADMIN_EMAIL"));
  check(new URL(operator.url()).pathname === "/login", "an enrolled operator needs the code");
  check((await operator.locator("#totp-error").count()) === 1, "the code's error stands beside it");
  await signIn(operator, env("ADMIN_EMAIL"), env("ADMIN_TOTP_SECRET"));
  check(new URL(operator.url()).pathname === "/admin", `an operator lands on ${operator.url()}`);
  check((await operator.textContent("main")).includes(env("NEW_EMAIL")), "the new client is listed");
  await look(operator, "admin");
  await operator.getByRole("link", { name: "Rhiannon Ŵyn" }).click();
  await operator.waitForLoadState();
  check((await operator.textContent("main")).includes("Tŷ Newydd"), "the client's page lists its properties");
  await look(operator, "admin-client");
  for (const [path, name] of [["/admin/messages", "admin-messages"], ["/admin/audit", "admin-audit"]]) {
    await operator.goto(`${base}${path}`);
    check((await operator.textContent("main")).includes(path === "/admin/audit" ? "INTAKE_SUBMITTED" : "password-setup"), `${path} lists what happened`);
    await look(operator, name);
  }
  await operator.goto(`${base}/admin/documents`);
  await look(operator, "admin-queue");
  await operator.locator("tbody a").first().click();
  await operator.waitForLoadState();
  const suggested = await operator.textContent("main");
  check(suggested.includes("Gas safety record") && suggested.includes("LANDLORD GAS SAFETY RECORD"), "the suggestion and its line are shown");
  check(await operator.getByLabel("Requirement").inputValue() === "GAS_SAFETY", "the requirement is prefilled from the file");
  check(await operator.getByLabel("Date of issue").inputValue() === env("GAS_ISSUED"), "the date is prefilled from the file");
  await look(operator, "admin-review");
  await Promise.all([operator.waitForNavigation(), operator.getByRole("button", { name: "Verify" }).click()]);
  check((await operator.textContent("main")).includes("Verified."), "verified");

  // The client's gas requirement is GREEN.
  await landlord.goto(propertyUrl);
  const gas = await landlord.locator("section", { has: landlord.getByRole("heading", { name: "Gas safety record" }) }).textContent();
  check(gas.includes("COMPLIANT") && gas.includes("(GREEN)"), `the gas requirement after verifying: ${gas}`);
  await look(landlord, "property-verified");

  // A form posted with the browser's cookies but without its token is refused and changes nothing.
  const forged = await landlord.request.post(`${base}/logout`, { form: {}, maxRedirects: 0 });
  check(forged.status() === 403, `sign-out without its token answered ${forged.status()}`);
  await landlord.goto(`${base}/dashboard`);
  check(new URL(landlord.url()).pathname === "/dashboard", "still signed in after the forged sign-out");

  // Signing out, with the form's token.
  await Promise.all([landlord.waitForNavigation(), landlord.getByRole("button", { name: "Sign out" }).click()]);
  check(new URL(landlord.url()).pathname === "/login", `after signing out: ${landlord.url()}`);
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
