/* In-flight book-keeping: stable CAPTURE indices, flow control, matching of
 * completions that arrive in any order; timestamp and size helpers. */
#include <errno.h>

#include "check.h"
#include "format.h"
#include "inflight.h"
#include "timestamp.h"

static void test_capture_indices(void)
{
    struct vkv4l2_inflight t;
    vkv4l2_inflight_init(&t, 2, 3);
    unsigned a, b, a2, c, d;
    CHECK_EQ(vkv4l2_inflight_capture_index(&t, 1, 100, NULL, 0, &a), 0);
    CHECK_EQ(vkv4l2_inflight_capture_index(&t, 1, 101, NULL, 0, &b), 0);
    CHECK(a != b);
    CHECK_EQ(vkv4l2_inflight_capture_index(&t, 1, 100, NULL, 0, &a2), 0);
    CHECK_EQ(a, a2); /* same dma-buf, same index while cached */
    /* Same inode on another filesystem is another buffer. */
    CHECK_EQ(vkv4l2_inflight_capture_index(&t, 2, 100, NULL, 0, &c), 0);
    CHECK(c != a && c != b);
    CHECK_EQ(vkv4l2_inflight_capture_forget(&t, 1, 101), 0);
    CHECK_EQ(vkv4l2_inflight_capture_forget(&t, 1, 101), -ENOENT);
    CHECK_EQ(vkv4l2_inflight_capture_index(&t, 1, 102, NULL, 0, &d), 0);
    CHECK_EQ(d, b); /* the freed index is reused */
    /* Forgetting a buffer in flight is refused. */
    int slot = vkv4l2_inflight_reserve(&t, a, 1000, 0);
    CHECK(slot >= 0);
    CHECK_EQ(vkv4l2_inflight_capture_forget(&t, 1, 100), -EBUSY);
    /* A fourth dma-buf: the least recently used index not in flight (c,
     * then d; a is in flight) goes to it. */
    unsigned e;
    CHECK_EQ(vkv4l2_inflight_capture_index(&t, 1, 103, NULL, 0, &e), 0);
    CHECK_EQ(e, c);
    /* The job's commit gives its index the job's timestamp. */
    vkv4l2_inflight_commit(&t, (unsigned)slot);
    CHECK_EQ(vkv4l2_capture_cache_find_ts(&t.captures, 1000), (int)a);
}

static void test_flow_control(void)
{
    struct vkv4l2_inflight t;
    vkv4l2_inflight_init(&t, 2, 4);
    unsigned c0, c1, c2;
    vkv4l2_inflight_capture_index(&t, 0, 10, NULL, 0, &c0);
    vkv4l2_inflight_capture_index(&t, 0, 11, NULL, 0, &c1);
    vkv4l2_inflight_capture_index(&t, 0, 12, NULL, 0, &c2);
    int s0 = vkv4l2_inflight_reserve(&t, c0, 1000, 7);
    CHECK(s0 >= 0);
    CHECK_EQ(vkv4l2_inflight_reserve(&t, c0, 2000, 0), -EBUSY);  /* same CAPTURE */
    CHECK_EQ(vkv4l2_inflight_reserve(&t, c1, 1000, 0), -EEXIST); /* same timestamp */
    int s1 = vkv4l2_inflight_reserve(&t, c1, 2000, 8);
    CHECK(s1 >= 0 && s1 != s0);
    CHECK_EQ(vkv4l2_inflight_reserve(&t, c2, 3000, 0), -EAGAIN); /* slots full */
    CHECK_EQ(vkv4l2_inflight_count(&t), 0); /* reserved, not committed */
    vkv4l2_inflight_commit(&t, (unsigned)s0);
    CHECK_EQ(vkv4l2_inflight_count(&t), 1);
    /* A failed submission gives both the slot and the CAPTURE back. */
    vkv4l2_inflight_cancel(&t, (unsigned)s1);
    int s2 = vkv4l2_inflight_reserve(&t, c1, 3000, 0);
    CHECK_EQ(s2, s1);
    CHECK_EQ(vkv4l2_inflight_reserve(&t, 9, 4000, 0), -EINVAL); /* unbound index */
}

