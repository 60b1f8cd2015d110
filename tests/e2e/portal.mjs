// portal.mjs - a customer in the portal, in a real browser (tests/e2e/run
// starts opora over the demo database and sets OPORA_URL, CHROMIUM,
// ARTIFACTS, ROOT): the portal's sign-in page, password sign-in landing on
// the portal, a field error keeping what was typed, a new request with a
// file, an agent's reply (made through the API here) appearing on the open
// page without reloading, the CSAT rating after the solve; no English
// catalogue text on the Russian pages, no CSP violations. Screenshots
// portal-*.png. Prints "ok ..." / "FAIL ..." and "N passed, N failed".
import { readFileSync } from "node:fs";
import { chromium, request } from "playwright-core";

const URL = process.env.OPORA_URL;
const ART = process.env.ARTIFACTS;
const ROOT = process.env.ROOT;
const PASSWORD = "demo-password";
const CUSTOMER = "customer@opora.demo";
let passed = 0, failed = 0;

function check(cond, what) {
  if (cond) { passed++; console.log("ok " + what); } else { failed++; console.log("FAIL " + what); }
  return cond;
}

// English texts of the catalogue (no placeholders, 4+ letters) that differ in
// Russian: the same check as agent.mjs's.
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

async function noEnglish(page, name) {
  // what people wrote (subjects, messages, file names) is data, not the UI
  const text = await page.evaluate(() => {
    const b = document.body.cloneNode(true);
    b.querySelectorAll(".body, .ticket-link, h1, .files a, .me, textarea").forEach((e) => e.remove());
    return b.innerText;
  });
  const found = [];
  for (const s of ENGLISH) {
    const esc = s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    if (new RegExp("(?<![A-Za-z])" + esc + "(?![A-Za-z])").test(text)) found.push(s);
  }
  check(found.length === 0, `${name}: no English catalogue text on the Russian page` +
        (found.length ? ` (found: ${found.slice(0, 5).join(" | ")})` : ""));
}

async function shot(page, name) {
  await page.screenshot({ path: `${ART}/${name}.png`, fullPage: true });
}

