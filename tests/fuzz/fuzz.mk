# libFuzzer targets (tests/fuzz/fuzz_*.c) against the project's own parsers, built by clang with
# -fsanitize=fuzzer,address,undefined into build/fuzz/ (the normal build is left alone).
# `make fuzz` builds them and runs each for FUZZ_TIME seconds (tests/fuzz/run.sh), its corpus in
# tests/fuzz/corpus/<target>/; `make fuzz-build` only builds.
FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_DIR := build/fuzz
# clang, unlike gcc, calls a variable that exists only for its _cleanup_ attribute unused.
CLANG_WARN := -Wno-unused-variable
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS := -O1 -g -std=gnu11 $(WARN) $(CLANG_WARN) -I. $(PKG_CFLAGS) $(FUZZ_SAN) \
  -DOCRUN_VERSION='"$(VERSION)"' -DOCRUN_COMMIT='"$(COMMIT)"'
FUZZ_LIB_OBJS := $(patsubst %.c,$(FUZZ_DIR)/%.o,$(filter-out runtime/main.c,$(SRCS)))
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(FUZZ_SRCS))

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	FUZZ_TIME=$(FUZZ_TIME) tests/fuzz/run.sh $(FUZZ_BINS)

$(FUZZ_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/libocrun-fuzz.a: $(FUZZ_LIB_OBJS)
	ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DIR)/libocrun-fuzz.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_DIR)/libocrun-fuzz.a $(PKG_LIBS)

-include $(FUZZ_LIB_OBJS:.o=.d)
