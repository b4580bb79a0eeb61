# ocrun — an OCI container runtime in C.
PREFIX ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

CC ?= gcc
PKGS := libcap libseccomp yajl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
HARDEN := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection -fPIE
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 $(WARN) $(HARDEN) -I. $(PKG_CFLAGS) \
          -DOCRUN_VERSION='"$(VERSION)"' -DOCRUN_COMMIT='"$(COMMIT)"'
LDFLAGS += -pie -Wl,-z,relro,-z,now

SRCS := $(wildcard runtime/*.c overcommit/*.c namespaces/*.c cgroups/*.c oci/*.c base/*.c)
HDRS := $(wildcard runtime/*.h overcommit/*.h namespaces/*.h cgroups/*.h oci/*.h base/*.h)
OBJS := $(SRCS:.c=.o)
LIB_OBJS := $(filter-out runtime/main.o,$(OBJS))

.PHONY: all static check unit root-tests integration security security-prove clients cri guest bench soak install deps demo clean bundle \
        lint lint-cppcheck lint-tidy format-check lab lab-tools

all: ocrun

ocrun: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(PKG_LIBS)

# -MMD -MP: each object depends on the headers it really includes (the .d files).
%.o: %.c
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(OBJS:.o=.d)

# Static binary (Debian ships libseccomp.a, libcap.a and libyajl_s.a).
static: $(SRCS)
	$(CC) $(filter-out -fPIE,$(CFLAGS)) -static -o ocrun.static $(SRCS) \
	  -lseccomp -lcap -l:libyajl_s.a

libocrun.a: $(LIB_OBJS)
	ar rcs $@ $^

# Unit tests: cmocka, no root needed.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:.c=)
# Shared helpers (rm_rf, find_fixture), linked into every unit test.
UNIT_HELPERS := tests/unit/helpers.o
-include $(UNIT_HELPERS:.o=.d)
tests/unit/test_%: tests/unit/test_%.c $(UNIT_HELPERS) tests/unit/helpers.h libocrun.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(UNIT_HELPERS) libocrun.a $(PKG_LIBS) -lcmocka

unit: $(UNIT_BINS)
	tests/run-unit.sh $(UNIT_BINS)

# Root-only C checks of the cgroup drivers on the real host; tests/run-integration.sh runs them.
ROOT_TEST_SRCS := $(wildcard tests/integration/cg_*.c)
ROOT_TEST_BINS := $(ROOT_TEST_SRCS:.c=)
tests/integration/cg_%: tests/integration/cg_%.c tests/integration/cg_root_test.h libocrun.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< libocrun.a $(PKG_LIBS)

root-tests: $(ROOT_TEST_BINS)

integration: ocrun root-tests
	tests/run-integration.sh

# The security regression suite (tests/security): one reproducer file per CVE class.
security: ocrun
	tests/security/run.sh

# Each class's reproducer fails on a build with that defence removed (slow; takes the lock itself).
security-prove:
	tests/security/prove.sh

clients: ocrun
	tests/clients/run.sh

cri: ocrun
	tests/cri/run.sh

guest: static
	tests/guest/run.sh

# FULL=1: every scenario of tests/bench/scenarios.sh (bursts of 50, the 0 -> 500 scaling curve).
bench: ocrun
	tests/bench/run.sh
	tests/bench/scenarios.sh $(if $(FULL),-f -n 20,-n 10)

# SOAK_CYCLES (default 1000) run/delete and create/start/exec/kill/delete cycles; fails if
# fds, mounts, cgroups, state dirs, ledger entries or processes grew (tests/bench/soak.sh).
soak: ocrun
	tests/bench/soak.sh

include tests/fuzz/fuzz.mk
include tests/sanitize/sanitize.mk

# The lab (contrib/lab/README.md): containers vs QEMU VMs; FULL=1 for the long runs.
LAB_CFLAGS := -std=gnu11 -O2 $(WARN)
contrib/lab/vmcg: contrib/lab/vmcg.c
	$(CC) $(LAB_CFLAGS) -o $@ $< -lcgroup
contrib/lab/probe: contrib/lab/probe.c
	$(CC) $(LAB_CFLAGS) -static -o $@ $<
lab-tools: ocrun contrib/lab/vmcg contrib/lab/probe

lab: lab-tools
	contrib/lab/lab.sh $(if $(FULL),--full,--quick)

# Static analysis with zero findings (tests/lint/run.sh runs it as the first suite of `make check`):
# cppcheck (suppressions, one reason each: tests/lint/cppcheck-suppressions.txt) and clang-tidy
# (checks, and why some are off: .clang-tidy), with the build's include flags. Both drop the leak
# reports on `_cleanup_*_` variables that neither tool can model (tests/lint/cleanup_leaks.py).
LINT_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CPPCHECK ?= cppcheck
CLANG_TIDY ?= clang-tidy
CLANG_FORMAT ?= clang-format
CPPCHECK_FLAGS := --std=c11 --enable=warning,style,performance,portability -D__linux__ \
  --library=posix --library=gnu --library=tests/lint/cppcheck.cfg \
  --suppressions-list=tests/lint/cppcheck-suppressions.txt -q -j $(LINT_JOBS) \
  --template='{file}:{line}:{column}: {severity}: {message} [{id}]' -I. $(filter -I%,$(PKG_CFLAGS))

lint: lint-cppcheck lint-tidy

lint-cppcheck:
	@out=$$(mktemp) && trap 'rm -f "$$out"' EXIT && \
	  $(CPPCHECK) $(CPPCHECK_FLAGS) $(SRCS) 2>"$$out" && \
	  python3 tests/lint/cleanup_leaks.py cppcheck <"$$out"

lint-tidy: compile_commands.json
	@python3 tests/lint/clang_tidy.py --clang-tidy=$(CLANG_TIDY) -j $(LINT_JOBS) $(SRCS)

# The compiler command of every source, for clang-tidy (and editors: clangd).
compile_commands.json: export OC_CC = $(CC)
compile_commands.json: export OC_CFLAGS = $(CFLAGS)
compile_commands.json: Makefile $(SRCS)
	@python3 tests/lint/compile_commands.py $(SRCS) >$@.tmp && mv $@.tmp $@

# The files clang-format (.clang-format) would change; informational, not part of `make check`.
format-check:
	@command -v $(CLANG_FORMAT) >/dev/null || { echo "format-check: no $(CLANG_FORMAT)"; exit 1; }
	@n=0; for f in $(SRCS) $(HDRS); do \
	  $(CLANG_FORMAT) --dry-run -Werror "$$f" >/dev/null 2>&1 || { echo "$$f"; n=$$((n + 1)); }; \
	done; echo "format-check: $$n file(s) differ from .clang-format"

# Everything; installs what the tests need first, prints one final line "N passed, N failed".
check: deps
	$(MAKE) ocrun static $(UNIT_BINS) $(ROOT_TEST_BINS) asan fuzz-build
	tests/run-all.sh

# Debian packages needed to build and test.
deps:
	tests/lib/install-deps.sh

demo: deps
	$(MAKE) ocrun
	tests/lib/demo.sh

install: ocrun
	install -D -m 0755 ocrun $(DESTDIR)$(PREFIX)/bin/ocrun
	if [ -f contrib/man/ocrun.8 ]; then install -D -m 0644 contrib/man/ocrun.8 $(DESTDIR)$(PREFIX)/share/man/man8/ocrun.8; fi
	if [ -f contrib/completion/ocrun.bash ]; then install -D -m 0644 contrib/completion/ocrun.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ocrun; fi

clean:
	rm -f ocrun ocrun.static libocrun.a $(OBJS) $(OBJS:.o=.d) $(UNIT_BINS) $(ROOT_TEST_BINS) \
	  $(UNIT_HELPERS) $(UNIT_HELPERS:.o=.d) compile_commands.json contrib/lab/vmcg contrib/lab/probe
	rm -rf build
