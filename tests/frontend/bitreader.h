/* RBSP bit reader for the test frontend's parameter-set parser.
 *
 * NAL payloads carry emulation-prevention bytes (00 00 03); the reader works
 * on an unescaped copy so bit positions match the RBSP syntax of the
 * standard.  Reads past the end never touch memory: they set `overrun` and
 * return zeros, and the parser checks the flag once at the end. */
#ifndef VKV4L2_FE_BITREADER_H
#define VKV4L2_FE_BITREADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fe_bits {
    const uint8_t *data;
    size_t size;        /* bytes */
    size_t pos;         /* bit position */
    bool overrun;
};

/* Copies the NAL unit `nal` (header byte included) to `out` without its
 * emulation-prevention bytes; `out` must hold `size` bytes.  Returns the
 * unescaped length. */
size_t fe_rbsp_unescape(const uint8_t *nal, size_t size, uint8_t *out);

void fe_bits_init(struct fe_bits *b, const uint8_t *rbsp, size_t size);
uint32_t fe_bits_u(struct fe_bits *b, unsigned n);   /* n <= 32 */
bool fe_bits_flag(struct fe_bits *b);
uint32_t fe_bits_ue(struct fe_bits *b);             /* ue(v), up to 2^32-2 */
int32_t fe_bits_se(struct fe_bits *b);              /* se(v) */
/* more_rbsp_data() of 7.2: true while bits remain before the stop bit. */
bool fe_bits_more_rbsp_data(const struct fe_bits *b);

#endif
