/* nv12_md5 against a hand-packed yuv420p buffer hashed by av_md5_sum. */
#include <stdio.h>
#include <string.h>

#include <libavutil/md5.h>

#include "nv12_md5.h"

int main(void)
{
    enum { PITCH = 12, H = 6 };
    uint8_t y[PITCH * H], uv[PITCH * H / 2];
    /* display rectangle: x 2..6 (5 wide, odd), y 2..4 (3 high, odd) */
    const uint32_t left = 2, top = 2, w = 5, h = 3, cw = 3, ch = 2;
    uint8_t packed[5 * 3 + 2 * 3 * 2], *p = packed;
    uint8_t digest[16];
    char want[33], got[33];

    for (unsigned i = 0; i < sizeof(y); i++)
        y[i] = (uint8_t)(i * 7 + 1);
    for (unsigned i = 0; i < sizeof(uv); i++)
        uv[i] = (uint8_t)(i * 13 + 5);
    for (uint32_t r = 0; r < h; r++)
        for (uint32_t c = 0; c < w; c++)
            *p++ = y[(top + r) * PITCH + left + c];
    for (unsigned plane = 0; plane < 2; plane++)
        for (uint32_t r = 0; r < ch; r++)
            for (uint32_t c = 0; c < cw; c++)
                *p++ = uv[(top / 2 + r) * PITCH + left + 2 * c + plane];
    av_md5_sum(digest, packed, (int)(p - packed));
    for (unsigned i = 0; i < 16; i++)
        snprintf(want + 2 * i, 3, "%02x", digest[i]);

    struct nv12_view v = { .y = y, .uv = uv, .y_pitch = PITCH, .uv_pitch = PITCH,
                           .crop_left = left, .crop_top = top, .width = w, .height = h };
    long size = nv12_md5(&v, got);
    if (size != (long)(p - packed) || strcmp(got, want)) {
        fprintf(stderr, "nv12_md5: size %ld md5 %s, want %ld %s\n", size, got,
                (long)(p - packed), want);
        return 1;
    }
    v.crop_left = 1; /* chroma cannot start mid-pair */
    if (nv12_md5(&v, got) >= 0) {
        fprintf(stderr, "nv12_md5 accepted an odd crop offset\n");
        return 1;
    }
    printf("nv12_md5: ok (%s)\n", got);
    return 0;
}
