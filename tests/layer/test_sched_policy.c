/* Unit tests of the decode queue's scheduling policy (layer/sched_policy.c):
 * the submission orders FFmpeg's frame threads produce, as data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched_policy.h"

static int failures;
#define EXPECT(cond)                                                                     \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);          \
            failures++;                                                                  \
        }                                                                                \
    } while (0)

#define SESSION ((const void *)0x5e55)
#define SEM(n) ((VkSemaphore)(uintptr_t)(0x1000 + (n)))

/* The fake world: which picture each buffer holds, semaphore counters,
 * buffers with GPU readers. */
struct world {
    struct {
        uint64_t buffer, tag;
        bool failed;
    } held[16];
    unsigned nheld;
    uint64_t counter[16];
    uint64_t busy_buffer;
};

static bool w_holds(void *ctx, const void *session, uint64_t buffer, uint64_t *tag, bool *failed)
{
    struct world *w = ctx;
    if (session != SESSION)
        return false;
    for (unsigned i = 0; i < w->nheld; i++) {
        if (w->held[i].buffer == buffer) {
            *tag = w->held[i].tag;
            *failed = w->held[i].failed;
            return true;
        }
    }
    return false;
}

static bool w_wait_satisfied(void *ctx, const struct vkv4l2_sched_op *op)
{
    struct world *w = ctx;
    return w->counter[(uintptr_t)op->semaphore - 0x1000] >= op->value;
}

static bool w_targets_idle(void *ctx, const struct vkv4l2_sched_sub *sub)
{
    struct world *w = ctx;
    for (uint32_t k = 0; k < sub->ndecodes; k++) {
        if (sub->decodes[k].target.buffer == w->busy_buffer)
            return false;
    }
    return true;
}

static void hold(struct world *w, uint64_t buffer, uint64_t tag, bool failed)
{
    for (unsigned i = 0; i < w->nheld; i++) {
        if (w->held[i].buffer == buffer) {
            w->held[i].tag = tag;
            w->held[i].failed = failed;
            return;
        }
    }
    w->held[w->nheld].buffer = buffer;
    w->held[w->nheld].tag = tag;
    w->held[w->nheld++].failed = failed;
}

/* A submission: one decode of `tag` into `buffer` reading refs, FFmpeg-style
 * wait v / signal v+1 on the given semaphores. */
struct sub {
    struct vkv4l2_sched_sub s;
    struct vkv4l2_plan_decode d;
    struct vkv4l2_sched_op waits[4], signals[4];
};

static void make(struct sub *x, uint64_t seq, uint64_t buffer, uint64_t tag, unsigned nrefs,
                 const uint64_t *refs /* buffer, tag pairs */, unsigned nsem,
                 const unsigned *sem, const uint64_t *wait_value)
{
    memset(x, 0, sizeof(*x));
    x->d.session = SESSION;
    x->d.target = (struct vkv4l2_pic){ buffer, tag };
    x->d.nrefs = nrefs;
    for (unsigned r = 0; r < nrefs; r++)
        x->d.refs[r] = (struct vkv4l2_pic){ refs[2 * r], refs[2 * r + 1] };
    for (unsigned i = 0; i < nsem; i++) {
        x->waits[i] = (struct vkv4l2_sched_op){ SEM(sem[i]), wait_value[i], true, false };
        x->signals[i] = (struct vkv4l2_sched_op){ SEM(sem[i]), wait_value[i] + 1, true, false };
    }
    x->s = (struct vkv4l2_sched_sub){
        .seq = seq, .nwaits = nsem, .nsignals = nsem, .ndecodes = 1,
        .waits = x->waits, .signals = x->signals, .decodes = &x->d,
    };
}

static struct vkv4l2_sched_world world_of(struct world *w)
{
    return (struct vkv4l2_sched_world){ w, w_holds, w_wait_satisfied, w_targets_idle };
}

static struct vkv4l2_sched_timing timing_at(uint64_t now)
{
    return (struct vkv4l2_sched_timing){ now, 200000000ull, 5000000000ull };
}

