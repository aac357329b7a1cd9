/* Shared fixture of the device tests: find an H.264 decoder through
 * discovery + probing, derive a stream config and an extent from what the
 * device reports, and build a minimal valid H.264 control set (baseline,
 * 4:2:0, 8-bit; IDR then P frames each referencing the previous one by
 * timestamp).  Nothing device-specific is assumed. */
#ifndef VKV4L2_TEST_DEVTEST_H
#define VKV4L2_TEST_DEVTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture_alloc.h"
#include "discover.h"
#include "probe.h"
#include "session.h"

/* Exit status meson counts as SKIP (never as a pass). */
#define DEVTEST_SKIP 77

struct devtest {
    struct vkv4l2_decoder_node node;
    struct vkv4l2_probe_result probe;
    const struct vkv4l2_decoder_caps *h264;
    uint32_t width, height; /* a small extent inside the device's limits */
};

/* Returns 0, or the exit status the test should end with: DEVTEST_SKIP when
 * no emulator is configured and the machine has no H.264 decoder, 1 when
 * discovery or probing fails otherwise. */
int devtest_init(struct devtest *t);

void devtest_stream_config(const struct devtest *t, struct vkv4l2_stream_config *cfg);
void devtest_session_params(const struct devtest *t, struct vkv4l2_session_params *p);

struct devtest_frame {
    struct v4l2_ctrl_h264_sps sps;
    struct v4l2_ctrl_h264_pps pps;
    struct v4l2_ctrl_h264_decode_params dp;
    struct v4l2_ext_control ctrls[3];
};

/* Frame number n of a stream (n == 0: IDR); ref_ts is the previous frame's
 * timestamp (ignored for n == 0). */
void devtest_frame(const struct devtest *t, struct devtest_frame *f, unsigned n, uint64_t ref_ts);

/* A small Annex-B slice NAL (content matters only to a real decoder). */
const uint8_t *devtest_bitstream(bool idr, size_t *size);

/* Timestamp of frame n: whole microseconds, not whole milliseconds, so a
 * conversion that drops or rounds anything shows up. */
static inline uint64_t devtest_ts(unsigned n)
{
    return 1000000000ull + (uint64_t)n * 33367000ull;
}

/* Fills a dma-buf with byte b / reports whether its first `len` bytes still
 * all equal b (mmap of the real fd: dma-bufs are real fds in both worlds). */
int devtest_fill(int fd, size_t len, uint8_t b);
int devtest_untouched(int fd, size_t len, uint8_t b);

#endif
