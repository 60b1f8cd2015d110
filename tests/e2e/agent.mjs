// agent.mjs - an agent's day in a real browser (tests/e2e/run starts opora
// and sets OPORA_URL, CHROMIUM, ARTIFACTS, ROOT): sign in, queue, take a
// ticket, reply with a macro, a field error, a live update from another
// agent, escalate; a second-line agent hands it back; "another agent has
// this open" between two browsers; merge and link through the forms;
// keyboard shortcuts and their help (?); and no English catalogue text on
// the Russian pages. Prints "ok ..." / "FAIL ..." and "N passed, N failed".
import { check, finish, launch, noEnglishFor, shot, signIn, URL } from "./lib.mjs";

// what people wrote (macro names, subjects, messages) is data, not the UI
const noEnglish = noEnglishFor("#reply-macro option, .body, .ticket-link, h1, .data");

const browser = await launch();
try {
  const ru = await browser.newContext({ locale: "ru-RU", viewport: { width: 1280, height: 900 } });
  const page = await ru.newPage();
  const cspErrors = [];
  page.on("console", (m) => { if (m.type() === "error") cspErrors.push(m.text()); });

  // sign-in page
  await page.goto(URL + "/login");
  check(await page.locator("h2").innerText() === "Вход", "the sign-in page is Russian by Accept-Language");
  await noEnglish(page, "sign-in");
  await shot(page, "login");

  // a wrong password: the error, the email kept
  await page.getByLabel("Электронная почта").fill("anna.smirnova@opora.demo");
  await page.getByLabel("Пароль").fill("wrong");
  await Promise.all([page.waitForNavigation(), page.locator("form button[type=submit]").click()]);
  check(await page.locator("#login-error").isVisible(), "a wrong password shows an error");
  check(await page.getByLabel("Электронная почта").inputValue() === "anna.smirnova@opora.demo", "the email is kept");

  // sign in: my queue
  await signIn(page, "anna.smirnova@opora.demo");
  check(page.url().endsWith("/queue/mine"), "signed in to the queue: " + page.url());
  await noEnglish(page, "queue (mine)");
  await shot(page, "queue-mine");

  // the group's queue, keyboard: j focuses the first ticket
  await page.getByRole("link", { name: /Моя группа/ }).click();
  await page.waitForURL(/\/queue\/group/);
  const rows = page.locator("tr.ticket-row");
  check(await rows.count() > 0, "the group queue has tickets");
  await page.keyboard.press("j");
  check(await page.evaluate(() => document.activeElement.classList.contains("ticket-link")),
        "j focuses the first ticket");
  await page.keyboard.press("j");
  await page.keyboard.press("k");
  const firstHref = await page.locator("a.ticket-link").first().getAttribute("href");
  check(await page.evaluate(() => document.activeElement.getAttribute("href")) === firstHref,
        "k goes back to the first ticket");
  await noEnglish(page, "queue (group)");
  await shot(page, "queue-group");

  // a ticket someone else has: take it
  let target = null;
  for (let i = 0; i < await rows.count(); i++) {
    const assignee = (await rows.nth(i).locator("td").nth(4).innerText()).trim();
    if (assignee !== "Анна Смирнова") { target = await rows.nth(i).locator("a.ticket-link").getAttribute("href"); break; }
  }
  check(target !== null, "a ticket of someone else is in the group queue");
  await page.goto(URL + target);
  await Promise.all([page.waitForNavigation(), page.locator("#take").click()]);
  check(await page.locator(".meta").innerText().then((t) => t.includes("Исполнитель: Анна Смирнова")),
        "the ticket is taken");

  // a field error in Russian, the text kept
  await page.keyboard.press("r");
  check(await page.evaluate(() => document.activeElement.id) === "reply-body", "r focuses the reply");
  await page.locator("#reply-body").fill("   ");
  await Promise.all([page.waitForNavigation(), page.locator("#reply-send").click()]);
  check(await page.locator("#reply-body-error").innerText() === "напишите сообщение или выберите макрос",
        "an empty reply: the field error in Russian");
  await shot(page, "ticket-error");

  // live: another agent writes a note on the same ticket; it appears here
  const admin = await browser.newContext({ locale: "en-US" });
  const apage = await admin.newPage();
  await signIn(apage, "admin@opora.demo");
  await apage.goto(URL + target);
  const note = "Live note " + Date.now();
  await apage.locator("input[name=kind][value=note]").check();
  await apage.locator("#reply-body").fill(note);
  await Promise.all([apage.waitForNavigation(), apage.locator("#reply-send").click()]);
  let live = false;
  try {
    await page.locator("#conversation").getByText(note).waitFor({ timeout: 15000 });
    live = true;
  } catch (e) { /* checked below */ }
  check(live, "a note by another agent appears without reloading");
  await admin.close();

  // reply with a macro
  const reply = "Здравствуйте! Уточните, пожалуйста, детали.";
  await page.locator("#reply-body").fill(reply);
  await page.getByLabel("Макрос").selectOption({ label: "Запрос информации" });
  await Promise.all([page.waitForNavigation(), page.locator("#reply-send").click()]);
  check(await page.locator("#conversation").getByText(reply).count() === 1, "the reply is in the conversation");
  check(await page.locator("#history").innerText().then((t) => t.includes("применил(а) макрос «Запрос информации»")),
        "the macro is in the history");
  await noEnglish(page, "ticket");
  await shot(page, "ticket");

  // escalate with a reason
  await page.getByLabel("Группа").selectOption({ label: "L2" });
  await page.getByLabel("Причина").fill("Нужна помощь второй линии");
  await Promise.all([page.waitForNavigation(), page.locator("#escalate-send").click()]);
  check(!(await page.locator(".error").count()), "escalation accepted");
  await shot(page, "after-escalation");

  // ---- hand back: the second line returns it, with a reason ----
  const l2 = await browser.newContext({ locale: "ru-RU", viewport: { width: 1280, height: 900 } });
  const l2page = await l2.newPage();
  await signIn(l2page, "elena.volkova@opora.demo");
  await l2page.goto(URL + target);
  check(await l2page.locator("#handback").isVisible(), "hand-back is offered after an escalation");
  await l2page.keyboard.press("b");
  check(await l2page.evaluate(() => document.activeElement.id) === "handback-reason", "b focuses the hand-back reason");
  await l2page.keyboard.type("Это вопрос первой линии");
  await Promise.all([l2page.waitForNavigation(), l2page.locator("#handback-send").click()]);
  check(!(await l2page.locator(".error").count()), "hand-back accepted");
  await l2.close();
  await page.goto(URL + target);
  check(await page.locator("#history").innerText().then((t) => t.includes("Это вопрос первой линии")),
        "the hand-back and its reason are in the history");
  check(await page.locator(".meta").innerText().then((t) => t.includes("Исполнитель: Анна Смирнова")),
        "handed back to the agent who had it");
  check(!(await page.locator("#handback").count()), "no hand-back offered once handed back");

  // ---- another agent has this open: two browsers on one ticket ----
  const other = await browser.newContext({ locale: "ru-RU", viewport: { width: 1280, height: 900 } });
  const opage = await other.newPage();
  await signIn(opage, "ivan.petrov@opora.demo");
  await opage.goto(URL + target);
  let seen = false;
  try {
    await opage.locator("#viewers").getByText("Анна Смирнова тоже открыл(а) это обращение").waitFor({ timeout: 20000 });
    seen = true;
  } catch (e) { /* checked below */ }
  check(seen, "the second agent sees that the first has the ticket open");
  await opage.locator("#reply-body").pressSequentially("Смотрю", { delay: 20 });
  seen = false;
  try {
    await page.locator("#viewers").getByText("Иван Петров тоже открыл(а) это обращение и пишет ответ").waitFor({ timeout: 25000 });
    seen = true;
  } catch (e) { /* checked below */ }
  check(seen, "the first agent sees the second, typing");
  await shot(page, "ticket-viewers");
  await shot(opage, "ticket-viewers-other");
  await other.close();

  // ---- merge through the form: number, confirmation with the subject ----
  await page.goto(URL + "/queue/group");
  const hrefs = await page.locator("a.ticket-link").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  const others = hrefs.filter((h) => h !== target);
  check(others.length >= 2, "two more tickets in the group queue");
  const src = others[0], linkTo = others[1];
  const targetId = target.split("/").pop(), srcId = src.split("/").pop(), linkId = linkTo.split("/").pop();
  await page.goto(URL + src);
  await page.keyboard.press("m");
  check(await page.evaluate(() => document.activeElement.id) === "merge-target", "m focuses the merge field");
  await page.keyboard.type("99999999");
  await Promise.all([page.waitForNavigation(), page.locator("#merge-check").click()]);
  check(await page.locator("#merge-target-error").isVisible() &&
        await page.locator("#merge-target").inputValue() === "99999999",
        "merge into a missing ticket: the error at the field, the number kept");
  await page.locator("#merge-target").fill(targetId);
  await Promise.all([page.waitForNavigation(), page.locator("#merge-check").click()]);
  const question = await page.locator("#merge-question").innerText();
  check(question.includes("№" + targetId) && question.includes("«"), "the confirmation names the target and its subject: " + question);
  await shot(page, "ticket-merge-confirm");
  await Promise.all([page.waitForNavigation(), page.locator("#merge-confirm").click()]);
  check(page.url().endsWith(target), "after the merge: the target's page");
  check(await page.locator("#history").innerText().then((t) => t.includes("присоединил(а) обращение №" + srcId)),
        "the merge is in the target's history");

  // ---- link: kind and number ----
  await page.keyboard.press("l");
  check(await page.evaluate(() => document.activeElement.id) === "link-ticket", "l focuses the link field");
  await page.getByLabel("Это обращение", { exact: true }).selectOption("related");
  await page.locator("#link-ticket").fill(linkId);
  await Promise.all([page.waitForNavigation(), page.locator("#link-add").click()]);
  const links = await page.locator("#links").innerText();
  check(links.includes("связано с") && links.includes("#" + linkId), "the link is listed with its kind: " + links.slice(0, 120));
  await shot(page, "ticket-links");

  // ---- the shortcuts' help ----
  await page.keyboard.press("?");
  check(await page.locator("#keys-help").isVisible(), "? opens the shortcuts");
  await noEnglish(page, "ticket with the shortcuts");
  await page.keyboard.press("Escape");
  check(!(await page.locator("#keys-help").isVisible()), "Esc closes them");

  check(cspErrors.filter((e) => /Content Security Policy/i.test(e)).length === 0,
        "no CSP violations: " + cspErrors.join(" | "));
  await ru.close();
} catch (e) {
  check(false, "unexpected: " + (e && e.stack || e));
} finally {
  await browser.close();
}
finish();
