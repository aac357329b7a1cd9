/* Timestamps between our u64 nanoseconds and the v4l2_buffer timeval.
 *
 * vb2 reads a queued buffer's timestamp as tv_sec * 1e9 + tv_usec * 1000
 * (v4l2_buffer_get_timestamp) and the codec controls' reference_ts must
 * equal that value, so only multiples of 1000 ns survive the round trip. */
#ifndef VKV4L2_V4L2_TIMESTAMP_H
#define VKV4L2_V4L2_TIMESTAMP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

static inline bool vkv4l2_timestamp_representable(uint64_t ns)
{
    return ns % 1000 == 0;
}

static inline struct timeval vkv4l2_ns_to_timeval(uint64_t ns)
{
    struct timeval tv;
    tv.tv_sec = (time_t)(ns / 1000000000ull);
    tv.tv_usec = (suseconds_t)((ns % 1000000000ull) / 1000);
    return tv;
}

/* Like vb2: tv_usec read as u32 (32-bit user space may leave junk above). */
static inline uint64_t vkv4l2_timeval_to_ns(const struct timeval *tv)
{
    return (uint64_t)tv->tv_sec * 1000000000ull + (uint64_t)(uint32_t)tv->tv_usec * 1000ull;
}

#endif