/* MR2_TANDBERG_E's start: the readers of the IDR picture lock its frame
 * (timeline values 1->2, 2->3) before the IDR's own thread (3->4). */
static void test_reader_before_producer(void)
{
    struct world w = { 0 };
    w.counter[0] = 1; /* the IDR frame's semaphore after FFmpeg's layout transition */
    w.counter[1] = w.counter[2] = 1;
    struct sub r1, r2, idr;
    const uint64_t ref_idr[] = { 10, 0 };
    make(&r1, 2, 11, 2, 1, ref_idr, 2, (unsigned[]){ 1, 0 }, (uint64_t[]){ 1, 1 });
    make(&r2, 3, 12, 4, 1, ref_idr, 2, (unsigned[]){ 2, 0 }, (uint64_t[]){ 1, 2 });
    make(&idr, 4, 10, 0, 0, NULL, 1, (unsigned[]){ 0 }, (uint64_t[]){ 3 });
    const struct vkv4l2_sched_sub *pending[] = { &r1.s, &r2.s, &idr.s };
    struct vkv4l2_sched_world world = world_of(&w);
    uint64_t since[3] = { 0 };
    bool late;
    struct vkv4l2_sched_timing t = timing_at(1000);

    EXPECT(vkv4l2_sched_assess(pending, 3, 0, pending, 3, &world) == VKV4L2_SCHED_WAIT_DATA);
    /* The IDR's wait (value 3) is signalled by r2: a hint. */
    EXPECT(vkv4l2_sched_wait_is_hint(&idr.waits[0], &idr.s, pending, 3));
    EXPECT(vkv4l2_sched_pick(pending, 3, pending, 3, &world, &t, since, &late) == 2 && !late);

    /* The IDR is queued: the readers go, in arrival order. */
    idr.s.started = true;
    hold(&w, 10, 0, false);
    const struct vkv4l2_sched_sub *rest[] = { &r1.s, &r2.s };
    const struct vkv4l2_sched_sub *all[] = { &r1.s, &r2.s, &idr.s };
    EXPECT(vkv4l2_sched_pick(rest, 2, all, 3, &world, &t, since, &late) == 0);

    /* The IDR finished first: its signal (value 4) passes over the readers'
     * lower values only while they have not started. */
    EXPECT(vkv4l2_sched_signal_ready(&idr.s, 0, all, 3));
    r1.s.started = true;
    EXPECT(!vkv4l2_sched_signal_ready(&idr.s, 0, all, 3));
    r1.signals[1].done = true;
    EXPECT(vkv4l2_sched_signal_ready(&idr.s, 0, all, 3));
}

/* The example: frame_num 23 arrives, then 21, then 22 (22 reads 21,
 * 23 reads 21 and 22; 22 waits for a value 21 signals). */
static void test_tandberg_23_21_22(void)
{
    struct world w = { 0 };
    for (int i = 0; i < 8; i++)
        w.counter[i] = 5;
    hold(&w, 20, 40, false); /* frame_num 20, decoded */
    struct sub f23, f21, f22;
    make(&f23, 1, 23, 46, 2, (uint64_t[]){ 21, 42, 22, 44 }, 3, (unsigned[]){ 3, 1, 2 },
         (uint64_t[]){ 5, 6, 6 });
    make(&f21, 2, 21, 42, 1, (uint64_t[]){ 20, 40 }, 2, (unsigned[]){ 1, 0 },
         (uint64_t[]){ 5, 5 });
    make(&f22, 3, 22, 44, 1, (uint64_t[]){ 21, 42 }, 2, (unsigned[]){ 2, 1 },
         (uint64_t[]){ 5, 7 });
    const struct vkv4l2_sched_sub *all[] = { &f23.s, &f21.s, &f22.s };
    struct vkv4l2_sched_world world = world_of(&w);
    uint64_t since[3] = { 0 };
    bool late;
    struct vkv4l2_sched_timing t = timing_at(1000);

    EXPECT(vkv4l2_sched_pick(all, 3, all, 3, &world, &t, since, &late) == 1);
    f21.s.started = true;
    hold(&w, 21, 42, false);
    const struct vkv4l2_sched_sub *p2[] = { &f23.s, &f22.s };
    /* 22 waits for value 7 of semaphore 1, which 23 signals: a hint, so
     * it does not wait for 23 (which needs 22's picture). */
    EXPECT(vkv4l2_sched_pick(p2, 2, all, 3, &world, &t, since, &late) == 1 && !late);
    f22.s.started = true;
    hold(&w, 22, 44, false);
    const struct vkv4l2_sched_sub *p3[] = { &f23.s };
    EXPECT(vkv4l2_sched_pick(p3, 1, all, 3, &world, &t, since, &late) == 0 && !late);
}

