// account.mjs - staff accounts in a real browser (tests/e2e/run starts opora
// over the demo database and sets OPORA_URL, CHROMIUM, ARTIFACTS, ROOT, and
// OPORA_MAIL_URL, OPORA_DB: a second node with mail configured, whose outbox
// is read for the link): "Forgot your password?" from the sign-in page gives
// the same answer for a known and an unknown address, in Russian and in
// English; an admin sends a new staff member an invitation from the user's
// page; the mailed link opens its form (twice: opening uses nothing), a
// mismatched repeat is refused at its field, a good password signs in to the
// workspace, and the new password signs in again; the used link says so.
// Then the navigation's "My bonus": an agent's own statement, the link
// marked current. No English catalogue text on the Russian pages, no CSP
// violations. Screenshots account-*.png. Prints "ok ..." / "FAIL ..." and
// "N passed, N failed".
import { execFileSync } from "node:child_process";
import { check, checkPrefix, finish, launch, noEnglishFor, shot, signIn, signInAt, URL } from "./lib.mjs";

checkPrefix("account: ");
const MAIL_URL = process.env.OPORA_MAIL_URL;
const DB = process.env.OPORA_DB;
const ADMIN = "admin@opora.demo";
const AGENT = "anna.smirnova@opora.demo"; // a demo agent with a level and a plan
// names, addresses, subjects and groups are data, not the UI
const noEnglish = noEnglishFor(".data, .me, .ticket-link, .body, option, .count, h1 .data");

function sql(query) {
  return execFileSync("sqlite3", ["-cmd", ".timeout 5000", DB, query], { encoding: "utf8" }).trim();
}

// How many mails of kind went to addr (the outbox of the demo database).
function mailCount(kind, addr) {
  return Number(sql(`SELECT count(*) FROM mail_outbox WHERE kind = '${kind}' AND to_addr = '${addr}'`));
}

// The secret of the newest link of kind mailed to addr; polled: the node
// commits before it answers, but be patient with a slow machine.
function outboxLink(kind, addr) {
  const q = "SELECT substr(body, instr(body, 'token=pw_') + 6, 46) FROM mail_outbox " +
    `WHERE kind = '${kind}' AND to_addr = '${addr}' ORDER BY id DESC LIMIT 1`;
  for (let i = 0; i < 50; i++) {
    const out = sql(q);
    if (out) return out;
    execFileSync("sleep", ["0.1"]);
  }
  return "";
}

// Submits the page's form with its button; the response of the page it leads to.
async function submit(page, button) {
  const [resp] = await Promise.all([page.waitForNavigation(), page.locator(button).click()]);
  return resp;
}

const browser = await launch();
const cspErrors = [];
async function newPage(locale) {
  const ctx = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.on("console", (m) => { if (m.type() === "error") cspErrors.push(m.text()); });
  return { ctx, page };
}

