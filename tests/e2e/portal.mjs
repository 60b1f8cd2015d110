// portal.mjs - a customer in the portal, in a real browser (tests/e2e/run
// starts opora over the demo database and sets OPORA_URL, CHROMIUM,
// ARTIFACTS, ROOT, and OPORA_MAIL_URL, OPORA_DB: a second node with mail
// configured, whose outbox is read for the link): the portal's sign-in
// page, a mailed sign-in link (opening it only asks; the button signs in;
// used once), password sign-in landing on the portal, a field error
// keeping what was typed, a new request with a file, an agent's reply
// (made through the API here) appearing on the open page without reloading,
// the CSAT rating after the solve; no English catalogue text on the Russian
// pages, no CSP violations. Screenshots portal-*.png. Prints "ok ..." / "FAIL ..." and "N passed, N failed".
import { execFileSync } from "node:child_process";
import { request } from "playwright-core";
import { check, finish, launch, noEnglishFor, PASSWORD, shot, URL } from "./lib.mjs";

const MAIL_URL = process.env.OPORA_MAIL_URL;
const DB = process.env.OPORA_DB;
const CUSTOMER = "customer@opora.demo";
// what people wrote (subjects, messages, file names) is data, not the UI
const noEnglish = noEnglishFor(".body, .ticket-link, h1, .files a, .me, textarea");

// The secret of the newest sign-in link mailed to addr, from the outbox of
// the demo database (mail goes nowhere in the e2e); polled: the node
// commits before it answers, but be patient with a slow machine.
function outboxLink(addr) {
  const sql = "SELECT substr(body, instr(body, 'pm_'), 46) FROM mail_outbox " +
    `WHERE kind = 'portal_link' AND to_addr = '${addr}' ORDER BY id DESC LIMIT 1`;
  for (let i = 0; i < 50; i++) {
    const out = execFileSync("sqlite3", ["-cmd", ".timeout 5000", DB, sql], { encoding: "utf8" }).trim();
    if (out) return out;
    execFileSync("sleep", ["0.1"]);
  }
  return "";
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

const browser = await launch();
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

  // a mailed link, on the node with mail: opening it (twice, as a mail
  // scanner and then the customer) only asks; the button signs in; once
  {
    const mctx = await browser.newContext({ locale: "ru-RU", viewport: { width: 1100, height: 900 } });
    const mp = await mctx.newPage();
    mp.on("console", (m) => { if (m.type() === "error") cspErrors.push(m.text()); });
    await mp.goto(MAIL_URL + "/portal/login");
    await mp.getByLabel("Электронная почта").fill(CUSTOMER);
    await Promise.all([mp.waitForNavigation(), mp.locator("#link-ask").click()]);
    check(await mp.locator("#link-sent").isVisible(), "a link is sent to the customer");
    const token = outboxLink(CUSTOMER);
    check(/^pm_[A-Za-z0-9_-]{43}$/.test(token), "the link is in the outbox");
    const link = MAIL_URL + "/portal/magic?token=" + token;
    await mp.goto(link);
    await mp.goto(link);
    check(await mp.locator("#magic-question").innerText().then((t) => t.includes(CUSTOMER)),
          "opening the link twice: the question, with the address");
    await noEnglish(mp, "portal: sign in by the link?");
    await shot(mp, "portal-magic");
    await Promise.all([mp.waitForNavigation(), mp.locator("#magic-confirm").click()]);
    check(new globalThis.URL(mp.url()).pathname === "/portal" &&
          await mp.locator("header nav .views a").count() === 2,
          "the button signs in to the portal: " + mp.url());
    await mp.goto(link);
    check(await mp.locator("#link-problem").isVisible() && await mp.locator("#link-ask").isVisible(),
          "the used link: expired, with the form to ask again");
    await noEnglish(mp, "portal: a used link");
    await mctx.close();
  }

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
  check(false, "portal e2e crashed: " + (e && e.stack ? e.stack : e));
} finally {
  if (api) await api.dispose();
  await browser.close();
}
finish();
