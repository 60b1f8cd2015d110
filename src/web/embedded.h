/* embedded.h - the web UI's files built into the binary by
 * tools/embed-templates (see the Makefile): the templates of
 * src/web/templates and the assets (src/web/assets plus htmx from npm),
 * each by its base name. */
#ifndef OPORA_WEB_EMBEDDED_H
#define OPORA_WEB_EMBEDDED_H

#include <stddef.h>

#include "web/tmpl.h"

extern const struct tmpl_src web_templates[];
extern const size_t web_templates_count;
extern const struct tmpl_src web_assets[];
extern const size_t web_assets_count;

#endif
