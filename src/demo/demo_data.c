/* demo_data.c - names, companies and conversations for the demo dataset.
 * Invented; any likeness to real companies or people is a coincidence. */
#include "base/common.h"
#include "demo/demo_data.h"

#define COUNT(a) const size_t a##_count = ARRAY_SIZE(a)

const struct demo_staff demo_staff[] = {
    {"Administrator", "admin@opora.demo", "en", ROLE_ADMIN, LEVEL_SENIOR, 0},
    {"Наталья Орлова", "natalia.orlova@opora.demo", "ru", ROLE_LEAD, LEVEL_SENIOR, 7},
    {"Анна Смирнова", "anna.smirnova@opora.demo", "ru", ROLE_AGENT, LEVEL_JUNIOR, 1},
    {"Иван Петров", "ivan.petrov@opora.demo", "ru", ROLE_AGENT, LEVEL_JUNIOR, 1},
    {"Мария Кузнецова", "maria.kuznetsova@opora.demo", "ru", ROLE_AGENT, LEVEL_JUNIOR, 1},
    {"Oliver Brown", "oliver.brown@opora.demo", "en", ROLE_AGENT, LEVEL_JUNIOR, 1},
    {"Дмитрий Соколов", "dmitry.sokolov@opora.demo", "ru", ROLE_AGENT, LEVEL_JUNIOR, 1},
    {"Emma Wilson", "emma.wilson@opora.demo", "en", ROLE_AGENT, LEVEL_JUNIOR, 1},
    {"Елена Волкова", "elena.volkova@opora.demo", "ru", ROLE_AGENT, LEVEL_MIDDLE, 2},
    {"Сергей Морозов", "sergey.morozov@opora.demo", "ru", ROLE_AGENT, LEVEL_MIDDLE, 2},
    {"James Taylor", "james.taylor@opora.demo", "en", ROLE_AGENT, LEVEL_MIDDLE, 2},
    {"Ольга Новикова", "olga.novikova@opora.demo", "ru", ROLE_AGENT, LEVEL_MIDDLE, 2},
    {"Алексей Лебедев", "alexey.lebedev@opora.demo", "ru", ROLE_AGENT, LEVEL_SENIOR, 6},
    {"Sophia Clark", "sophia.clark@opora.demo", "en", ROLE_AGENT, LEVEL_SENIOR, 6},
};
COUNT(demo_staff);

const char *const demo_orgs_ru[] = {
    "ООО «Ромашка»", "АО «Северный ветер»", "ООО «Вектор»", "ООО «Байкал Телеком»",
    "АО «Орбита»", "ООО «Горизонт»", "ООО «Альфа-Трейд»", "ООО «Кедр»", "АО «Спектр»",
    "ООО «Меридиан»", "ООО «Стрела»", "ООО «Парус»", "ООО «Лотос»", "АО «Сфера»",
    "ООО «Гранит»", "ООО «Аврора»", "ООО «Импульс»", "ООО «Фортуна»", "АО «Восход»",
    "ООО «Радуга»",
};
COUNT(demo_orgs_ru);

const char *const demo_orgs_en[] = {
    "Acme Corp", "Globex Ltd", "Initech", "Umbrella Health", "Stark Logistics", "Wayne Retail",
    "Hooli", "Vandelay Imports", "Soylent Foods", "Cyberdyne Systems", "Wonka Candy",
    "Tyrell Systems", "Oscorp", "Gringotts Finance", "Aperture Labs", "Monarch Travel",
    "Pied Piper", "Dunder Paper", "Prestige Worldwide", "Massive Dynamic",
};
COUNT(demo_orgs_en);

const char *const demo_first_ru[] = {"Александр", "Екатерина", "Михаил", "Татьяна", "Андрей",
                                     "Юлия", "Павел", "Светлана", "Николай", "Ирина",
                                     "Роман", "Ксения", "Владимир", "Дарья", "Артём"};
COUNT(demo_first_ru);
/* surnames that read the same for men and women are avoided by pairing in code */
const char *const demo_last_ru[] = {"Иванов", "Попов", "Васильев", "Зайцев", "Павлов",
                                    "Семёнов", "Голубев", "Виноградов", "Богданов", "Воробьёв",
                                    "Фёдоров", "Михайлов", "Беляев", "Тарасов", "Белов"};
COUNT(demo_last_ru);
const char *const demo_translit_first[] = {"alexander", "ekaterina", "mikhail", "tatiana",
                                           "andrey", "yulia", "pavel", "svetlana", "nikolay",
                                           "irina", "roman", "ksenia", "vladimir", "daria",
                                           "artem"};
