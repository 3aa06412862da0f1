/* Minimal unit-test helpers: CHECK(cond) and CHECK_EQ(a, b) record failures with
 * file:line; test_main_result() prints a summary and gives the exit status. */
#ifndef TESTS_UNIT_TEST_H
#define TESTS_UNIT_TEST_H

#include <inttypes.h>
#include <stdio.h>

static int test_checks, test_failures;

#define CHECK(cond) do { \
    test_checks++; \
    if (!(cond)) { test_failures++; fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_EQ(a, b) do { \
    uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b); \
    test_checks++; \
    if (a_ != b_) { test_failures++; \
        fprintf(stderr, "%s:%d: %s == 0x%" PRIx64 ", expected %s == 0x%" PRIx64 "\n", \
                __FILE__, __LINE__, #a, a_, #b, b_); } \
} while (0)

static inline int test_main_result(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, test_checks, test_failures);
    return test_failures ? 1 : 0;
}

#endif
