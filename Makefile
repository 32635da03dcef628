# itsm: build, test, install.  See README.md.

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  = $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR = $(PREFIX)/share/fish/vendor_completions.d
EXAMPLEDIR  = $(PREFIX)/share/doc/itsm/examples

CC      ?= cc
PKGS     = sqlite3 yaml-0.1 zlib libcjson
# libpq's, libical's and GMime's headers only: itsm loads libpq when it
# opens a PostgreSQL database (lib/pg/pq.h), libical when a policy names
# a holiday file (lib/ical.h), GMime when it reads or writes a mail
# (lib/gmime.h); the unit tests that call libpq link it.
CFLAGS  ?= -O2 -g
WARN     = -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wformat=2 -Wvla
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) libpq libical gmime-3.0 \
	   2>/dev/null || echo -I/usr/include/postgresql)
CPPFLAGS_ALL = -D_DEFAULT_SOURCE -Iinclude -Ilib $(PKG_CFLAGS) $(CPPFLAGS)
LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null || \
	   echo -lsqlite3 -lyaml -lz -lcjson) -lcsv -lm \
	   -lcmark-gfm-extensions -lcmark-gfm
PQ_LIBS  = $(shell pkg-config --libs libpq 2>/dev/null || echo -lpq)

# make SANITIZE=1 builds with AddressSanitizer and UndefinedBehaviorSanitizer
# into build-san/, so the two builds never mix objects.
ifeq ($(SANITIZE),1)
B        = build-san
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer
else
B        = build
SANFLAGS =
endif

