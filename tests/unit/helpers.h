/* Helpers shared by the unit tests; helpers.o is linked into every tests/unit/test_* binary. */
#ifndef OCRUN_TEST_HELPERS_H
#define OCRUN_TEST_HELPERS_H
#include <stdbool.h>
#include <stddef.h>

/* Remove path and everything below it, without following symlinks. 0 when done or when path
 * does not exist; -1 with errno set when something could not be removed. */
int rm_rf(const char *path);

/* The path of fixture `name` (tests/unit/fixtures/<name>, found next to the running test
 * binary) into buf. 0 when that file is readable; -1 with errno set otherwise. */
int find_fixture(const char *name, char *buf, size_t cap);

/* Under valgrind (tests/sanitize/valgrind.sh sets OCRUN_TEST_VALGRIND=1): prints why the test
 * cannot run there and returns true; the caller then skip()s. */
bool skip_under_valgrind(const char *why);

#endif