// The API as the demo's admin (session cookie + CSRF header).
async function adminApi() {
  const api = await request.newContext({ baseURL: URL });
  const r = await api.post("/api/v1/auth/login", { data: { email: "admin@opora.demo", password: PASSWORD } });
  if (!r.ok()) throw new Error("admin API login: " + r.status());
  const csrf = (await r.json()).csrf_token;
  const me = (await r.json()).user;
  const call = async (method, path, data) => {
    const res = await api.fetch("/api/v1" + path, { method, data, headers: { "X-CSRF-Token": csrf } });
    if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
    return res.status() === 204 ? null : res.json();
  };
  return { call, me, dispose: () => api.dispose() };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM, headless: true,
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
let api = null;
try {
  api = await adminApi();
  // the demo's portal customer speaks Russian here, whatever the demo chose
  const users = await api.call("GET", "/users?q=" + encodeURIComponent(CUSTOMER) + "&limit=5");
  const cust = (users.users || users.items || []).find((u) => u.email === CUSTOMER);
  check(!!cust, "the demo's portal customer exists");
  await api.call("PATCH", "/users/" + cust.id, { language: "ru" });

  const ctx = await browser.newContext({ locale: "ru-RU", viewport: { width: 1100, height: 900 } });
  const page = await ctx.newPage();
  const cspErrors = [];
  page.on("console", (m) => { if (m.type() === "error") cspErrors.push(m.text()); });

  // the portal without a session: its own sign-in page
  await page.goto(URL + "/portal");
  check(page.url().endsWith("/portal/login"), "the portal sends a visitor to its sign-in: " + page.url());
  check(await page.locator("#link-ask").isVisible(), "a magic-link form");
  await noEnglish(page, "portal sign-in");
  await shot(page, "portal-login");
  // asking for a link: the same answer for any address
  await page.getByLabel("Электронная почта").fill("klient.neizvesten@example.com");
  await Promise.all([page.waitForNavigation(), page.locator("#link-ask").click()]);
  check(await page.locator("#link-sent").isVisible(), "a link is said to be sent");
  await noEnglish(page, "portal link sent");

  // password sign-in lands on the portal
  await page.goto(URL + "/portal/login");
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Войти с паролем" }).click()]);
  await page.getByLabel("Электронная почта").fill(CUSTOMER);
  await page.getByLabel("Пароль").fill(PASSWORD);
  await Promise.all([page.waitForNavigation(), page.locator("form button[type=submit]").click()]);
  check(new globalThis.URL(page.url()).pathname === "/portal", "a customer lands on the portal: " + page.url());
  check(await page.locator("header nav .views a").count() === 2, "the portal's own header, no agent views");
  await noEnglish(page, "portal: my requests");
  await shot(page, "portal-list");

  // a new request: an error first, what was typed kept
  await page.locator("#portal-new").click();
  await page.waitForURL(/\/portal\/new$/);
  const description = "Не приходят письма с уведомлениями с утра.";
  await page.locator("#description").fill(description);
  await Promise.all([page.waitForNavigation(), page.locator("#portal-submit").click()]);
  check(await page.locator("#subject-error").isVisible(), "an empty subject: the error at its field");
  check(await page.locator("#description").inputValue() === description, "the description is kept");
  await noEnglish(page, "portal: new request with an error");
  await shot(page, "portal-new-error");
  const subject = "Портал: письма " + Date.now();
  await page.locator("#subject").fill(subject);
  await page.locator("#files").setInputFiles({ name: "скриншот.txt", mimeType: "text/plain",
                                               buffer: Buffer.from("ошибка 550\n") });
  await Promise.all([page.waitForNavigation(), page.locator("#portal-submit").click()]);
  const m = /\/portal\/requests\/(\d+)/.exec(page.url());
  check(!!m, "the new request's page: " + page.url());
  const id = m ? m[1] : "0";
  check(await page.locator("h1").innerText().then((t) => t.includes(subject)), "its subject");
  check(await page.locator(".files a", { hasText: "скриншот.txt" }).count() === 1, "the file is listed");
  check(await page.locator("body").getAttribute("data-live-url") === "/portal/requests/" + id,
        "the page asks for live updates of itself");
  await noEnglish(page, "portal: the request");
  await shot(page, "portal-request");

  // the agent's reply appears without reloading
  const reply = "Здравствуйте! Проверили почтовый сервер, попробуйте ещё раз. " + Date.now();
  await api.call("POST", `/tickets/${id}/comments`, { body: reply, public: true });
  let live = false;
  try {
    await page.locator("#conversation").getByText(reply).waitFor({ timeout: 15000 });
    live = true;
  } catch (e) { /* checked below */ }
  check(live, "the agent's reply appears on the open page without reloading");
  // an internal note never does
  await api.call("POST", `/tickets/${id}/comments`, { body: "internal e2e note", public: false });
  await page.reload();
  check(await page.getByText(reply).count() === 1, "the reply is on the page");
  check(await page.getByText("internal e2e note").count() === 0, "an internal note is not");

  // solved: rate it on the page
  await api.call("PATCH", `/tickets/${id}`, { assignee_id: api.me.id, status: "solved" });
  await page.reload();
  check(await page.locator("#rate-send").isVisible(), "the rating form after the solve");
  await noEnglish(page, "portal: rating form");
  await page.getByLabel("5 — очень доволен").check();
  await page.locator("#rate-comment").fill("Быстро и понятно");
  await Promise.all([page.waitForNavigation(), page.locator("#rate-send").click()]);
  check(await page.locator("#rating-given").innerText().then((t) => t.includes("5 из 5")),
        "the rating is shown as given");
  await noEnglish(page, "portal: rated");
  await shot(page, "portal-rated");

  // the list shows it with its status in words
  await page.goto(URL + "/portal");
  const row = page.locator("tr.ticket-row", { hasText: subject });
  check(await row.locator(".status").innerText() === "Решено", "the list shows the status in words");

  const csp = cspErrors.filter((e) => /Content Security Policy/i.test(e));
  check(csp.length === 0, "no CSP violations" + (csp.length ? ": " + csp.slice(0, 3).join(" | ") : ""));
  await ctx.close();
} catch (e) {
  failed++;
  console.log("FAIL portal e2e crashed: " + (e && e.stack ? e.stack : e));
} finally {
  if (api) await api.dispose();
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
