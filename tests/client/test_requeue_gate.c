/* The layer's requeue gate on implicit fences, end to end: a decode into
 * an image whose CAPTURE dma-buf carries an unsignalled (emulated) reader
 * fence must wait — the layer must not queue the buffer — while a decode
 * into another image, on another session, completes; once the fence
 * signals, the held decode completes promptly with the right pixels. */
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "client.h"

#define SEC 1000000000ull

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int check_pixels(struct client_stream *s, int slot, const char *what)
{
    const struct vkv4l2_fe_output o = {
        .slot = slot, .crop_left = s->crop_left, .crop_top = s->crop_top,
        .display_width = s->display_width, .display_height = s->display_height};
    char md5[33];
    int ret = client_readback_md5(s, &o, md5);
    if (ret)
        return ret;
    /* The stream's first picture is an IDR, output first. */
    if (strcmp(md5, s->ref_md5[0]))
        CLIENT_FAIL(-1, "%s: MD5 %s, software decode of frame 0 %s", what, md5, s->ref_md5[0]);
    printf("%s: MD5 %s equals software decode\n", what, md5);
    return 0;
}

static int run(struct client_stream *p, struct client_stream *q, struct client_emu_api *emu)
{
    struct client_picture idr, idr_q;
    struct client_entry *ea, *ea2, *eb;
    int ret;

    /* 1. The IDR into image A (session P), completed. */
    if ((ret = client_stream_next(p, &idr)) || (ret = client_stream_submit(p, &idr, &ea)))
        return ret < 0 ? ret : -1;
    if (client_stream_wait(p, ea->value, 10 * SEC) ||
        client_entry_status(p, ea) != VK_QUERY_RESULT_STATUS_COMPLETE_KHR)
        CLIENT_FAIL(-1, "the first decode did not complete");
    int slot_a = idr.setup_slot, fd_a = p->capture_fd[slot_a];
    if (fd_a < 0)
        CLIENT_FAIL(-1, "no CAPTURE dma-buf found for image A (slot %d)", slot_a);
    unsigned violations = emu->violation_count();

    /* 2. A reader (say, a compositor) still holds A: an unsignalled fence. */
    int fence = emu->fence_attach(fd_a, 0);
    if (fence <= 0)
        CLIENT_FAIL(-1, "fence_attach: %d", fence);

    /* 3. Decode into A again (the IDR once more), then into B (session Q). */
    idr.bits = ea->bitstream_map;
    if ((ret = client_stream_submit(p, &idr, &ea2)))
        return ret;
    double t_submit = now_ms();
    if ((ret = client_stream_next(q, &idr_q)) || (ret = client_stream_submit(q, &idr_q, &eb)))
        return ret < 0 ? ret : -1;

    /* 4. B completes; A does not, and the emulator saw no requeue.  B held
     * up is a failure, but the rest is still checked (and B must complete
     * once A is released). */
    bool b_held = false;
    ret = client_stream_wait(q, eb->value, 1 * SEC);
    if (ret < 0)
        return ret;
    if (ret) {
        fprintf(stderr, "FAIL: B's decode did not complete within 1 s while A was fenced "
                        "(the gate on A holds up another session's decode)\n");
        b_held = true;
    } else {
        int status_b = client_entry_status(q, eb);
        if (status_b != VK_QUERY_RESULT_STATUS_COMPLETE_KHR)
            CLIENT_FAIL(-1, "B's query status %d", status_b);
        printf("B: complete after %.0f ms while A is fenced\n", now_ms() - t_submit);
    }
    double remaining = 300 - (now_ms() - t_submit);
    ret = client_stream_wait(p, ea2->value, remaining > 0 ? (uint64_t)(remaining * 1e6) : 0);
    if (ret < 0)
        return ret;
    if (ret == 0)
        CLIENT_FAIL(-1, "A's decode completed while its dma-buf had an unsignalled fence");
    int status_a = client_entry_status(p, ea2);
    if (status_a != 0)
        CLIENT_FAIL(-1, "A's query is available (%d) while the decode is held", status_a);
    if (emu->violation_count() != violations)
        CLIENT_FAIL(-1, "the emulator recorded %u violation(s)", emu->violation_count() - violations);
    printf("A: not complete %.0f ms after submission, 0 emulator violations\n",
           now_ms() - t_submit);

    /* 5. The reader lets go: A's decode completes promptly. */
    double t_signal = now_ms();
    if ((ret = emu->fence_signal(fence)))
        CLIENT_FAIL(-1, "fence_signal: %d", ret);
    ret = client_stream_wait(p, ea2->value, 2 * SEC);
    if (ret)
        CLIENT_FAIL(-1, "A's decode did not complete within 2 s of the fence signalling");
    double latency = now_ms() - t_signal;
    status_a = client_entry_status(p, ea2);
    if (status_a != VK_QUERY_RESULT_STATUS_COMPLETE_KHR)
        CLIENT_FAIL(-1, "A's query status %d", status_a);
    if (emu->violation_count() != violations)
        CLIENT_FAIL(-1, "the emulator recorded %u violation(s)", emu->violation_count() - violations);
    printf("A: complete %.1f ms after the fence signalled\n", latency);
    if (b_held) {
        if (client_stream_wait(q, eb->value, 2 * SEC) ||
            client_entry_status(q, eb) != VK_QUERY_RESULT_STATUS_COMPLETE_KHR)
            CLIENT_FAIL(-1, "B's decode did not complete after A was released");
        printf("B: complete only after A was released\n");
    }

    if ((ret = check_pixels(p, slot_a, "A")) || (ret = check_pixels(q, idr_q.setup_slot, "B")))
        return ret;
    return b_held ? -1 : 0;
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "main_bframes";
    static struct client_vk vk;
    static struct client_stream p, q;
    struct client_emu_api emu;
    char path[1100];
    if (client_stream_path(name, path, sizeof(path)) || client_vk_init(&vk))
        return 1;
    int ret = client_emu_api(&emu);
    if (!ret)
        ret = client_stream_open(&p, &vk, path, "P");
    if (!ret)
        ret = client_stream_open(&q, &vk, path, "Q");
    if (!ret)
        ret = run(&p, &q, &emu);
    client_stream_close(&p);
    client_stream_close(&q);
    client_vk_fini(&vk);
    printf("%s client_requeue_gate\n", ret ? "FAIL" : "PASS");
    return ret ? 1 : 0;
}
