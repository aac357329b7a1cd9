/* Shared by the fuzz targets: the libFuzzer entry point and a reader that
 * turns the fuzzer's bytes into field values within chosen ranges (what
 * is left of the input reads as zeros, so every input is usable). */
#ifndef VKV4L2_FUZZ_H
#define VKV4L2_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
    const uint8_t *p;
    size_t n;
};

static inline uint64_t fz_bits(struct fz *f, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        v |= (uint64_t)(f->n ? *f->p : 0) << (8 * i);
        if (f->n) {
            f->p++;
            f->n--;
        }
    }
    return v;
}

static inline uint32_t fz_u8(struct fz *f) { return (uint32_t)fz_bits(f, 1); }
static inline uint32_t fz_u16(struct fz *f) { return (uint32_t)fz_bits(f, 2); }
static inline uint32_t fz_u32(struct fz *f) { return (uint32_t)fz_bits(f, 4); }
static inline bool fz_bool(struct fz *f) { return fz_u8(f) & 1; }

/* lo..hi inclusive. */
static inline uint32_t fz_range(struct fz *f, uint32_t lo, uint32_t hi)
{
    uint64_t span = (uint64_t)hi - lo + 1;
    return lo + (uint32_t)((span > 0xffff ? fz_u32(f) : fz_u16(f)) % span);
}

/* A finding: the oracle of a target failed.  abort() is what libFuzzer
 * (and the replay driver, under ASan) reports with the input saved. */
#define FUZZ_ASSERT(cond)                                                          \
    do {                                                                           \
        if (!(cond)) {                                                             \
            fprintf(stderr, "%s:%d: fuzz oracle failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                        \
            abort();                                                               \
        }                                                                          \
    } while (0)

#endif