ITSM     = $(B)/itsm
LIB_SRC  = $(wildcard lib/*.c lib/sqlite/*.c lib/pg/*.c)
CMD_SRC  = $(wildcard cmd/*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(B)/%.o) $(B)/lib/default_policy.o
CMD_OBJ  = $(CMD_SRC:%.c=$(B)/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
MANPAGES = $(wildcard man/*.1 man/*.5 man/*.8)

# Debian packages needed to build, test and lint.
DEPS = gcc make pkg-config libsqlite3-dev libyaml-dev zlib1g-dev libcsv-dev libcjson-dev \
       libical-dev libgmime-3.0-dev libcmark-gfm-dev libcmark-gfm-extensions-dev \
       libpq-dev libcmocka-dev sqlite3 postgresql \
       bats jq mandoc zsh fish bash-completion man-db \
       dpkg-dev debhelper lintian systemd exim4-daemon-light

# What make bench, make fuzz and make valgrind need besides.
EXTRA_DEPS = hyperfine taskwarrior clang libclang-rt-14-dev valgrind

.PHONY: all check unit unit-sqlite cli lint deps install uninstall clean \
	bench fuzz stress valgrind deb
.SUFFIXES:

all: $(ITSM)

$(ITSM): $(CMD_OBJ) $(B)/libitsm.a
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $(CMD_OBJ) $(B)/libitsm.a $(LIBS)

$(B)/libitsm.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(B)/%.o: %.c $(wildcard include/itsm/*.h lib/*.h lib/sqlite/*.h lib/pg/*.h \
    cmd/*.h)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CPPFLAGS_ALL) $(CFLAGS) $(SANFLAGS) -c -o $@ $<

$(B)/lib/default_policy.c: lib/default.yaml lib/gen-default.sh
	@mkdir -p $(@D)
	sh lib/gen-default.sh lib/default.yaml > $@

$(B)/lib/default_policy.o: $(B)/lib/default_policy.c
	$(CC) $(WARN) -Wno-missing-variable-declarations $(CPPFLAGS_ALL) \
	    $(CFLAGS) $(SANFLAGS) -c -o $@ $<

$(B)/tests/%: tests/unit/%.c tests/unit/fixture.h tests/unit/corpus.h \
    $(B)/libitsm.a
	@mkdir -p $(@D)
	$(CC) $(WARN) -Wno-missing-prototypes $(CPPFLAGS_ALL) $(CFLAGS) \
	    $(SANFLAGS) -o $@ $< $(B)/libitsm.a $(LIBS) $(PQ_LIBS) -lcmocka

# The whole suite: unit tests, end-to-end tests, man page lint, completion
# tests, on SQLite; then the end-to-end tests again on PostgreSQL, with a
# throwaway server.  Its last line is the totals of both.  Its files run
# in parallel, JOBS at a time (tests/run.sh: three per processor unless
# JOBS is given).  ENGINE=sqlite or ENGINE=pg runs one engine's part
# only; TESTS="tests/cli/t0100-open.bats ..." those files only.
ENGINE ?= all
check: $(ITSM) $(UNIT_BIN)
	@ITSM=$(CURDIR)/$(ITSM) UNIT_DIR=$(CURDIR)/$(B)/tests \
	    ENGINE=$(ENGINE) TESTS="$(TESTS)" sh tests/run.sh

# The PostgreSQL engine's tests run last, with one throwaway server.
PG_UNIT  = $(B)/tests/test_engine $(B)/tests/test_pg
unit: unit-sqlite
	@sh tests/pg-run.sh $(PG_UNIT)

# The unit tests that need no PostgreSQL server (the package's build runs
# them: debian/rules).
unit-sqlite: $(UNIT_BIN)
	@for t in $(filter-out $(PG_UNIT),$(UNIT_BIN)); do $$t || exit 1; done

lint:
	mandoc -T lint -W warning $(MANPAGES)

# Benchmarks against baselines measured in the same run (bench/README).
bench: $(ITSM)
	@ITSM=$(CURDIR)/$(ITSM) sh bench/run.sh

# libFuzzer targets, each for a bounded time (fuzz/README).
fuzz:
	@sh fuzz/run.sh

# The full concurrency and crash tests (make check runs small versions).
stress: $(ITSM)
	@ITSM=$(CURDIR)/$(ITSM) bats tests/stress

# The end-to-end tests with every itsm run under valgrind memcheck.
valgrind: $(ITSM)
	@ITSM=$(CURDIR)/tests/valgrind-itsm ITSM_REAL=$(CURDIR)/$(ITSM) \
	    bats tests/cli

# Installs the Debian packages that building and testing need; quick when
# they are all present.
deps:
	@missing=; for p in $(DEPS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
	    grep -q 'ok installed' || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Installs what bench, fuzz and valgrind need (not needed by check).
deps-extra: deps
	@missing=; for p in $(EXTRA_DEPS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
	    grep -q 'ok installed' || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $$missing; \
	fi

install: $(ITSM)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(BASHCOMPDIR) \
	    $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR) \
	    $(DESTDIR)$(EXAMPLEDIR)/hooks
	install -m 755 $(ITSM) $(DESTDIR)$(BINDIR)/itsm
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5
	install -m 644 man/*.8 $(DESTDIR)$(MANDIR)/man8
	install -m 644 completions/itsm.bash $(DESTDIR)$(BASHCOMPDIR)/itsm
	install -m 644 completions/_itsm $(DESTDIR)$(ZSHCOMPDIR)/_itsm
	install -m 644 completions/itsm.fish $(DESTDIR)$(FISHCOMPDIR)/itsm.fish
	install -m 755 examples/hooks/* $(DESTDIR)$(EXAMPLEDIR)/hooks
	for f in examples/*.yaml; do [ -f "$$f" ] && \
	    install -m 644 "$$f" $(DESTDIR)$(EXAMPLEDIR); done; true

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/itsm
	rm -f $(DESTDIR)$(BINDIR)/itsm $(DESTDIR)$(BASHCOMPDIR)/itsm \
	    $(DESTDIR)$(ZSHCOMPDIR)/_itsm $(DESTDIR)$(FISHCOMPDIR)/itsm.fish
	for m in $(notdir $(wildcard man/*.1)); do \
	    rm -f $(DESTDIR)$(MANDIR)/man1/$$m; done
	for m in $(notdir $(wildcard man/*.5)); do \
	    rm -f $(DESTDIR)$(MANDIR)/man5/$$m; done
	for m in $(notdir $(wildcard man/*.8)); do \
	    rm -f $(DESTDIR)$(MANDIR)/man8/$$m; done

# The Debian package (debian/), built by dpkg-buildpackage in a copy of
# this tree, build/deb/src, so that its clean step (make clean) leaves
# this tree's build alone; the .deb, .buildinfo and .changes go to
# build/deb/.  DEB_BUILD_OPTIONS=nocheck skips the unit tests.
deb:
	rm -rf build/deb
	mkdir -p build/deb/src
	tar -c --exclude=./.git --exclude=./build --exclude='./build-*' \
	    --exclude=./debian/itsm --exclude=./debian/.debhelper . | \
	    tar -x -C build/deb/src
	cd build/deb/src && dpkg-buildpackage -us -uc -b
	rm -rf build/deb/src
	ls build/deb/*.deb

clean:
	rm -rf build build-san
