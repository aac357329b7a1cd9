/* Four video sessions at once on one VkDevice: two threads, each decoding
 * two streams with their pictures alternating; every frame's MD5 must
 * equal FFmpeg's software decode. */
#include <stdlib.h>
#include <string.h>

#include "client.h"

struct worker {
    struct client_stream *a, *b;
    int ret;
};

static void *run(void *arg)
{
    struct worker *w = arg;
    int ra = 0, rb = 0;
    while (ra == 0 || rb == 0) {
        if (ra == 0)
            ra = client_stream_step(w->a);
        if (rb == 0)
            rb = client_stream_step(w->b);
        if (ra < 0 || rb < 0)
            break;
    }
    w->ret = ra < 0 ? ra : rb < 0 ? rb : 0;
    return NULL;
}

int main(int argc, char **argv)
{
    const char *def[4] = { "main_bframes", "high_slices", "baseline_cavlc", "odd_864" };
    const char **names = argc == 5 ? (const char **)argv + 1 : def;
    static struct client_vk vk;
    static struct client_stream s[4];
    char path[4][1100];
    for (int i = 0; i < 4; i++)
        if (client_stream_path(names[i], path[i], sizeof(path[i])))
            return 1;
    if (client_vk_init(&vk))
        return 1;
    int ret = 0;
    for (int i = 0; i < 4 && !ret; i++)
        ret = client_stream_open(&s[i], &vk, path[i], names[i]);
    struct worker w[2] = { { &s[0], &s[1], 0 }, { &s[2], &s[3], 0 } };
    pthread_t t[2];
    int started = 0;
    for (; !ret && started < 2; started++)
        if (pthread_create(&t[started], NULL, run, &w[started]))
            ret = -1;
    for (int i = 0; i < started; i++) {
        pthread_join(t[i], NULL);
        ret = ret ? ret : w[i].ret;
    }
    int failed = ret != 0;
    for (int i = 0; i < 4; i++) {
        if (s[i].vk) {
            printf("%s: %u/%u frames, %u differ from software decode\n", names[i],
                   s[i].frames_out, s[i].n_ref, s[i].mismatches);
            failed |= s[i].mismatches || s[i].frames_out != s[i].n_ref || !s[i].n_ref;
        }
        client_stream_close(&s[i]);
    }
    client_vk_fini(&vk);
    if (failed) {
        printf("FAIL client_four_streams_two_threads\n");
        return 1;
    }
    printf("PASS client_four_streams_two_threads\n");
    return 0;
}
