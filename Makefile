# opora - one binary, built with gcc, C17.
#
#   make                       build/opora (optimised, with debug info)
#   make SANITIZE=address,undefined   build/san/opora and the tests, sanitized
#   make check                 every test suite (see ./check for the full run)
#   make unit                  build and run the cmocka unit tests
#
# Sources are found by wildcard: add a .c under src/ and it is built.

CC      ?= gcc
PKGS    := libmicrohttpd jansson sqlite3 libsodium inih gmime-3.0 libcurl libpq cairo xlsxwriter
CFLAGS_BASE := -std=c17 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Werror -Wno-missing-field-initializers \
               -Isrc -Ibuild/gen -g -pthread -MMD -MP
LIBS    := $(shell pkg-config --libs $(PKGS)) -lstemmer -lm -pthread
PKGCFLAGS := $(shell pkg-config --cflags $(PKGS))

ifdef SANITIZE
  B       := build/san
  OPT     := -O1 -fno-omit-frame-pointer -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
  LDSAN   := -fsanitize=$(SANITIZE)
else
  B       := build
  OPT     := -O2
  LDSAN   :=
endif

CFLAGS  := $(CFLAGS_BASE) $(PKGCFLAGS) $(OPT) $(EXTRA_CFLAGS)

SRC_ALL  := $(shell find src -name '*.c' | sort)
MAIN_SRC := src/cli/main.c
LIB_SRC  := $(filter-out $(MAIN_SRC),$(SRC_ALL))
GEN_SRC  := build/gen/migrations_sqlite.c build/gen/migrations_pg.c \
            build/gen/web_templates.c build/gen/web_assets.c
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/obj/%.o) $(B)/obj/gen/migrations_sqlite.o $(B)/obj/gen/migrations_pg.o \
            $(B)/obj/gen/web_templates.o $(B)/obj/gen/web_assets.o
MAIN_OBJ := $(MAIN_SRC:%.c=$(B)/obj/%.o)

UNIT_SRC := $(shell find tests/unit -name 'test_*.c' 2>/dev/null | sort)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/unit/%)

BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(B)/bench/%)

.PHONY: all clean unit unit-bins check format bench
all: $(B)/opora

$(B)/opora: $(MAIN_OBJ) $(B)/libopora.a
	@echo "  LD      $@"
	@$(CC) $(LDSAN) -o $@ $(MAIN_OBJ) $(B)/libopora.a $(LIBS)

$(B)/libopora.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(B)/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

build/gen/migrations_sqlite.c: tools/embed-sql $(sort $(wildcard src/store/migrations/sqlite/*.sql)) src/store/migrations/sqlite
	@mkdir -p $(dir $@)
	@tools/embed-sql sqlite src/store/migrations/sqlite > $@.tmp && mv $@.tmp $@

build/gen/migrations_pg.c: tools/embed-sql $(sort $(wildcard src/store/migrations/pg/*.sql)) src/store/migrations/pg
	@mkdir -p $(dir $@)
	@tools/embed-sql pg src/store/migrations/pg > $@.tmp && mv $@.tmp $@

# the web UI: templates and assets become part of the binary; htmx comes
# from npm (package-lock.json; ./setup runs npm ci), never from the repo
WEB_TEMPLATES := $(sort $(wildcard src/web/templates/*.html))
WEB_ASSETS    := $(sort $(wildcard src/web/assets/*)) node_modules/htmx.org/dist/htmx.min.js

# the folders too: a new file older than the generated one still counts
build/gen/web_templates.c: tools/embed-templates $(WEB_TEMPLATES) src/web/templates
	@mkdir -p $(dir $@)
	@tools/embed-templates web_templates $(WEB_TEMPLATES) > $@.$$$$.tmp && mv $@.$$$$.tmp $@

build/gen/web_assets.c: tools/embed-templates $(WEB_ASSETS) src/web/assets
	@mkdir -p $(dir $@)
	@tools/embed-templates web_assets $(WEB_ASSETS) > $@.$$$$.tmp && mv $@.$$$$.tmp $@

node_modules/htmx.org/dist/htmx.min.js:
	@echo "missing $@: run ./setup (it runs npm ci)" >&2; exit 1

$(B)/tests/unit/%: tests/unit/%.c $(B)/libopora.a
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(B)/libopora.a $(LIBS) -lcmocka $(LDSAN)

$(B)/bench/%: bench/%.c $(B)/libopora.a
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	@$(CC) $(CFLAGS) -o $@ $< $(B)/libopora.a $(LIBS) $(LDSAN)

# libc only and static: it is also the cheapest process this machine starts (--noop)
$(B)/bench/spawn: bench/spawn.c
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	@$(CC) $(CFLAGS_BASE) -O2 -static -o $@ $<

bench: $(BENCH_BIN)

unit-bins: $(UNIT_BIN)

unit: $(UNIT_BIN)
	@tests/run-unit $(B)

check: all
	./check --no-setup

format:
	clang-format -i $(SRC_ALL) $(UNIT_SRC)

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

# ---- fuzz: libFuzzer targets built with clang (fuzz/*.c; tests/fuzz-run runs them) ----
FUZZ_SRC := src/channels/mail/parse.c src/base/arena.c src/base/buf.c src/base/utf8.c src/base/rc.c \
            src/i18n/i18n.c
.PHONY: fuzz
fuzz: build/fuzz/mail_parse build/fuzz/lmtp_session

build/fuzz/mail_parse: fuzz/mail_parse.c $(FUZZ_SRC)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c17 -D_GNU_SOURCE -g -O1 -Isrc -Ibuild/gen $(PKGCFLAGS) \
	    -fsanitize=fuzzer,address,undefined -o $@ fuzz/mail_parse.c $(FUZZ_SRC) $(LIBS)

# the LMTP session reader (lmtp_feed) over any bytes, with tiny limits
build/fuzz/lmtp_session: fuzz/lmtp_session.c src/channels/mail/lmtp.c $(FUZZ_SRC)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c17 -D_GNU_SOURCE -g -O1 -Isrc -Ibuild/gen $(PKGCFLAGS) \
	    -fsanitize=fuzzer,address,undefined -o $@ fuzz/lmtp_session.c \
	    src/channels/mail/lmtp.c $(FUZZ_SRC) $(LIBS)
