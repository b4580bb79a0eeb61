# ASan+UBSan build of ocrun and of the unit tests into build/asan/ (the normal build is left
# alone), and the suites that run them: `make check-asan` (tests/sanitize/asan.sh: unit tests,
# then integration files against build/asan/ocrun) and `make check-valgrind`
# (tests/sanitize/valgrind.sh: memcheck over every normal unit test binary).
ASAN_DIR := build/asan
ASAN_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ASAN_CFLAGS := -O1 -g -std=gnu11 $(WARN) -I. $(PKG_CFLAGS) $(ASAN_SAN) \
  -DOCRUN_VERSION='"$(VERSION)"' -DOCRUN_COMMIT='"$(COMMIT)"'
ASAN_OBJS := $(patsubst %.c,$(ASAN_DIR)/%.o,$(SRCS))
ASAN_LIB_OBJS := $(filter-out $(ASAN_DIR)/runtime/main.o,$(ASAN_OBJS))
ASAN_UNIT_BINS := $(patsubst tests/unit/%,$(ASAN_DIR)/tests/unit/%,$(UNIT_BINS))

.PHONY: asan check-asan check-valgrind
ASAN_HELPERS := $(ASAN_DIR)/tests/unit/helpers.o
asan: $(ASAN_DIR)/ocrun $(ASAN_UNIT_BINS) $(ASAN_HELPERS) $(ASAN_DIR)/tests/unit/fixtures

# find_fixture() looks next to the test binary.
$(ASAN_DIR)/tests/unit/fixtures:
	@mkdir -p $(dir $@)
	ln -sfn $(CURDIR)/tests/unit/fixtures $@

check-asan: asan
	tests/sanitize/asan.sh

check-valgrind: $(UNIT_BINS)
	tests/sanitize/valgrind.sh $(UNIT_BINS)

$(ASAN_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -MMD -MP -c -o $@ $<

$(ASAN_DIR)/ocrun: $(ASAN_OBJS)
	$(CC) $(ASAN_CFLAGS) -o $@ $(ASAN_OBJS) $(PKG_LIBS)

$(ASAN_DIR)/libocrun.a: $(ASAN_LIB_OBJS)
	ar rcs $@ $^

$(ASAN_DIR)/tests/unit/test_%: tests/unit/test_%.c $(ASAN_DIR)/tests/unit/helpers.o tests/unit/helpers.h $(ASAN_DIR)/libocrun.a
	$(CC) $(ASAN_CFLAGS) -o $@ $< $(ASAN_DIR)/tests/unit/helpers.o $(ASAN_DIR)/libocrun.a $(PKG_LIBS) -lcmocka

-include $(ASAN_OBJS:.o=.d) $(ASAN_DIR)/tests/unit/helpers.d
