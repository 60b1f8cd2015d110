// lead.mjs - the team lead's pages in Chromium over the demo database: the
// dashboard with its tiles and charts (the SVG images load), sorting, the
// CSV download (checked), a refused period shown again with the error at its
// field, the team page, the Bonus tab (its XLSX downloaded and unzipped),
// an agent refused, and no English catalogue text on the Russian pages.
// Prints "ok ..." / "FAIL ..." and "N passed, N failed".
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { ART, check, checkPrefix, finish, launch, noEnglishFor, shot, signIn, URL } from "./lib.mjs";

checkPrefix("lead: ");
// names, subjects, groups and shift names are data, not the UI
const noEnglish = noEnglishFor(".data, .ticket-link, option, .count");

const browser = await launch();
try {
  const ctx = await browser.newContext({ locale: "ru-RU", viewport: { width: 1280, height: 900 },
                                         acceptDownloads: true });
  const page = await ctx.newPage();
  const consoleErrors = [];
  // CSP violations; the 422 of a refused form and a missing favicon are expected
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/.test(m.text())) consoleErrors.push(m.text());
  });

  // the lead opens the dashboard from the navigation
  await signIn(page, "natalia.orlova@opora.demo");
  const nav = page.locator("ul.areas a[href='/lead']");
  check(await nav.count() === 1, "the navigation has the lead's link");
  await Promise.all([page.waitForNavigation(), nav.click()]);
  check(page.url().endsWith("/lead"), "the dashboard: " + page.url());
  check((await page.locator("h1").innerText()) === "Панель руководителя", "the dashboard is in Russian");
  const tiles = page.locator("li.tile");
  check(await tiles.count() >= 5, "KPI tiles: " + await tiles.count());
  const created = await page.locator("li.tile[data-kpi=created] .tile-value").innerText();
  check(/^\d[\d\u00a0]*$/.test(created), "created as Russian writes numbers: " + created);

  // the charts load as images
  const imgs = page.locator("img[data-chart]");
  check(await imgs.count() === 2, "two charts");
  await page.waitForFunction(() => [...document.querySelectorAll("img[data-chart]")].every((i) => i.complete),
                             null, { timeout: 15000 });
  const widths = await imgs.evaluateAll((els) => els.map((e) => e.naturalWidth));
  check(widths.every((w) => w > 0), "the charts loaded (naturalWidth " + widths.join(", ") + ")");
  const alts = await imgs.evaluateAll((els) => els.map((e) => e.alt));
  check(alts.every((a) => /[А-Яа-я]/.test(a)), "the charts have Russian alt text");
  await noEnglish(page, "dashboard");
  await shot(page, "lead-dashboard");

  // sort the table per agent by a column
  const solvedHead = page.locator("th a[data-sort=solved]");
  if (await solvedHead.count()) {
    await Promise.all([page.waitForNavigation(), solvedHead.click()]);
    check(/sort=solved/.test(page.url()), "sorted by solved: " + page.url());
    check(await page.locator("th[aria-sort] a[data-sort=solved]").count() === 1, "the sorted column is marked");
  } else {
    check(false, "the table per agent has a solved column");
  }

  // download the report as CSV with the browser's session
  const link = page.locator("a[data-format=csv]");
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const file = `${ART}/lead-kpi.csv`;
  await download.saveAs(file);
  const csv = readFileSync(file, "utf8");
  check(/^key,label,created,solved/.test(csv), "the CSV has its header");
  const total = csv.split(/\r?\n/).find((l) => l.startsWith("total,"));
  const createdCsv = total ? total.split(",")[2] : "";
  check(createdCsv === created.replace(/\u00a0/g, ""),
        `the CSV's created (${createdCsv}) is the tile's (${created})`);
  check(/\.csv$/.test(download.suggestedFilename()), "file name " + download.suggestedFilename());

  // a period the report refuses: the error at its field, the dates kept
  await page.goto(URL + "/lead");
  await page.locator("#lead-period").selectOption("custom");
  await page.locator("#lead-from").fill("2026-03-10");
  await page.locator("#lead-to").fill("2026-03-01");
  await Promise.all([page.waitForNavigation(), page.locator("form.lead-filter button[type=submit]").click()]);
  check(await page.locator("#lead-to-error").isVisible(), "the error is at the 'to' field");
  check(/[А-Яа-я]/.test(await page.locator("#lead-to-error").innerText()), "the error is in Russian");
  check(await page.locator("#lead-from").inputValue() === "2026-03-10", "the 'from' date is kept");
  check(await page.locator("#lead-to").getAttribute("aria-invalid") === "true", "the field is marked");
  await noEnglish(page, "dashboard with an error");
  await shot(page, "lead-error");

  // the team: presence, shifts, on-call, the rota
  await page.goto(URL + "/lead/team");
  check((await page.locator("h1").innerText()) === "Команда и график", "the team page");
  check(await page.locator("#online tbody tr").count() > 0, "the staff's presence is listed");
  check(await page.locator("#rota").count() === 1, "the rota section");
  await noEnglish(page, "team");
  await shot(page, "lead-team");

  // the Bonus tab: last month's statements, then the XLSX with the session
  await Promise.all([page.waitForNavigation(), page.locator("nav.lead-tabs a[href='/lead/bonus']").click()]);
  check((await page.locator("h1").innerText()) === "Бонусы за месяц", "the Bonus tab");
  check(await page.locator("nav.lead-tabs a[href='/lead/bonus'][aria-current=page]").count() === 1,
        "the Bonus tab is marked current");
  const statements = page.locator("article.bonus-statement");
  check(await statements.count() > 0, "statements: " + await statements.count());
  const agent = (await page.locator("article.bonus-statement h3 .data").first().innerText()).trim();
  check(/₽/.test(await page.locator("#bonus-summary").innerText()), "the summary in roubles");
  await noEnglish(page, "bonus");
  await shot(page, "lead-bonus");
  const xlsxLink = page.locator("#exports a[data-format=xlsx]");
  const [xdl] = await Promise.all([page.waitForEvent("download"), xlsxLink.click()]);
  const xfile = `${ART}/lead-bonus.xlsx`;
  await xdl.saveAs(xfile);
  check(readFileSync(xfile).subarray(0, 4).toString("latin1") === "PK\x03\x04", "the XLSX is a zip");
  check(/^bonus-\d{4}-\d{2}\.xlsx$/.test(xdl.suggestedFilename()), "file name " + xdl.suggestedFilename());
  const sheet = execFileSync("unzip", ["-p", xfile, "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"]).toString("utf8");
  check(agent.length > 0 && sheet.includes(agent), `the sheet has the agent ${agent}`);

  check(consoleErrors.length === 0, "no CSP violations: " + consoleErrors.slice(0, 3).join(" | "));

  // an agent may not open it
  const actx = await browser.newContext({ locale: "ru-RU" });
  const apage = await actx.newPage();
  await signIn(apage, "anna.smirnova@opora.demo");
  check(await apage.locator("ul.areas a[href='/lead']").count() === 0, "no lead link for an agent");
  const resp = await apage.goto(URL + "/lead");
  check(resp.status() === 403, "an agent gets 403: " + resp.status());
} catch (e) {
  check(false, "unexpected: " + (e && e.stack ? e.stack : e));
} finally {
  await browser.close();
}
finish();
