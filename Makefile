# Chronatog: build, run and test.
#
#   make          build everything into build/
#   make run      install dependencies, build, serve on 127.0.0.1:$(PORT)
#   make test     install dependencies, build, run the bats suites
#   make bench    run the benchmark scripts in bench/
#   make install  copy the programs under $(DESTDIR)$(PREFIX)/lib/chronatog

VERSION   := 0.1.0
PREFIX    ?= /usr/local
PORT      ?= 8080
DATA      ?= var

CC        ?= cc
CFLAGS    ?= -O2 -g
CFLAGS    += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wformat=2 \
             -fPIC -Ilib -Ibuild/gen -DCHRONATOG_VERSION='"$(VERSION)"' \
             $(shell pkg-config --cflags json-c sqlite3 libcurl 2>/dev/null)
DEP_LIBS  := $(shell pkg-config --libs json-c sqlite3 libcurl libgcrypt \
               2>/dev/null) -lfcgi -lm
RPATH     := -Wl,-rpath,'$$ORIGIN/../lib'
LINK_LIB  := -Lbuild/lib -lchronatog $(DEP_LIBS) $(RPATH)

LIB_SRC   := $(wildcard lib/*.c)
LIB_OBJ   := $(LIB_SRC:lib/%.c=build/obj/lib/%.o) build/obj/gen/migrations.o
LIB       := build/lib/libchronatog.so
CGI_SRC   := $(wildcard cgi-bin/*.c)
CGI_BIN   := $(CGI_SRC:cgi-bin/%.c=build/cgi-bin/%)
CLI_SRC   := $(filter-out cli/admin_%.c,$(wildcard cli/*.c))
CLI_BIN   := $(CLI_SRC:cli/%.c=build/bin/%)
ADMIN_SRC := $(wildcard cli/admin_*.c)
RUNNER_SRC := $(wildcard cron-runner/*.c)
RUNNER    := build/bin/chronatog-runner
SANDBOX_SRC := $(wildcard sandbox/*.c)
SANDBOX   := build/bin/ey-sandbox
TEST_SRC  := $(wildcard t/*.c)
TEST_BIN  := $(TEST_SRC:t/%.c=build/t/%)
SQL       := $(sort $(wildcard sql/[0-9]*.sql))
HEADERS   := $(wildcard lib/*.h sandbox/*.h cron-runner/*.h cli/*.h)

.PHONY: all run test bench deps install clean

# Keep object files between builds instead of deleting them as
# intermediates.
.SECONDARY:
all: $(LIB) $(CGI_BIN) $(CLI_BIN) $(RUNNER) $(TEST_BIN) \
    $(if $(SANDBOX_SRC),$(SANDBOX))

build/gen/migrations.c: $(SQL) tools/embed-sql
	@mkdir -p $(@D)
	tools/embed-sql $(SQL) > $@.tmp && mv $@.tmp $@

build/obj/gen/migrations.o: build/gen/migrations.c lib/migrations.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

build/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,--no-undefined -o $@ $^ $(DEP_LIBS)

build/cgi-bin/%: build/obj/cgi-bin/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LINK_LIB)

build/bin/chronatog-admin: build/obj/cli/chronatog-admin.o \
    $(ADMIN_SRC:%.c=build/obj/%.o) $(LIB)
	@mkdir -p $(@D)
	$(CC) -o $@ $(filter %.o,$^) $(LINK_LIB)

build/bin/%: build/obj/cli/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LINK_LIB)

$(RUNNER): $(RUNNER_SRC:%.c=build/obj/%.o) $(LIB)
	@mkdir -p $(@D)
	$(CC) -o $@ $(filter %.o,$^) $(LINK_LIB)

# The stand-in for Engine Yard, for trying the add-on flow locally.
$(SANDBOX): $(SANDBOX_SRC:%.c=build/obj/%.o) $(LIB)
	@mkdir -p $(@D)
	$(CC) -o $@ $(filter %.o,$^) $(LINK_LIB)

build/t/%: build/obj/t/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LINK_LIB)

deps:
	@tools/install-deps

run: deps all
	@PORT=$(PORT) DATA=$(DATA) tools/run-local

test: deps all
	@bats --formatter tap t/ | tools/tap-summary

bench: deps all
	@for b in bench/*.sh; do echo "== $$b"; $$b || exit 1; done

# Programs keep the build's layout, so that their $$ORIGIN/../lib run
# path finds libchronatog.so; the commands get links in $(PREFIX)/bin.
install: all
	install -d $(DESTDIR)$(PREFIX)/lib/chronatog/bin \
	    $(DESTDIR)$(PREFIX)/lib/chronatog/cgi-bin \
	    $(DESTDIR)$(PREFIX)/lib/chronatog/lib $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(CLI_BIN) $(RUNNER) $(SANDBOX) \
	    $(DESTDIR)$(PREFIX)/lib/chronatog/bin
	install -m 755 $(CGI_BIN) $(DESTDIR)$(PREFIX)/lib/chronatog/cgi-bin
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/chronatog/lib
	for program in $(notdir $(CLI_BIN) $(RUNNER) $(SANDBOX)); do \
		ln -sf ../lib/chronatog/bin/$$program \
		    $(DESTDIR)$(PREFIX)/bin/$$program; \
	done
	for page in $(wildcard man/*.[1-8]); do \
		section=$${page##*.}; \
		install -d $(DESTDIR)$(PREFIX)/share/man/man$$section; \
		install -m 644 $$page $(DESTDIR)$(PREFIX)/share/man/man$$section; \
	done
	for program in $(notdir $(CGI_BIN)); do \
		ln -sf chronatog-fastcgi.8 \
		    $(DESTDIR)$(PREFIX)/share/man/man8/$$program.8; \
	done

clean:
	rm -rf build
