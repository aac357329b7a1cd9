/* Minimal assertions for the video object unit tests: a failed CHECK
 * prints where and why and makes the program exit non-zero at the end. */
#ifndef VKV4L2_TEST_VOBJ_CHECK_H
#define VKV4L2_TEST_VOBJ_CHECK_H

#include <stdio.h>

static int check_failures;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            check_failures++;                                                    \
        }                                                                        \
    } while (0)

#define CHECK_EQ(a, b)                                                           \
    do {                                                                         \
        long long va_ = (long long)(a), vb_ = (long long)(b);                    \
        if (va_ != vb_) {                                                        \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld != %lld)\n",     \
                    __FILE__, __LINE__, #a, #b, va_, vb_);                       \
            check_failures++;                                                    \
        }                                                                        \
    } while (0)

#define RUN(test)                                                                \
    do {                                                                         \
        int before_ = check_failures;                                            \
        test();                                                                  \
        printf("%s %s\n", check_failures == before_ ? "ok  " : "FAIL", #test);   \
    } while (0)

#endif
