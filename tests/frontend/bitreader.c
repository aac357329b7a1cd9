#include "bitreader.h"

size_t fe_rbsp_unescape(const uint8_t *nal, size_t size, uint8_t *out)
{
    size_t n = 0, zeros = 0;

    for (size_t i = 0; i < size; i++) {
        /* 00 00 03 xx: the 03 was inserted by the encoder, drop it. */
        if (zeros >= 2 && nal[i] == 3) {
            zeros = 0;
            continue;
        }
        zeros = nal[i] == 0 ? zeros + 1 : 0;
        out[n++] = nal[i];
    }
    return n;
}

void fe_bits_init(struct fe_bits *b, const uint8_t *rbsp, size_t size)
{
    b->data = rbsp;
    b->size = size;
    b->pos = 0;
    b->overrun = false;
}

static unsigned read_bit(struct fe_bits *b)
{
    if (b->pos >= b->size * 8) {
        b->overrun = true;
        return 0;
    }
    unsigned bit = (b->data[b->pos >> 3] >> (7 - (b->pos & 7))) & 1;
    b->pos++;
    return bit;
}

uint32_t fe_bits_u(struct fe_bits *b, unsigned n)
{
    uint32_t v = 0;

    for (unsigned i = 0; i < n; i++)
        v = (v << 1) | read_bit(b);
    return v;
}

bool fe_bits_flag(struct fe_bits *b)
{
    return read_bit(b);
}

uint32_t fe_bits_ue(struct fe_bits *b)
{
    unsigned leading = 0;

    while (!read_bit(b)) {
        if (b->overrun || ++leading > 31) {
            b->overrun = true;
            return 0;
        }
    }
    if (leading == 0)
        return 0;
    return (uint32_t)((1ull << leading) - 1 + fe_bits_u(b, leading));
}

int32_t fe_bits_se(struct fe_bits *b)
{
    uint32_t k = fe_bits_ue(b);

    /* k = 2|v| - (v > 0): odd codes are positive. */
    if (k & 1)
        return (int32_t)((k + 1) / 2);
    return -(int32_t)(k / 2);
}

bool fe_bits_more_rbsp_data(const struct fe_bits *b)
{
    size_t end = b->size;

    /* Trailing zero bytes (cabac_zero_words, padding) are not data. */
    while (end > 0 && b->data[end - 1] == 0)
        end--;
    if (end == 0)
        return false;
    /* The last set bit of the last non-zero byte is rbsp_stop_one_bit. */
    uint8_t last = b->data[end - 1];
    unsigned trailing = 0;
    while (!(last & (1u << trailing)))
        trailing++;
    size_t stop_bit_pos = end * 8 - 1 - trailing;
    return b->pos < stop_bit_pos;
}
