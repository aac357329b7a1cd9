/* NV12 picture -> cropped yuv420p -> MD5, as `ffmpeg -f framemd5
 * -pix_fmt yuv420p` hashes a frame (Y, then U, then V, rows packed). */
#ifndef VKV4L2_FE_NV12_MD5_H
#define VKV4L2_FE_NV12_MD5_H

#include <stddef.h>
#include <stdint.h>

struct nv12_view {
    const uint8_t *y, *uv;   /* plane starts */
    uint32_t y_pitch, uv_pitch;
    uint32_t crop_left, crop_top, width, height; /* display rectangle */
};

/* Writes the 32 hex digits and a NUL to md5_hex; returns the yuv420p size
 * hashed, or -ENOMEM / -EINVAL (odd crop offsets). */
long nv12_md5(const struct nv12_view *v, char md5_hex[33]);

#endif
