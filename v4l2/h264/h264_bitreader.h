/* RBSP bit reader over the bytes of one H.264 NAL unit (ITU-T H.264 7.2,
 * 7.3.1, 9.1).
 *
 * Reads the payload as the RBSP: every emulation_prevention_three_byte
 * (the 03 of a 00 00 03 sequence) is skipped and not counted in positions.
 * Every read is bounds-checked; reading past the end returns -EINVAL and
 * leaves the reader in an error state (all later reads fail too), so a
 * parser can chain reads and check once if it wants.  Pure: no allocation,
 * no I/O. */
#ifndef VKV4L2_H264_BITREADER_H
#define VKV4L2_H264_BITREADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vkv4l2_bitreader {
    const uint8_t *data;
    size_t size;
    size_t next;          /* index of the next raw byte to load */
    unsigned zeros;       /* consecutive 0x00 bytes loaded, for 00 00 03 */
    uint8_t cache;        /* current RBSP byte */
    unsigned cache_bits;  /* unread bits left in cache (MSB first) */
    uint64_t bit_pos;     /* RBSP bits consumed so far */
    size_t epb_count;     /* emulation-prevention bytes skipped so far */
    bool error;
};

/* Starts reading at data[0] (for a NAL unit: the NAL header byte). */
void vkv4l2_br_init(struct vkv4l2_bitreader *br, const uint8_t *data,
                    size_t size);

/* n in 0..32.  Returns 0 or -EINVAL (past the end, or n > 32). */
int vkv4l2_br_read_bits(struct vkv4l2_bitreader *br, unsigned n,
                        uint32_t *out);
int vkv4l2_br_read_flag(struct vkv4l2_bitreader *br, bool *out);
int vkv4l2_br_skip_bits(struct vkv4l2_bitreader *br, uint32_t n);
/* ue(v): 0 .. 2^32-2; -EINVAL on more than 31 leading zero bits. */
int vkv4l2_br_read_ue(struct vkv4l2_bitreader *br, uint32_t *out);
/* se(v): -(2^31-1) .. 2^31-1. */
int vkv4l2_br_read_se(struct vkv4l2_bitreader *br, int32_t *out);

/* RBSP bits consumed (emulation-prevention bytes not counted). */
static inline uint64_t vkv4l2_br_position(const struct vkv4l2_bitreader *br)
{
    return br->bit_pos;
}

#endif
