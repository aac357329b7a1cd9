#include "nv12_md5.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <libavutil/md5.h>
#include <libavutil/mem.h>

long nv12_md5(const struct nv12_view *v, char md5_hex[33])
{
    uint32_t cw = (v->width + 1) / 2, ch = (v->height + 1) / 2;
    uint8_t digest[16];
    struct AVMD5 *md5;
    uint8_t *row;

    if ((v->crop_left | v->crop_top) & 1)
        return -EINVAL;
    md5 = av_md5_alloc();
    row = malloc(cw ? cw : 1);
    if (!md5 || !row) {
        av_free(md5);
        free(row);
        return -ENOMEM;
    }
    av_md5_init(md5);
    for (uint32_t y = 0; y < v->height; y++)
        av_md5_update(md5, v->y + (size_t)(v->crop_top + y) * v->y_pitch + v->crop_left,
                      v->width);
    /* U is the even, V the odd byte of each interleaved pair. */
    for (unsigned plane = 0; plane < 2; plane++) {
        for (uint32_t y = 0; y < ch; y++) {
            const uint8_t *src = v->uv + (size_t)(v->crop_top / 2 + y) * v->uv_pitch + v->crop_left;
            for (uint32_t x = 0; x < cw; x++)
                row[x] = src[2 * x + plane];
            av_md5_update(md5, row, cw);
        }
    }
    av_md5_final(md5, digest);
    av_free(md5);
    free(row);
    for (unsigned i = 0; i < 16; i++)
        snprintf(md5_hex + 2 * i, 3, "%02x", digest[i]);
    return (long)v->width * v->height + 2L * cw * ch;
}