const char *const demo_translit_last[] = {"ivanov", "popov", "vasiliev", "zaitsev", "pavlov",
                                          "semenov", "golubev", "vinogradov", "bogdanov",
                                          "vorobiev", "fedorov", "mikhailov", "belyaev",
                                          "tarasov", "belov"};
const char *const demo_first_en[] = {"Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Ethan",
                                     "Isla", "Henry", "Grace", "Jack", "Chloe", "Leo", "Ruby",
                                     "Oscar"};
COUNT(demo_first_en);
const char *const demo_last_en[] = {"Smith", "Johnson", "Williams", "Jones", "Miller", "Davis",
                                    "Garcia", "Walker", "Hall", "Young", "King", "Wright",
                                    "Scott", "Green", "Baker"};
COUNT(demo_last_en);

const struct demo_template demo_templates[] = {
    {true, TYPE_INCIDENT, "login", "Не могу войти в личный кабинет",
     "Здравствуйте! Со вчерашнего дня не могу войти в личный кабинет: после ввода пароля "
     "страница просто перезагружается. Пароль точно верный, сбрасывал его дважды."},
    {true, TYPE_INCIDENT, "billing", "Не проходит оплата картой",
     "Пытаюсь оплатить счёт картой, но оплата отклоняется с ошибкой «Операция отклонена». "
     "Деньги на карте есть, в других магазинах карта работает."},
    {true, TYPE_PROBLEM, "reports", "Ошибка 500 при выгрузке отчёта",
     "При выгрузке месячного отчёта в Excel появляется ошибка 500. Отчёт за прошлый месяц "
     "выгружался без проблем."},
    {true, TYPE_QUESTION, "plan", "Как сменить тарифный план?",
     "Хотим перейти на тариф «Бизнес» с начала следующего месяца. Подскажите, как это "
     "сделать и пересчитается ли текущий платёж?"},
    {true, TYPE_INCIDENT, "sms", "Не приходит SMS с кодом подтверждения",
     "Не приходит SMS с кодом при входе. Номер указан верно, пробовал несколько раз в "
     "течение часа."},
    {true, TYPE_INCIDENT, "mobile", "Приложение вылетает при запуске",
     "После обновления мобильное приложение закрывается сразу после запуска. Телефон Android, "
     "переустановка не помогла."},
    {true, TYPE_TASK, "refund", "Возврат денег за заказ",
     "Прошу вернуть деньги за заказ: товар пришёл повреждённым. Фотографии могу прислать."},
    {true, TYPE_INCIDENT, "network", "Медленный интернет по вечерам",
     "Каждый вечер с 19 до 23 скорость падает до 2 Мбит/с при тарифе 100 Мбит/с. Роутер "
     "перезагружали."},
    {true, TYPE_PROBLEM, "integration", "Не работает интеграция с 1С",
     "С понедельника перестали выгружаться заказы в 1С, в журнале обмена ошибка "
     "авторизации."},
    {true, TYPE_QUESTION, "export", "Как выгрузить данные клиентов?",
     "Подскажите, можно ли выгрузить список клиентов с контактами в CSV или Excel?"},
    {false, TYPE_INCIDENT, "login", "Cannot log in to my account",
     "Hi, since yesterday I cannot log in: after entering my password the page just reloads. "
     "I reset the password twice."},
    {false, TYPE_INCIDENT, "billing", "Card payment keeps failing",
     "I am trying to pay the invoice by card but the payment is declined with \"Transaction "
     "declined\". The card works elsewhere."},
    {false, TYPE_PROBLEM, "reports", "Error 500 when exporting a report",
     "Exporting the monthly report to Excel gives an error 500. Last month's report exported "
     "fine."},
    {false, TYPE_QUESTION, "plan", "How do I change my plan?",
     "We would like to move to the Business plan from next month. How do we do that, and "
     "will the current payment be prorated?"},
    {false, TYPE_INCIDENT, "sms", "SMS verification code never arrives",
     "The SMS code for signing in never arrives. The number is correct; I tried several "
     "times within an hour."},
    {false, TYPE_INCIDENT, "mobile", "App crashes on start",
     "Since the update the mobile app closes right after it starts. Android phone; "
     "reinstalling did not help."},
    {false, TYPE_TASK, "refund", "Refund for a damaged order",
     "Please refund my order: the item arrived damaged. I can send photos."},
    {false, TYPE_INCIDENT, "network", "Internet is slow every evening",
     "Every evening from 7 to 11 pm the speed drops to 2 Mbit/s on a 100 Mbit/s plan. We "
     "restarted the router."},
    {false, TYPE_PROBLEM, "integration", "Webhook integration stopped working",
     "Since Monday our webhooks are no longer delivered; the delivery log shows "
     "authentication errors."},
    {false, TYPE_QUESTION, "export", "How can I export customer data?",
     "Is it possible to export the customer list with contacts to CSV or Excel?"},
};
COUNT(demo_templates);