/* Three jobs; the kernel returns buffers and requests out of order. */
static void test_out_of_order(void)
{
    struct vkv4l2_inflight t;
    vkv4l2_inflight_init(&t, 4, 8);
    unsigned cap[3];
    int slot[3];
    for (unsigned i = 0; i < 3; i++) {
        vkv4l2_inflight_capture_index(&t, 0, 50 + i, NULL, 0, &cap[i]);
        slot[i] = vkv4l2_inflight_reserve(&t, cap[i], (i + 1) * 1000ull, 100 + i);
        CHECK(slot[i] >= 0);
        vkv4l2_inflight_commit(&t, (unsigned)slot[i]);
    }
    struct vkv4l2_decode_result r;
    CHECK_EQ(vkv4l2_inflight_take_finished(&t, &r), -EAGAIN);

    /* Job 2 completes entirely first, job 0 partially. */
    CHECK_EQ(vkv4l2_inflight_capture_done(&t, cap[2], 3000, false), 0);
    CHECK_EQ(vkv4l2_inflight_output_done(&t, (unsigned)slot[0], false), 0);
    CHECK_EQ(vkv4l2_inflight_output_done(&t, (unsigned)slot[2], false), 0);
    CHECK_EQ(vkv4l2_inflight_take_finished(&t, &r), -EAGAIN); /* request 2 not done */
    vkv4l2_inflight_request_done(&t, (unsigned)slot[2]);
    CHECK_EQ(vkv4l2_inflight_take_finished(&t, &r), slot[2]);
    CHECK_EQ(r.timestamp_ns, 3000);
    CHECK_EQ(r.user_data, 102);
    CHECK_EQ(r.capture_index, cap[2]);
    CHECK_EQ(r.status, 0);
    CHECK_EQ(vkv4l2_inflight_count(&t), 2);

    /* Duplicates and strangers are refused. */
    CHECK_EQ(vkv4l2_inflight_output_done(&t, (unsigned)slot[0], false), -ENOENT);
    CHECK_EQ(vkv4l2_inflight_output_done(&t, (unsigned)slot[2], false), -ENOENT);
    CHECK_EQ(vkv4l2_inflight_capture_done(&t, cap[2], 3000, false), -ENOENT);
    CHECK_EQ(vkv4l2_inflight_output_done(&t, 42, false), -ENOENT);

    /* Jobs 0 and 1 both finish: the older one is returned first; job 1
     * carries a driver error, job 0 came back with a foreign timestamp. */
    CHECK_EQ(vkv4l2_inflight_capture_done(&t, cap[1], 2000, true), 0);
    CHECK_EQ(vkv4l2_inflight_output_done(&t, (unsigned)slot[1], true), 0);
    vkv4l2_inflight_request_done(&t, (unsigned)slot[1]);
    CHECK_EQ(vkv4l2_inflight_capture_done(&t, cap[0], 9000, false), 0);
    vkv4l2_inflight_request_done(&t, (unsigned)slot[0]);
    CHECK_EQ(vkv4l2_inflight_take_finished(&t, &r), slot[0]);
    CHECK_EQ(r.timestamp_ns, 1000);
    CHECK_EQ(r.status, -EPROTO);
    CHECK_EQ(vkv4l2_inflight_take_finished(&t, &r), slot[1]);
    CHECK_EQ(r.timestamp_ns, 2000);
    CHECK_EQ(r.user_data, 101);
    CHECK_EQ(r.status, -EIO);
    CHECK_EQ(vkv4l2_inflight_take_finished(&t, &r), -EAGAIN);
    CHECK_EQ(vkv4l2_inflight_count(&t), 0);

    /* Every CAPTURE buffer is free again. */
    for (unsigned i = 0; i < 3; i++) {
        int s = vkv4l2_inflight_reserve(&t, cap[i], 10000 + i * 1000ull, 0);
        CHECK(s >= 0);
    }
}

static void test_timestamps(void)
{
    CHECK(vkv4l2_timestamp_representable(0));
    CHECK(vkv4l2_timestamp_representable(33366000));
    CHECK(!vkv4l2_timestamp_representable(33366667));
    uint64_t samples[] = {0, 1000, 999999000, 1000000000, 3600ull * 1000000000 + 42000,
                          (1ull << 40) * 1000};
    for (unsigned i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        struct timeval tv = vkv4l2_ns_to_timeval(samples[i]);
        CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
        CHECK(vkv4l2_timeval_to_ns(&tv) == samples[i]);
    }
    struct timeval tv = vkv4l2_ns_to_timeval(1500000000);
    CHECK_EQ(tv.tv_sec, 1);
    CHECK_EQ(tv.tv_usec, 500000);
}

static void test_bitstream_size(void)
{
    CHECK_EQ(vkv4l2_bitstream_size(16, 16), 256 * 1024);
    uint32_t s = vkv4l2_bitstream_size(1920, 1088);
    CHECK(s >= 1920u * 1088 * 3 / 4);
    CHECK_EQ(s % 4096, 0);
    CHECK(vkv4l2_bitstream_size(4096, 2304) > s);
}

/* The references a job names: the VALID DPB entries of its H.264 decode
 * parameters, whatever else the control array holds. */
static void test_job_refs(void)
{
    static struct v4l2_ctrl_h264_decode_params dp;
    dp.dpb[0] = (struct v4l2_h264_dpb_entry){ .reference_ts = 5000,
                                              .flags = V4L2_H264_DPB_ENTRY_FLAG_VALID };
    dp.dpb[3] = (struct v4l2_h264_dpb_entry){ .reference_ts = 7000,
        .flags = V4L2_H264_DPB_ENTRY_FLAG_VALID | V4L2_H264_DPB_ENTRY_FLAG_ACTIVE };
    dp.dpb[4] = (struct v4l2_h264_dpb_entry){ .reference_ts = 9000 }; /* not valid */
    static struct v4l2_ctrl_h264_sps sps;
    struct v4l2_ext_control ctrls[2] = {
        { .id = V4L2_CID_STATELESS_H264_SPS, .size = sizeof(sps), .ptr = &sps },
        { .id = V4L2_CID_STATELESS_H264_DECODE_PARAMS, .size = sizeof(dp), .ptr = &dp },
    };
    struct vkv4l2_decode_job job = { .ctrls = ctrls, .n_ctrls = 2 };
    uint64_t ts[16];
    CHECK_EQ(vkv4l2_decode_job_refs(&job, ts, 16), 2);
    CHECK_EQ(ts[0], 5000);
    CHECK_EQ(ts[1], 7000);
    CHECK_EQ(vkv4l2_decode_job_refs(&job, ts, 1), 1); /* bounded by max */
    ctrls[1].size = sizeof(dp) - 1; /* a short payload is not read */
    CHECK_EQ(vkv4l2_decode_job_refs(&job, ts, 16), 0);
}

int main(void)
{
    test_job_refs();
    test_capture_indices();
    test_flow_control();
    test_out_of_order();
    test_timestamps();
    test_bitstream_size();
    return check_result("test_inflight");
}