/* A reference whose producer failed fails its readers at once. */
static void test_failed_producer(void)
{
    struct world w = { 0 };
    hold(&w, 30, 8, true);
    struct sub r;
    make(&r, 1, 31, 10, 1, (uint64_t[]){ 30, 8 }, 0, NULL, NULL);
    const struct vkv4l2_sched_sub *p[] = { &r.s };
    struct vkv4l2_sched_world world = world_of(&w);
    EXPECT(vkv4l2_sched_assess(p, 1, 0, p, 1, &world) == VKV4L2_SCHED_RUN_FAILING);
}

/* A reference nobody submitted: waits, then runs late (and fails). */
static void test_missing_reference_times_out(void)
{
    struct world w = { 0 };
    struct sub r;
    make(&r, 1, 31, 10, 1, (uint64_t[]){ 30, 8 }, 0, NULL, NULL);
    const struct vkv4l2_sched_sub *p[] = { &r.s };
    struct vkv4l2_sched_world world = world_of(&w);
    uint64_t since[1] = { 0 };
    bool late;
    struct vkv4l2_sched_timing t = timing_at(1000);
    EXPECT(vkv4l2_sched_pick(p, 1, p, 1, &world, &t, since, &late) == -1);
    t.now_ns = 1000 + 199000000ull;
    EXPECT(vkv4l2_sched_pick(p, 1, p, 1, &world, &t, since, &late) == -1);
    t.now_ns = 1000 + 200000000ull;
    EXPECT(vkv4l2_sched_pick(p, 1, p, 1, &world, &t, since, &late) == 0 && late);
}

/* The application's own waits are honoured and never time out. */
static void test_external_wait(void)
{
    struct world w = { 0 };
    struct sub s;
    make(&s, 1, 31, 10, 0, NULL, 1, (unsigned[]){ 5 }, (uint64_t[]){ 3 });
    const struct vkv4l2_sched_sub *p[] = { &s.s };
    struct vkv4l2_sched_world world = world_of(&w);
    uint64_t since[1] = { 0 };
    bool late;
    struct vkv4l2_sched_timing t = timing_at(1000);
    EXPECT(vkv4l2_sched_assess(p, 1, 0, p, 1, &world) == VKV4L2_SCHED_WAIT_EXTERNAL);
    t.now_ns = 100000000000ull;
    EXPECT(vkv4l2_sched_pick(p, 1, p, 1, &world, &t, since, &late) == -1);
    w.counter[5] = 3;
    EXPECT(vkv4l2_sched_pick(p, 1, p, 1, &world, &t, since, &late) == 0 && !late);
}

/* WAR: a buffer is not overwritten while a pending submission still reads
 * the picture in it; WAW: writes of one buffer in arrival order. */
