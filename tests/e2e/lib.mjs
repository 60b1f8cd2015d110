// lib.mjs - what the e2e scripts (agent, admin, lead, portal .mjs) share:
// the environment tests/e2e/run sets (OPORA_URL, ARTIFACTS, ROOT,
// CHROMIUM), the checks and the summary line run adds up, the check that a
// Russian page shows no English text of the catalogue, screenshots,
// password sign-in and the browser. One script per process, so the counts
// are this module's.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

export const URL = process.env.OPORA_URL;
export const ART = process.env.ARTIFACTS;
export const ROOT = process.env.ROOT;
export const PASSWORD = "demo-password"; // every demo user's

let passed = 0, failed = 0, prefix = "";

// What every check line of the script starts with after "ok "/"FAIL "
// (e.g. "admin: "); none by default.
export function checkPrefix(p) {
  prefix = p;
}

export function check(cond, what) {
  if (cond) { passed++; console.log("ok " + prefix + what); } else { failed++; console.log("FAIL " + prefix + what); }
  return cond;
}

// Prints "N passed, N failed" (the line tests/e2e/run adds up) and exits,
// 1 when a check failed.
export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

// English texts of the catalogue (no placeholders, 4+ letters) that differ
// in Russian.
function englishCatalogue() {
  const out = new Set();
  const re = /^M\((MSG_\w+), "((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)"\)/;
  for (const line of readFileSync(ROOT + "/src/i18n/messages.def", "utf8").split("\n")) {
    const m = re.exec(line);
    if (!m || m[2] === m[3]) continue;
    for (let part of m[2].split(/\{\d\}/)) {
      part = part.replace(/^[\s.:;,()—-]+|[\s.:;,()—-]+$/g, "");
      if (part.replace(/[^A-Za-z]/g, "").length >= 4) out.add(part);
    }
  }
  return out;
}
const ENGLISH = englishCatalogue();

// The check "no English catalogue text on the Russian page", as
// noEnglish(page, name); the elements matching `data` (a CSS selector) are
// left out: what people wrote is data, not the UI, and each area has its own.
export function noEnglishFor(data) {
  return async function noEnglish(page, name) {
    const text = await page.evaluate((sel) => {
      const b = document.body.cloneNode(true);
      b.querySelectorAll(sel).forEach((e) => e.remove());
      return b.innerText;
    }, data);
    const found = [];
    for (const s of ENGLISH) {
      const esc = s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      if (new RegExp("(?<![A-Za-z])" + esc + "(?![A-Za-z])").test(text)) found.push(s);
    }
    check(found.length === 0, `${name}: no English catalogue text on the Russian page` +
          (found.length ? ` (found: ${found.slice(0, 5).join(" | ")})` : ""));
  };
}

export async function shot(page, name) {
  await page.screenshot({ path: `${ART}/${name}.png`, fullPage: true });
}

// Signs in on /login (the demo's password unless another is given).
export async function signIn(page, email, password) {
  await page.goto(URL + "/login");
  await page.getByLabel(/Электронная почта|Email/).fill(email);
  await page.getByLabel(/Пароль|Password/).fill(password || PASSWORD);
  await Promise.all([page.waitForNavigation(), page.locator("form button[type=submit]").click()]);
}

// Debian's chromium (CHROMIUM), headless.
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM, headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
}

// Signs in on base's /login (another node than URL, e.g. the one with
// mail), with the demo's password unless another is given.
export async function signInAt(page, base, email, password) {
  await page.goto(base + "/login");
  await page.getByLabel(/Электронная почта|Email/).fill(email);
  await page.getByLabel(/Пароль|Password/).fill(password || PASSWORD);
  await Promise.all([page.waitForNavigation(), page.locator("form button[type=submit]").click()]);
}
