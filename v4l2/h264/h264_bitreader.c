/* RBSP bit reader; see h264_bitreader.h. */
#include "h264_bitreader.h"

#include <errno.h>

void vkv4l2_br_init(struct vkv4l2_bitreader *br, const uint8_t *data,
                    size_t size)
{
    *br = (struct vkv4l2_bitreader){ .data = data, .size = size };
}

static int fail(struct vkv4l2_bitreader *br)
{
    br->error = true;
    return -EINVAL;
}

/* Loads the next RBSP byte into the cache.  An emulation_prevention_three_
 * byte is any 0x03 that follows two 0x00 bytes inside a NAL unit (7.4.1). */
static int load_byte(struct vkv4l2_bitreader *br)
{
    if (br->next < br->size && br->zeros >= 2 && br->data[br->next] == 0x03) {
        br->next++;
        br->epb_count++;
        br->zeros = 0;
    }
    if (br->next >= br->size)
        return fail(br);
    br->cache = br->data[br->next++];
    br->cache_bits = 8;
    br->zeros = br->cache == 0 ? br->zeros + 1 : 0;
    return 0;
}

static int read_bit(struct vkv4l2_bitreader *br, unsigned *bit)
{
    if (br->error)
        return -EINVAL;
    if (br->cache_bits == 0 && load_byte(br) < 0)
        return -EINVAL;
    br->cache_bits--;
    *bit = (br->cache >> br->cache_bits) & 1;
    br->bit_pos++;
    return 0;
}

int vkv4l2_br_read_bits(struct vkv4l2_bitreader *br, unsigned n,
                        uint32_t *out)
{
    uint32_t v = 0;

    if (br->error)
        return -EINVAL;
    if (n > 32)
        return fail(br);
    for (unsigned i = 0; i < n; i++) {
        unsigned bit;
        if (read_bit(br, &bit) < 0)
            return -EINVAL;
        v = (v << 1) | bit;
    }
    *out = v;
    return 0;
}

int vkv4l2_br_read_flag(struct vkv4l2_bitreader *br, bool *out)
{
    unsigned bit;

    if (read_bit(br, &bit) < 0)
        return -EINVAL;
    *out = bit;
    return 0;
}

int vkv4l2_br_skip_bits(struct vkv4l2_bitreader *br, uint32_t n)
{
    unsigned bit;

    for (uint32_t i = 0; i < n; i++)
        if (read_bit(br, &bit) < 0)
            return -EINVAL;
    return 0;
}

/* 9.1: leadingZeroBits zeros, a 1, then leadingZeroBits bits;
 * codeNum = 2^leadingZeroBits - 1 + bits. */
int vkv4l2_br_read_ue(struct vkv4l2_bitreader *br, uint32_t *out)
{
    unsigned zeros = 0, bit;
    uint32_t suffix;

    for (;;) {
        if (read_bit(br, &bit) < 0)
            return -EINVAL;
        if (bit)
            break;
        if (++zeros > 31)
            return fail(br);
    }
    if (vkv4l2_br_read_bits(br, zeros, &suffix) < 0)
        return -EINVAL;
    *out = (uint32_t)(((uint64_t)1 << zeros) - 1 + suffix);
    return 0;
}

/* 9.1.1: codeNum k maps to (-1)^(k+1) * Ceil(k / 2). */
int vkv4l2_br_read_se(struct vkv4l2_bitreader *br, int32_t *out)
{
    uint32_t k;

    if (vkv4l2_br_read_ue(br, &k) < 0)
        return -EINVAL;
    uint64_t mag = ((uint64_t)k + 1) / 2;
    *out = (k & 1) ? (int32_t)mag : -(int32_t)mag;
    return 0;
}