static void test_war_waw(void)
{
    struct world w = { 0 };
    hold(&w, 40, 2, false);
    struct sub writer, reader, writer2;
    make(&writer, 1, 40, 6, 0, NULL, 0, NULL, NULL);
    make(&reader, 2, 41, 4, 1, (uint64_t[]){ 40, 2 }, 0, NULL, NULL);
    make(&writer2, 3, 40, 8, 0, NULL, 0, NULL, NULL);
    const struct vkv4l2_sched_sub *p[] = { &writer.s, &reader.s, &writer2.s };
    struct vkv4l2_sched_world world = world_of(&w);
    EXPECT(vkv4l2_sched_assess(p, 3, 0, p, 3, &world) == VKV4L2_SCHED_WAIT_DATA);
    EXPECT(vkv4l2_sched_assess(p, 3, 1, p, 3, &world) == VKV4L2_SCHED_RUN);
    EXPECT(vkv4l2_sched_assess(p, 3, 2, p, 3, &world) == VKV4L2_SCHED_WAIT_DATA);
    /* GPU readers of a target hold it back (gate timeout, then late). */
    w.busy_buffer = 41;
    EXPECT(vkv4l2_sched_assess(p, 3, 1, p, 3, &world) == VKV4L2_SCHED_WAIT_BUSY);
}

/* The FFmpeg cycle through the application's own transfer: X reads the IDR
 * (value 2->3) and needs Y's picture; the transfer of the IDR waits 3 and
 * signals 4; Y waits 4.  X's signal is released early. */
static void test_early_signal(void)
{
    struct world w = { 0 };
    w.counter[0] = 2;
    w.counter[1] = w.counter[2] = 1;
    hold(&w, 10, 0, false);
    struct sub x, y;
    make(&x, 3, 12, 4, 2, (uint64_t[]){ 11, 2, 10, 0 }, 2, (unsigned[]){ 2, 0 },
         (uint64_t[]){ 1, 2 });
    make(&y, 5, 11, 2, 1, (uint64_t[]){ 10, 0 }, 1, (unsigned[]){ 0 }, (uint64_t[]){ 4 });
    const struct vkv4l2_sched_sub *p[] = { &x.s, &y.s };
    struct vkv4l2_sched_world world = world_of(&w);
    uint64_t since[2] = { 0 };
    bool late;
    struct vkv4l2_sched_timing t = timing_at(1000);
    EXPECT(vkv4l2_sched_pick(p, 2, p, 2, &world, &t, since, &late) == -1);
    t.now_ns = 100000000000ull; /* no timeout can break it */
    EXPECT(vkv4l2_sched_pick(p, 2, p, 2, &world, &t, since, &late) == -1);
    unsigned xi;
    uint32_t k;
    EXPECT(vkv4l2_sched_early_signal(p, 2, p, 2, &world, &xi, &k));
    EXPECT(xi == 0 && x.signals[k].semaphore == SEM(0) && x.signals[k].value == 3);
    /* The transfer runs, Y may start. */
    x.signals[k].done = true;
    w.counter[0] = 4;
    EXPECT(vkv4l2_sched_pick(p, 2, p, 2, &world, &t, since, &late) == 1 && !late);
}

/* Two submissions each waiting for the other's data (no valid stream does
 * this): broken in arrival order after the reorder timeout. */
static void test_data_cycle(void)
{
    struct world w = { 0 };
    struct sub a, b;
    make(&a, 1, 50, 2, 1, (uint64_t[]){ 51, 2 }, 0, NULL, NULL);
    make(&b, 2, 51, 2, 1, (uint64_t[]){ 50, 2 }, 0, NULL, NULL);
    const struct vkv4l2_sched_sub *p[] = { &a.s, &b.s };
    struct vkv4l2_sched_world world = world_of(&w);
    uint64_t since[2] = { 0 };
    bool late;
    struct vkv4l2_sched_timing t = timing_at(1000);
    EXPECT(vkv4l2_sched_pick(p, 2, p, 2, &world, &t, since, &late) == -1);
    t.now_ns += 200000000ull;
    EXPECT(vkv4l2_sched_pick(p, 2, p, 2, &world, &t, since, &late) == 0 && late);
}

int main(void)
{
    test_reader_before_producer();
    test_tandberg_23_21_22();
    test_failed_producer();
    test_missing_reference_times_out();
    test_external_wait();
    test_war_waw();
    test_early_signal();
    test_data_cycle();
    if (failures) {
        fprintf(stderr, "%d expectation(s) failed\n", failures);
        return 1;
    }
    printf("sched_policy: all cases passed\n");
    return 0;
}
