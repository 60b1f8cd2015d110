// admin.mjs - the admin pages in a real browser (tests/e2e/run starts opora
// over the demo and sets OPORA_URL, CHROMIUM, ARTIFACTS, ROOT): the demo's
// admin creates a group and a macro through the forms, meets a field error,
// creates a Russian-speaking admin, who then sees every admin page with no
// English text of the catalogue. Prints "ok ..." / "FAIL ..." and
// "N passed, N failed".
import { check, checkPrefix, finish, launch, noEnglishFor, shot, signIn, URL } from "./lib.mjs";

checkPrefix("admin: ");
// what people wrote (names, emails, descriptions) is data, not the UI
const noEnglish = noEnglishFor(".data, textarea");

async function submit(page) {
  await Promise.all([page.waitForNavigation(), page.locator("main form.admin-form button[type=submit]").last().click()]);
}

const browser = await launch();
try {
  const en = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
  const page = await en.newPage();
  const cspErrors = [];
  page.on("console", (m) => { if (m.type() === "error") cspErrors.push(m.text()); });
  const stamp = Date.now() % 100000;

  // the admin's way in: the navigation
  await signIn(page, "admin@opora.demo");
  await page.getByRole("link", { name: "Administration" }).click();
  await page.waitForURL(/\/admin$/);
  check(await page.locator("h1").innerText() === "Administration", "the admin index");

  // a group: a field error first (no name), then created with a member
  await page.getByRole("link", { name: "Groups" }).click();
  await page.getByRole("link", { name: "New group" }).click();
  await page.getByLabel("Tier").selectOption("l2");
  await submit(page);
  check(await page.locator("#f-name-error").isVisible(), "a group without a name: the error at its field");
  check(await page.locator("#f-name").getAttribute("aria-invalid") === "true", "the field is marked invalid");
  check(await page.getByLabel("Tier").inputValue() === "l2", "the tier chosen is kept");
  const group = "Группа проверки " + stamp;
  await page.getByLabel("Name").fill(group);
  await page.getByLabel("Members").selectOption({ label: "Анна Смирнова" });
  await submit(page);
  check(await page.locator(".notice").innerText() === "Created.", "the group is created, with a notice");
  check(await page.getByRole("link", { name: group }).count() === 1, "the group is listed");

  // a macro
  await page.goto(URL + "/admin/macros/new");
  const macro = "Макрос проверки " + stamp;
  await page.getByLabel("Name").fill(macro);
  await page.getByLabel("Set the status").selectOption("pending");
  await page.getByLabel("Public reply").fill("Здравствуйте! Уточните, пожалуйста, номер заказа.");
  await submit(page);
  check(await page.getByRole("link", { name: macro }).count() === 1, "the macro is created and listed");
  await shot(page, "admin-macros");

  // a Russian-speaking admin, made through the form
  const email = `admin.ru.${stamp}@opora.demo`;
  await page.goto(URL + "/admin/users/new");
  await page.getByLabel("Name").fill("Ирина Админова");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role").selectOption("admin");
  await page.getByLabel("Level").selectOption("senior");
  await page.getByLabel("Language").selectOption("ru");
  await page.getByLabel("Password").fill("a-long-password-1");
  await submit(page);
  check(await page.locator(".notice").innerText() === "Created.", "the user is created");
  check(cspErrors.filter((e) => /Content Security Policy/i.test(e)).length === 0,
        "no CSP violations: " + cspErrors.join(" | "));
  await en.close();

  const ru = await browser.newContext({ locale: "ru-RU", viewport: { width: 1280, height: 900 } });
  const rpage = await ru.newPage();
  await signIn(rpage, email, "a-long-password-1");
  const pages = [["/admin", "admin"], ["/admin/users", "admin-users"], ["/admin/users/new", "admin-user-new"],
                 ["/admin/organizations", "admin-organizations"], ["/admin/groups", "admin-groups"],
                 ["/admin/groups/new", "admin-group-new"], ["/admin/macros", null],
                 ["/admin/macros/new", "admin-macro-new"], ["/admin/sla", "admin-sla"],
                 ["/admin/sla/policies/new", "admin-sla-policy-new"],
                 ["/admin/sla/calendars/new", "admin-calendar-new"], ["/admin/shifts", "admin-shifts"],
                 ["/admin/channels", "admin-channels"]];
  for (const [path, name] of pages) {
    const resp = await rpage.goto(URL + path);
    check(resp.status() === 200, `${path} renders (${resp.status()})`);
    await noEnglish(rpage, path);
    if (name) await shot(rpage, name);
  }
  // the form error in Russian, by keyboard
  await rpage.goto(URL + "/admin/macros/new");
  await rpage.getByLabel("Название или имя").focus();
  await rpage.keyboard.type(macro);
  await rpage.getByLabel("Внутренняя заметка для коллег").fill("Проверить");
  await submit(rpage);
  check((await rpage.locator("#f-name-error").innerText()).length > 0, "a duplicate name: the error at its field");
  await noEnglish(rpage, "macro form with an error");
  await shot(rpage, "admin-macro-error");
  await ru.close();
} catch (e) {
  check(false, "unexpected: " + (e && e.stack || e));
} finally {
  await browser.close();
}
finish();
