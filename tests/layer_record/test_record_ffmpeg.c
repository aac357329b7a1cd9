/* Unit test of the command recorder with FFmpeg 7.1's decode recordings:
 * copies survive the app scribbling over and freeing its structs; reset
 * frees everything and record-reset-record cycles hold; long lists grow
 * in few blocks; every allocation failure leaves a sticky error and a
 * list without holes, and the allocator sees every block returned. */
#include <string.h>

#include "app_frames.h"

/* Allocation callbacks that count, and fail the attempt numbered fail_at. */
struct tracker {
    long attempts, allocs, frees, live;
    long fail_at; /* -1: never */
};

static void *VKAPI_PTR tracked_alloc(void *user, size_t size, size_t align,
                                     VkSystemAllocationScope scope)
{
    struct tracker *t = user;
    EXPECT(align == 16);
    EXPECT(scope == VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
    if (t->attempts++ == t->fail_at)
        return NULL;
    void *p = aligned_alloc(16, (size + 15) & ~(size_t)15);
    EXPECT(p);
    t->allocs++;
    t->live++;
    return p;
}

static void *VKAPI_PTR tracked_realloc(void *user, void *orig, size_t size, size_t align,
                                       VkSystemAllocationScope scope)
{
    EXPECT(!"the recorder never reallocates");
    return NULL;
}

static void VKAPI_PTR tracked_free(void *user, void *p)
{
    struct tracker *t = user;
    if (!p)
        return;
    t->frees++;
    t->live--;
    free(p);
}

static VkAllocationCallbacks tracker_callbacks(struct tracker *t)
{
    return (VkAllocationCallbacks){
        .pUserData = t,
        .pfnAllocation = tracked_alloc,
        .pfnReallocation = tracked_realloc,
        .pfnFree = tracked_free,
    };
}

/* decode_reset, then frames with 0, 2 and 16 references (the last also
 * binds the 17th, inactive slot) and 1, 4 and 1 slices. */
static void test_ffmpeg_sequence(void)
{
    static const uint32_t refs[] = { 0, 2, 16 }, slices[] = { 1, 4, 1 };
    struct vkv4l2_cmd_list list;
    vkv4l2_cmd_list_init(&list, NULL);
    EXPECT(list.first == NULL && list.count == 0);

    struct app_h264_frame *app[3];
    EXPECT(app_record_reset(&list, 7) == VK_SUCCESS);
    for (int i = 0; i < 3; i++) {
        app[i] = app_h264_frame_new(100 + i, refs[i], slices[i]);
        EXPECT(app_h264_frame_record(&list, app[i]) == VK_SUCCESS);
    }
    EXPECT(list.count == APP_RESET_CMDS + 3 * APP_FRAME_CMDS);
    EXPECT(vkv4l2_cmd_list_status(&list) == VK_SUCCESS);
    EXPECT(list.dropped_struct_count == 0);

    /* Scribbled but still mapped: a copy that aliased the app's memory
     * would now read 0xa5 instead of the values rebuilt below. */
    uint32_t *slice_mem[3];
    for (int i = 0; i < 3; i++) {
        slice_mem[i] = app[i]->slice_off;
        app_h264_frame_scribble(app[i]);
    }
    for (int pass = 0; pass < 2; pass++) {
        const struct vkv4l2_cmd *c = app_check_reset(list.first, 7);
        for (int i = 0; i < 3; i++) {
            struct app_h264_frame *want = app_h264_frame_new(100 + i, refs[i], slices[i]);
            c = app_h264_frame_check(c, want);
            app_h264_frame_free(want);
        }
        EXPECT(c == NULL);
        /* Second pass after the originals are gone (ASan sees any read). */
        if (pass == 0)
            for (int i = 0; i < 3; i++) {
                free(slice_mem[i]);
                free(app[i]);
            }
    }

    unsigned n = 0;
    vkv4l2_cmd_list_foreach(cmd, &list) {
        EXPECT(cmd->type < VKV4L2_CMD_TYPE_COUNT);
        EXPECT(strncmp(vkv4l2_cmd_type_name(cmd->type), "vkCmd", 5) == 0);
        n++;
    }
    EXPECT(n == list.count);
    vkv4l2_cmd_list_fini(&list);
}

static void test_reset_cycles(void)
{
    struct tracker t = { .fail_at = -1 };
    VkAllocationCallbacks cb = tracker_callbacks(&t);
    struct vkv4l2_cmd_list list;
    vkv4l2_cmd_list_init(&list, &cb);

    for (uint32_t cycle = 0; cycle < 200; cycle++) {
        uint32_t frames = cycle % 5 + 1;
        for (uint32_t i = 0; i < frames; i++) {
            uint32_t seed = cycle * 10 + i;
            struct app_h264_frame *f = app_h264_frame_new(seed, seed % 17, 1 + seed % 9);
            EXPECT(app_h264_frame_record(&list, f) == VK_SUCCESS);
            app_h264_frame_free(f);
        }
        EXPECT(list.count == frames * APP_FRAME_CMDS);
        const struct vkv4l2_cmd *c = list.first;
        for (uint32_t i = 0; i < frames; i++) {
            uint32_t seed = cycle * 10 + i;
            struct app_h264_frame *want = app_h264_frame_new(seed, seed % 17, 1 + seed % 9);
            c = app_h264_frame_check(c, want);
            app_h264_frame_free(want);
        }
        EXPECT(c == NULL);
        EXPECT(t.live > 0);

        vkv4l2_cmd_list_reset(&list);
        EXPECT(t.live == 0);
        EXPECT(list.first == NULL && list.last == NULL && list.count == 0);
        EXPECT(vkv4l2_cmd_list_status(&list) == VK_SUCCESS);
    }
    /* One-time-submit style: reset without having recorded anything. */
    vkv4l2_cmd_list_reset(&list);
    vkv4l2_cmd_list_fini(&list);
    EXPECT(t.live == 0 && t.allocs == t.frees);
}

static void test_growth(void)
{
    enum { FRAMES = 3000, HUGE_SLICES = 100000 };
    struct tracker t = { .fail_at = -1 };
    VkAllocationCallbacks cb = tracker_callbacks(&t);
    struct vkv4l2_cmd_list list;
    vkv4l2_cmd_list_init(&list, &cb);

    for (uint32_t seed = 0; seed < FRAMES; seed++) {
        uint32_t slices = seed == FRAMES / 2 ? HUGE_SLICES : 1 + seed * 37 % 300;
        struct app_h264_frame *f = app_h264_frame_new(seed, seed % 17, slices);
        EXPECT(app_h264_frame_record(&list, f) == VK_SUCCESS);
        app_h264_frame_free(f);
    }
    EXPECT(list.count == FRAMES * APP_FRAME_CMDS);
    /* Blocks are shared by many commands (and grow), so allocator calls
     * stay far below the command count. */
    EXPECT(t.allocs * 20 < (long)list.count);

    const struct vkv4l2_cmd *c = list.first;
    for (uint32_t seed = 0; seed < FRAMES; seed++) {
        uint32_t slices = seed == FRAMES / 2 ? HUGE_SLICES : 1 + seed * 37 % 300;
        struct app_h264_frame *want = app_h264_frame_new(seed, seed % 17, slices);
        c = app_h264_frame_check(c, want);
        app_h264_frame_free(want);
    }
    EXPECT(c == NULL);
    vkv4l2_cmd_list_fini(&list);
    EXPECT(t.live == 0);
}

/* The OOM sequence: a reset and three frames, the middle one with a slice
 * table bigger than any block, so failures land inside a decode copy. */
#define OOM_FRAMES 3
static const uint32_t oom_refs[OOM_FRAMES] = { 3, 16, 1 };
static const uint32_t oom_slices[OOM_FRAMES] = { 2, 40000, 5 };

static VkResult record_oom_sequence(struct vkv4l2_cmd_list *list)
{
    VkResult first = app_record_reset(list, 3);
    for (int i = 0; i < OOM_FRAMES; i++) {
        struct app_h264_frame *f = app_h264_frame_new(500 + i, oom_refs[i], oom_slices[i]);
        VkResult r = app_h264_frame_record(list, f);
        app_h264_frame_free(f);
        if (first == VK_SUCCESS)
            first = r;
    }
    return first;
}

/* Checks the first list->count commands, which must be a prefix of the
 * sequence: whole units deep, a partial frame by command types. */
static void check_oom_prefix(const struct vkv4l2_cmd_list *list,
                             const struct vkv4l2_cmd_list *reference)
{
    uint32_t n = list->count;
    const struct vkv4l2_cmd *c = list->first, *r = reference->first;
    for (uint32_t i = 0; i < n; i++, c = c->next, r = r->next) {
        EXPECT(c && r);
        EXPECT(c->type == r->type);
    }
    EXPECT(c == NULL);
    EXPECT(n < reference->count);

    if (n < APP_RESET_CMDS)
        return;
    c = app_check_reset(list->first, 3);
    for (uint32_t i = 0; i < OOM_FRAMES && n >= APP_RESET_CMDS + (i + 1) * APP_FRAME_CMDS; i++) {
        struct app_h264_frame *want = app_h264_frame_new(500 + i, oom_refs[i], oom_slices[i]);
        c = app_h264_frame_check(c, want);
        app_h264_frame_free(want);
    }
}

static void test_oom(void)
{
    struct vkv4l2_cmd_list reference;
    vkv4l2_cmd_list_init(&reference, NULL);
    EXPECT(record_oom_sequence(&reference) == VK_SUCCESS);

    long failure_points = 0;
    for (long fail_at = 0;; fail_at++) {
        struct tracker t = { .fail_at = fail_at };
        VkAllocationCallbacks cb = tracker_callbacks(&t);
        struct vkv4l2_cmd_list list;
        vkv4l2_cmd_list_init(&list, &cb);

        VkResult r = record_oom_sequence(&list);
        if (t.attempts <= fail_at) {
            /* The whole sequence fit before the injected failure: done. */
            EXPECT(r == VK_SUCCESS && list.count == reference.count);
            vkv4l2_cmd_list_fini(&list);
            EXPECT(t.live == 0);
            break;
        }
        failure_points++;
        EXPECT(r == VK_ERROR_OUT_OF_HOST_MEMORY);
        EXPECT(vkv4l2_cmd_list_status(&list) == VK_ERROR_OUT_OF_HOST_MEMORY);
        check_oom_prefix(&list, &reference);

        /* Sticky: later appends fail and add nothing, though memory is
         * back, and a failed list asks the allocator for nothing more. */
        uint32_t count = list.count;
        long attempts = t.attempts;
        struct app_h264_frame *f = app_h264_frame_new(1, 16, 70000);
        EXPECT(app_h264_frame_record(&list, f) == VK_ERROR_OUT_OF_HOST_MEMORY);
        app_h264_frame_free(f);
        EXPECT(vkv4l2_record_end_debug_label(&list) == VK_ERROR_OUT_OF_HOST_MEMORY);
        EXPECT(list.count == count && t.attempts == attempts);

        /* Reset recovers: nothing held, and a full re-record works. */
        vkv4l2_cmd_list_reset(&list);
        EXPECT(t.live == 0);
        EXPECT(vkv4l2_cmd_list_status(&list) == VK_SUCCESS);
        EXPECT(record_oom_sequence(&list) == VK_SUCCESS);
        EXPECT(list.count == reference.count);
        vkv4l2_cmd_list_fini(&list);
        EXPECT(t.live == 0 && t.allocs == t.frees);
    }
    /* The first block, the slice table's own block, and the later ones. */
    EXPECT(failure_points >= 3);
    vkv4l2_cmd_list_fini(&reference);
}

int main(void)
{
    test_ffmpeg_sequence();
    test_reset_cycles();
    test_growth();
    test_oom();
    printf("ok\n");
    return 0;
}
