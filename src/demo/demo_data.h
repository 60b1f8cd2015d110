/* demo_data.h - the words the demo dataset is made of (demo_data.c). */
#ifndef OPORA_DEMO_DATA_H
#define OPORA_DEMO_DATA_H

#include "core/types.h"

struct demo_staff {
    const char *name, *email, *lang;
    enum user_role role;
    enum staff_level level;
    unsigned groups; /* bit 0 L1, bit 1 L2, bit 2 Development */
};

struct demo_template {
    bool ru;
    enum ticket_type type;
    const char *tag;
    const char *subject;
    const char *description;
};

extern const struct demo_staff demo_staff[];
extern const size_t demo_staff_count;

extern const char *const demo_orgs_ru[], *const demo_orgs_en[];
extern const size_t demo_orgs_ru_count, demo_orgs_en_count;

extern const char *const demo_first_ru[], *const demo_last_ru[], *const demo_first_en[],
    *const demo_last_en[], *const demo_translit_first[], *const demo_translit_last[];
extern const size_t demo_first_ru_count, demo_last_ru_count, demo_first_en_count,
    demo_last_en_count;

extern const struct demo_template demo_templates[];
extern const size_t demo_templates_count;

/* texts by language: [0] English, [1] Russian */
extern const char *const demo_replies[][2];
extern const size_t demo_replies_count;
extern const char *const demo_customer_replies[][2];
extern const size_t demo_customer_replies_count;
extern const char *const demo_notes[][2];
extern const size_t demo_notes_count;
extern const char *const demo_escalation_reasons[][2];
extern const size_t demo_escalation_reasons_count;
extern const char *const demo_handback_reasons[][2];
extern const size_t demo_handback_reasons_count;
extern const char *const demo_pending_asks[][2];
extern const size_t demo_pending_asks_count;
extern const char *const demo_solutions[][2];
extern const size_t demo_solutions_count;
extern const char *const demo_answers[][2];
extern const size_t demo_answers_count;

#endif
