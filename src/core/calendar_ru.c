/* calendar_ru.c - the calendars opora ships: "24x7" and "ru-production",
 * the Russian production calendar (five-day week, 09:00-18:00) for
 * 2025-2027.
 *
 * The law: Labour Code art. 112 part 1 lists the non-working holidays
 * (Jan 1-6 and 8 New Year holidays, Jan 7 Christmas, Feb 23, Mar 8, May 1,
 * May 9, Jun 12, Nov 4); part 2 moves a holiday that falls on a Saturday or
 * Sunday to the next working day, except the January ones, whose two days
 * off the Government moves by decree each year (part 5), together with any
 * other transfers. Art. 95 part 1 shortens by one hour the working day
 * immediately before a non-working holiday.
 *
 * The table lists only what differs from the plain week: holidays and
 * days off that fall on a weekday (CAL_HOLIDAY), and working Saturdays and
 * shortened pre-holiday days (CAL_WORKDAY with their hours). */
#include "base/common.h"

#include "core/calendar.h"

#include "base/tz.h"
#include "i18n/i18n.h"

/* Days since 1970-01-01 of y-m-d as a constant expression (the same
 * arithmetic as cal_date, for years after 0). */
#define YM_(y, m) ((y) - ((m) <= 2))
#define DATE(y, m, d)                                                                              \
    ((int32_t)((YM_(y, m) / 400) * 146097 + (YM_(y, m) % 400) * 365 + (YM_(y, m) % 400) / 4 -     \
               (YM_(y, m) % 400) / 100 + (153 * ((m) > 2 ? (m)-3 : (m) + 9) + 2) / 5 + (d)-1 -     \
               719468))

/* The names shown to admins: the English text of the MSG_CAL_* message of
 * the same meaning (cal_exception_name translates them; a unit test checks
 * that each is its message's English text). */
#define NEW_YEAR "New Year holidays"
#define CHRISTMAS "Orthodox Christmas"
#define DEFENDER "Defender of the Fatherland Day"
#define WOMEN "International Women's Day"
#define LABOUR "Spring and Labour Day"
#define VICTORY "Victory Day"
#define RUSSIA "Russia Day"
#define UNITY "Unity Day"
#define MOVED "Transferred day off"
#define WORK_SAT "Working Saturday"
#define SHORT "Pre-holiday day, one hour shorter"

static const struct {
    const char *en;
    enum msg_id msg;
} names[] = {
    {NEW_YEAR, MSG_CAL_NEW_YEAR}, {CHRISTMAS, MSG_CAL_CHRISTMAS}, {DEFENDER, MSG_CAL_DEFENDER},
    {WOMEN, MSG_CAL_WOMEN},       {LABOUR, MSG_CAL_LABOUR},       {VICTORY, MSG_CAL_VICTORY},
    {RUSSIA, MSG_CAL_RUSSIA},     {UNITY, MSG_CAL_UNITY},         {MOVED, MSG_CAL_TRANSFERRED},
    {WORK_SAT, MSG_CAL_WORKING_SATURDAY}, {SHORT, MSG_CAL_PRE_HOLIDAY},
};

#define OFF(y, m, d, name) {DATE(y, m, d), CAL_HOLIDAY, {0}, name}
/* 09:00-17:00: a pre-holiday day, one hour short of the usual 09:00-18:00 */
#define SHORT_DAY(y, m, d, name) {DATE(y, m, d), CAL_WORKDAY, {1, {{540, 1020}}}, name}