try {
  const stamp = Date.now() % 1000000;

  // ---- "Forgot your password?": one answer for any address, both languages
  // on the node with mail, so a known address really gets a link
  const sentText = {};
  for (const [locale, lang] of [["ru-RU", "ru"], ["en-US", "en"]]) {
    const { ctx, page } = await newPage(locale);
    const answers = [];
    for (const addr of [AGENT, `klient.neizvesten.${stamp}.${lang}@example.com`]) {
      await page.goto(MAIL_URL + "/login");
      await Promise.all([page.waitForNavigation(), page.locator("#forgot-link").click()]);
      check(new globalThis.URL(page.url()).pathname === "/login/forgot", `${lang}: the sign-in page links to the form`);
      if (lang === "ru" && addr === AGENT) {
        await noEnglish(page, "forgot form");
        await shot(page, "account-forgot");
      }
      const before = mailCount("password_reset", addr);
      await page.locator("#email").fill(addr);
      const resp = await submit(page, "#reset-ask");
      const text = await page.locator("#reset-sent").innerText();
      answers.push({ addr, status: resp.status(), text: text.replace(addr, "ADDR"),
                     mailed: mailCount("password_reset", addr) - before });
      if (lang === "ru" && addr !== AGENT) {
        await noEnglish(page, "forgot: sent");
        await shot(page, "account-forgot-sent");
      }
    }
    const [known, unknown] = answers;
    check(known.status === 200 && unknown.status === 200, `${lang}: 200 for both (${known.status}, ${unknown.status})`);
    check(known.text === unknown.text && known.text.includes("ADDR"),
          `${lang}: the same answer, with the address typed: "${known.text}"`);
    check(known.mailed === 1 && unknown.mailed === 0,
          `${lang}: the known address got a link, the unknown one nothing (${known.mailed}, ${unknown.mailed})`);
    sentText[lang] = known.text;
    await ctx.close();
  }
  check(/[А-Яа-я]/.test(sentText.ru) && !/[А-Яа-я]/.test(sentText.en) && sentText.en.startsWith("If ADDR"),
        "the answer in Russian and in English");

  // ---- an admin invites a new staff member from the user's page
  const email = `novyi.agent.${stamp}@opora.demo`;
  const name = "Олег Новиков";
  {
    const { ctx, page } = await newPage("en-US");
    // on the node with mail: without it the page has no button, only the reason
    await signInAt(page, MAIL_URL, ADMIN);
    await page.goto(MAIL_URL + "/admin/users/new");
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Role").selectOption("agent");
    await page.getByLabel("Language").selectOption("ru");
    await submit(page, "main form.admin-form button[type=submit]");
    check(await page.locator(".notice").innerText() === "Created.", "a staff member without a password is created");
    // found by the list's search, as an admin among many users would
    await page.goto(MAIL_URL + "/admin/users?q=" + encodeURIComponent(email));
    await Promise.all([page.waitForNavigation(), page.getByRole("link", { name }).click()]);
    check(/\/admin\/users\/\d+$/.test(page.url()), "the admin opens the user's page: " + page.url());
    const invite = page.getByRole("button", { name: "Send an invitation" });
    check(await invite.count() === 1, "the page offers an invitation (no password yet)");
    await shot(page, "account-admin-user");
    await Promise.all([page.waitForNavigation(), invite.click()]);
    check(/\?done=invited$/.test(page.url()), "back on the user's page: " + page.url());
    check((await page.locator(".notice").innerText()) === `The invitation to ${email} is queued for sending.`,
          "the notice says the invitation is queued");
    check(/not used yet/.test(await page.locator("main").innerText()), "the page shows the pending link");
    await ctx.close();
  }
  const token = outboxLink("staff_invite", email);
  check(/^pw_[A-Za-z0-9_-]{43}$/.test(token), "the invitation is in the outbox: " + token);
  const link = MAIL_URL + "/account/password?token=" + token;

  // ---- the link: its form (twice), a refused repeat, then signed in
  const password = "novyi-parol-" + stamp;
  {
    const { ctx, page } = await newPage("ru-RU");
    // opening it twice (a mail scanner, then its owner): the form both times
    let resp = await page.goto(link);
    resp = await page.goto(link);
    check(resp.status() === 200 && await page.locator("#password").isVisible() &&
          await page.locator("#repeat").isVisible(), "opening the link twice: the form is still there");
    check(await page.locator("#account-email").innerText() === email, "the form names the account");
    check(/пригласили/.test(await page.locator("form").innerText()), "the invitation's words, in the user's language");
    await noEnglish(page, "the link's form");
    await shot(page, "account-password");

    await page.locator("#password").fill(password);
    await page.locator("#repeat").fill(password + "-other");
    resp = await submit(page, "#password-save");
    check(resp.status() === 422, "mismatched passwords are refused: " + resp.status());
    check(await page.locator("#repeat-error").isVisible() &&
          /[А-Яа-я]/.test(await page.locator("#repeat-error").innerText()),
          "the error is at the repeat field, in Russian");
    check(await page.locator("#repeat").getAttribute("aria-invalid") === "true" &&
          (await page.locator("#repeat").getAttribute("aria-describedby") || "").includes("repeat-error"),
          "the repeat field is marked invalid and described by the error");
    check(await page.locator("#password").getAttribute("aria-invalid") === null, "the password field is not");
    check(await page.locator("#password").inputValue() === "", "passwords are not sent back");
    await noEnglish(page, "the link's form with an error");
    await shot(page, "account-password-error");

    await page.locator("#password").fill(password);
    await page.locator("#repeat").fill(password);
    await submit(page, "#password-save");
    check(new globalThis.URL(page.url()).pathname === "/queue/mine", "a good password signs in to the workspace: " + page.url());
    check((await page.locator("header .me").innerText()) === name, "signed in as the new staff member");
    await noEnglish(page, "the workspace after the link");

    // signs out, then in with the new password
    await submit(page, "form.signout button[type=submit]");
    check(new globalThis.URL(page.url()).pathname === "/login", "signed out: " + page.url());
    await signIn(page, email, password);
    check(new globalThis.URL(page.url()).pathname === "/queue/mine" &&
          (await page.locator("header .me").innerText()) === name, "the new password signs in: " + page.url());

    // the used link: expired or used, and the way to a new one
    resp = await page.goto(link);
    check(resp.status() === 410, "the used link is gone: " + resp.status());
    check(await page.locator("#link-problem").isVisible() && await page.locator("#password").count() === 0,
          "the used link says so, with no form");
    check(/воспользовались/.test(await page.locator("#link-problem").innerText()), "it says the link was used, in Russian");
    check(await page.locator("#link-new").getAttribute("href") === "/login/forgot", "a link to ask for a new one");
    await noEnglish(page, "a used link");
    await shot(page, "account-link-used");
    await ctx.close();
  }

  // ---- the navigation's "My bonus": an agent's own statement
  {
    const { ctx, page } = await newPage("ru-RU");
    await signIn(page, AGENT);
    const nav = page.locator("ul.areas a[href='/me/bonus']");
    check(await nav.count() === 1 && (await nav.innerText()) === "Мой бонус", "the navigation has the agent's own bonus");
    check(await nav.getAttribute("aria-current") === null, "not current on the queue");
    await Promise.all([page.waitForNavigation(), nav.click()]);
    check(new globalThis.URL(page.url()).pathname === "/me/bonus", "it opens the statement page: " + page.url());
    check((await page.locator("h1").innerText()) === "Мой бонус", "the page's heading");
    check(await page.locator("ul.areas a[href='/me/bonus'][aria-current=page]").count() === 1 &&
          await page.locator("header nav a[aria-current=page]").count() === 1,
          "the link is marked current, and only it");
    const st = page.locator("#statements article.bonus-statement");
    check(await st.count() === 1, "one statement, the agent's own: " + await st.count());
    check(await st.locator("table thead th").count() === 6 && await st.locator("table tbody tr").count() > 0,
          "the statement's table: its columns and a row per goal");
    check(await st.locator(".bonus-result").count() === 1, "the statement's result line");
    check(await page.locator("#exports a[data-format]").count() > 0, "its downloads");
    await noEnglish(page, "my bonus");
    await shot(page, "account-my-bonus");
    await ctx.close();
  }
  // a lead has it too; on the lead's Bonus tab their area's link is the current one
  {
    const { ctx, page } = await newPage("ru-RU");
    await signIn(page, "natalia.orlova@opora.demo");
    await page.goto(URL + "/lead/bonus");
    check(await page.locator("ul.areas a[href='/lead'][aria-current=page]").count() === 1 &&
          await page.locator("ul.areas a[href='/me/bonus']:not([aria-current])").count() === 1,
          "a lead's Bonus tab: the lead's link is current, My bonus is there and not");
    await ctx.close();
  }

  const csp = cspErrors.filter((e) => /Content Security Policy/i.test(e));
  check(csp.length === 0, "no CSP violations" + (csp.length ? ": " + csp.slice(0, 3).join(" | ") : ""));
} catch (e) {
  check(false, "unexpected: " + (e && e.stack ? e.stack : e));
} finally {
  await browser.close();
}
finish();