const char *const demo_replies[][2] = {
    {"Thank you for reaching out. I am looking into it and will get back to you shortly.",
     "Спасибо за обращение! Я уже разбираюсь и скоро вернусь с ответом."},
    {"Thanks, I can see the problem on our side. We are working on it.",
     "Спасибо, вижу проблему на нашей стороне. Мы уже работаем над ней."},
    {"Could you please try again now? We have made a change that should help.",
     "Попробуйте, пожалуйста, ещё раз — мы внесли изменение, которое должно помочь."},
    {"I have passed the details to our specialists and will keep you posted.",
     "Я передал(а) подробности специалистам и буду держать вас в курсе."},
};
COUNT(demo_replies);

const char *const demo_customer_replies[][2] = {
    {"Thanks. Any news?", "Спасибо. Есть новости?"},
    {"I tried again and it still does not work.", "Попробовал ещё раз — всё так же не работает."},
    {"Here are the details you asked for. The problem started on Monday.",
     "Присылаю данные, которые вы просили. Проблема началась в понедельник."},
    {"It works now, thank you!", "Теперь всё работает, спасибо!"},
    {"Sorry, the problem is back.", "Извините, проблема снова появилась."},
};
COUNT(demo_customer_replies);

const char *const demo_notes[][2] = {
    {"Checked the logs: the same error for three other customers today.",
     "Проверил(а) логи: сегодня та же ошибка ещё у трёх клиентов."},
    {"Customer is on the Business plan, priority support.",
     "Клиент на тарифе «Бизнес», приоритетная поддержка."},
    {"Reproduced on staging.", "Воспроизводится на тестовом стенде."},
};
COUNT(demo_notes);

const char *const demo_escalation_reasons[][2] = {
    {"Needs access to the billing back office.", "Нужен доступ к биллингу."},
    {"Cannot reproduce on L1; logs needed.", "На первой линии не воспроизводится, нужны логи."},
    {"Looks like a bug in the last release.", "Похоже на ошибку в последнем релизе."},
    {"Requires a change in the customer's configuration.",
     "Требуется изменение конфигурации клиента."},
};
COUNT(demo_escalation_reasons);

const char *const demo_handback_reasons[][2] = {
    {"Fixed on our side; please confirm with the customer.",
     "Исправлено на нашей стороне, подтвердите у клиента."},
    {"Not a bug: configuration explained in a note.",
     "Не ошибка: настройка описана в заметке."},
    {"Escalated without logs; please collect them first.",
     "Эскалировано без логов; сначала соберите их."},
};
COUNT(demo_handback_reasons);

const char *const demo_pending_asks[][2] = {
    {"Could you send a screenshot of the error and the time it happened?",
     "Пришлите, пожалуйста, скриншот ошибки и время, когда она возникла."},
    {"Could you tell us the order number?", "Подскажите, пожалуйста, номер заказа."},
};
COUNT(demo_pending_asks);

const char *const demo_solutions[][2] = {
    {"The issue is resolved. Please let us know if it happens again.",
     "Проблема решена. Если повторится — просто ответьте на это письмо."},
    {"Done: the change is in place. Thank you for your patience!",
     "Готово, изменения внесены. Спасибо за терпение!"},
};
COUNT(demo_solutions);

/* answers that solve a request in the first reply */
const char *const demo_answers[][2] = {
    {"Thank you for writing. This is under Settings - Account: I have checked that it works for "
     "your account. If anything is unclear, just reply to this message.",
     "Спасибо за обращение! Это делается в разделе «Настройки — Учётная запись»; я проверил(а), "
     "что у вас всё работает. Если что-то непонятно — просто ответьте на это письмо."},
    {"We have fixed this on our side: please refresh the page and try again. If the problem "
     "comes back, just reply to this message.",
     "Мы исправили это на нашей стороне: обновите, пожалуйста, страницу и попробуйте ещё раз. "
     "Если проблема вернётся — просто ответьте на это письмо."},
    {"I have reset it for you and the new settings are already in place. Reply to this message "
     "if you need anything else.",
     "Я сбросил(а) настройку, новые параметры уже действуют. Если понадобится что-то ещё — "
     "ответьте на это письмо."},
    {"Step-by-step instructions are in the \"Getting started\" section of our help center; I "
     "have also switched the option on for you.",
     "Пошаговая инструкция — в разделе «Начало работы» справочного центра; опцию я уже включил(а) "
     "для вас."},
};
COUNT(demo_answers);