static const struct cal_exception ru_exceptions[] = {
    /* 2025: Government Decree No. 1335 of 4 October 2024 "On the transfer
     * of days off in 2025": Sat Jan 4 -> Fri May 2, Sun Jan 5 -> Wed Dec 31,
     * Sun Feb 23 -> Thu May 8, Sat Mar 8 -> Fri Jun 13, Sat Nov 1 -> Mon
     * Nov 3. Off: Jan 1-8, Feb 22-23, Mar 8-9, May 1-4, May 8-11, Jun 12-15,
     * Nov 2-4, Dec 31. 247 working days. Shortened (art. 95, as the
     * published calendar has them): Mar 7, Apr 30, Jun 11 and the working
     * Saturday Nov 1. */
    OFF(2025, 1, 1, NEW_YEAR),
    OFF(2025, 1, 2, NEW_YEAR),
    OFF(2025, 1, 3, NEW_YEAR),
    OFF(2025, 1, 6, NEW_YEAR),
    OFF(2025, 1, 7, CHRISTMAS),
    OFF(2025, 1, 8, NEW_YEAR),
    SHORT_DAY(2025, 3, 7, SHORT),
    SHORT_DAY(2025, 4, 30, SHORT),
    OFF(2025, 5, 1, LABOUR),
    OFF(2025, 5, 2, MOVED),        /* from Sat Jan 4 */
    OFF(2025, 5, 8, MOVED),        /* from Sun Feb 23 */
    OFF(2025, 5, 9, VICTORY),
    SHORT_DAY(2025, 6, 11, SHORT),
    OFF(2025, 6, 12, RUSSIA),
    OFF(2025, 6, 13, MOVED),       /* from Sat Mar 8 */
    SHORT_DAY(2025, 11, 1, WORK_SAT), /* works for Mon Nov 3; shortened too */
    OFF(2025, 11, 3, MOVED),       /* from Sat Nov 1 */
    OFF(2025, 11, 4, UNITY),
    OFF(2025, 12, 31, MOVED),      /* from Sun Jan 5 */

    /* 2026: Government Decree No. 1466 of 24 September 2025 "On the
     * transfer of days off in 2026": Sat Jan 3 -> Fri Jan 9, Sun Jan 4 ->
     * Thu Dec 31; and art. 112 part 2: Sun Mar 8 -> Mon Mar 9, Sat May 9 ->
     * Mon May 11. Off: Jan 1-11, Feb 21-23, Mar 7-9, May 1-3, May 9-11,
     * Jun 12-14, Nov 4, Dec 31. 247 working days. Shortened (art. 95):
     * Apr 30, May 8, Jun 11, Nov 3. */
    OFF(2026, 1, 1, NEW_YEAR),
    OFF(2026, 1, 2, NEW_YEAR),
    OFF(2026, 1, 5, NEW_YEAR),
    OFF(2026, 1, 6, NEW_YEAR),
    OFF(2026, 1, 7, CHRISTMAS),
    OFF(2026, 1, 8, NEW_YEAR),
    OFF(2026, 1, 9, MOVED),        /* from Sat Jan 3 */
    OFF(2026, 2, 23, DEFENDER),
    OFF(2026, 3, 9, MOVED),        /* Sun Mar 8, art. 112 part 2 */
    SHORT_DAY(2026, 4, 30, SHORT),
    OFF(2026, 5, 1, LABOUR),
    SHORT_DAY(2026, 5, 8, SHORT),
    OFF(2026, 5, 11, MOVED),       /* Sat May 9, art. 112 part 2 */
    SHORT_DAY(2026, 6, 11, SHORT),
    OFF(2026, 6, 12, RUSSIA),
    SHORT_DAY(2026, 11, 3, SHORT),
    OFF(2026, 11, 4, UNITY),
    OFF(2026, 12, 31, MOVED),      /* from Sun Jan 4 */

    /* 2027: the holidays of art. 112 and its part 2 moves only (Sat May 1
     * -> Mon May 3, Sun May 9 -> Mon May 10, Sat Jun 12 -> Mon Jun 14), and
     * the art. 95 shortened days they give. The Government decree that
     * moves the days off of Sat Jan 2 and Sun Jan 3, 2027 was not published
     * when this was written: those two transfers are NOT here, nor is
     * whether Dec 31, 2027 is shortened or a day off. Update when the decree
     * is published. */
    OFF(2027, 1, 1, NEW_YEAR),
    OFF(2027, 1, 4, NEW_YEAR),
    OFF(2027, 1, 5, NEW_YEAR),
    OFF(2027, 1, 6, NEW_YEAR),
    OFF(2027, 1, 7, CHRISTMAS),
    OFF(2027, 1, 8, NEW_YEAR),
    SHORT_DAY(2027, 2, 22, SHORT),
    OFF(2027, 2, 23, DEFENDER),
    OFF(2027, 3, 8, WOMEN),
    SHORT_DAY(2027, 4, 30, SHORT),
    OFF(2027, 5, 3, MOVED),        /* Sat May 1, art. 112 part 2 */
    OFF(2027, 5, 10, MOVED),       /* Sun May 9, art. 112 part 2 */
    SHORT_DAY(2027, 6, 11, SHORT),
    OFF(2027, 6, 14, MOVED),       /* Sat Jun 12, art. 112 part 2 */
    SHORT_DAY(2027, 11, 3, SHORT),
    OFF(2027, 11, 4, UNITY),
};

op_rc cal_preset(const char *name, const struct tz *tz, struct calendar *out)
{
    if (!name)
        return OP_ERR_NOTFOUND;
    memset(out, 0, sizeof(*out));
    if (strcmp(name, "24x7") == 0) {
        out->name = "24x7";
        out->tz = tz ? tz : tz_utc();
        out->always = true;
        return OP_OK;
    }
    if (strcmp(name, "ru-production") == 0) {
        if (!tz)
            return OP_ERR_INVALID;
        out->name = "ru-production";
        out->tz = tz;
        for (int i = 0; i < 5; i++) /* Monday to Friday, 09:00-18:00 */
            out->week[i] = (struct cal_day){1, {{540, 1080}}};
        out->exc = ru_exceptions;
        out->n_exc = ARRAY_SIZE(ru_exceptions);
        return OP_OK;
    }
    return OP_ERR_NOTFOUND;
}

const char *cal_preset_names(void)
{
    return "24x7, ru-production";
}

const char *cal_exception_name(const struct cal_exception *e, enum lang lang)
{
    if (!e->name)
        return "";
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (strcmp(e->name, names[i].en) == 0)
            return i18n_text(lang, names[i].msg);
    return e->name;
}
