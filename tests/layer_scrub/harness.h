/* Shared helpers of the scrub unit tests: assertions that count, snapshots
 * proving the application's structures are never written, and a scrubber
 * for a driver with N queue families (the layer's decode family is N). */
#ifndef VKV4L2_TEST_SCRUB_HARNESS_H
#define VKV4L2_TEST_SCRUB_HARNESS_H

#include <stddef.h>
#include <stdio.h>

#include "scrub.h"

extern int t_checks, t_failures;

#define CHECK(cond)                                                               \
    do {                                                                          \
        t_checks++;                                                               \
        if (!(cond)) {                                                            \
            t_failures++;                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                         \
    } while (0)

#define CHECK_EQ(a, b)                                                            \
    do {                                                                          \
        unsigned long long t_a_ = (unsigned long long)(a);                        \
        unsigned long long t_b_ = (unsigned long long)(b);                        \
        t_checks++;                                                               \
        if (t_a_ != t_b_) {                                                       \
            t_failures++;                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (0x%llx != 0x%llx)\n", \
                    __FILE__, __LINE__, #a, #b, t_a_, t_b_);                      \
        }                                                                         \
    } while (0)

/* Snapshot of application memory; check_kept() fails if any changed. */
void keep(const void *p, size_t size);
#define KEEP(x) keep(&(x), sizeof(x))
#define KEEP_ARRAY(a, n) keep((a), sizeof(*(a)) * (size_t)(n))
void check_kept_at(const char *file, int line);
#define CHECK_KEPT() check_kept_at(__FILE__, __LINE__)

struct env {
    struct vkv4l2_arena arena;
    struct vkv4l2_scrub s;
};
/* driver_families families 0..N-1 belong to the driver; N is decode. */
void env_init(struct env *e, uint32_t driver_families);
void env_fini(struct env *e);
/* Nothing was allocated (the fast path). */
#define CHECK_NO_ALLOC(e) CHECK((e)->arena.head == NULL)

void test_flags(void);
void test_barriers(void);
void test_create(void);
void test_chain(void);

#endif
