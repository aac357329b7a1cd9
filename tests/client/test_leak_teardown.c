/* An application that leaks every video object (session, parameters, query
 * pool, decode command pool, images with their views and imported memory,
 * bitstream buffers) and then destroys the device must leave nothing of
 * the decoder behind: no V4L2 fd, request, vb2 buffer or CAPTURE dma-buf
 * open or mapped in the process.  The emulator's census says what a kernel
 * would hold; the asan pass adds LeakSanitizer on the layer's own memory. */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "client.h"
#include "emu_control.h"

#define SEC 1000000000ull

/* Lines of /proc/self/maps that map an emulator buffer (a vb2 buffer or a
 * CAPTURE dma-buf kept mapped by someone). */
static int emu_mappings(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return -1;
    char line[512];
    int n = 0;
    while (fgets(line, sizeof(line), f))
        n += strstr(line, "vkv4l2-emu-buffer") != NULL;
    fclose(f);
    return n;
}

static void print_census(const char *when, const struct vkv4l2_emu_census *c, int fds, int maps)
{
    printf("%s: %u media fds, %u video fds, %u requests, %u vb2 buffers, %u dma-bufs attached, "
           "%d dma-buf fds, %d mappings\n", when, c->media_fds, c->video_fds, c->requests,
           c->buffers, c->dmabufs_attached, fds, maps);
}

/* Destroys what the layer does not track (so the driver below has nothing
 * of ours to leak) and leaks the rest. */
static void destroy_untracked(struct client_stream *s)
{
    VkDevice d = s->vk->dev;
    for (int i = 0; i < CLIENT_RING; i++)
        vkFreeMemory(d, s->ring[i].bitstream_mem, NULL); /* the buffers leak */
    vkDestroyBuffer(d, s->readback, NULL);
    vkFreeMemory(d, s->readback_mem, NULL);
    vkDestroySemaphore(d, s->timeline, NULL);
    vkDestroyFence(d, s->readback_fence, NULL);
    vkDestroyCommandPool(d, s->gfx_pool, NULL);
    for (uint32_t i = 0; i < s->n_session_mem; i++)
        vkFreeMemory(d, s->session_mem[i], NULL);
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "main_bframes";
    unsigned frames = argc > 2 ? (unsigned)atoi(argv[2]) : 12;
    char path[1100];
    if (client_stream_path(name, path, sizeof(path)))
        return 1;
    static struct client_vk vk;
    static struct client_stream s;
    if (client_vk_init(&vk) || client_stream_open(&s, &vk, path, name))
        return 1;

    /* Our own reference keeps the very emulator the layer uses loaded past
     * vkDestroyDevice (and vkDestroyInstance). */
    void *emu = dlopen(getenv("VKV4L2_EMULATOR"), RTLD_NOW | RTLD_NOLOAD);
    void (*census)(struct vkv4l2_emu_census *) = emu ? dlsym(emu, "vkv4l2_emu_census") : NULL;
    if (!census) {
        fprintf(stderr, "FAIL: the emulator's census is not available\n");
        return 1;
    }
    for (unsigned i = 0; i < frames; i++) {
        int ret = client_stream_step(&s);
        if (ret < 0)
            return 1;
        if (ret == 1)
            break;
    }
    if (s.submitted && client_stream_wait(&s, s.submitted, 10 * SEC)) {
        fprintf(stderr, "FAIL: the decodes did not complete\n");
        return 1;
    }
    int fds[64];
    struct vkv4l2_emu_census before, after;
    census(&before);
    int fds_before = client_emu_fds(fds, 64), maps_before = emu_mappings();
    print_census("before vkDestroyDevice", &before, fds_before, maps_before);
    /* The test proves something only if the layer held decoder state. */
    if (before.video_fds == 0 || before.requests == 0 || before.buffers == 0 ||
        fds_before <= 0) {
        fprintf(stderr, "FAIL: nothing of the decoder was held before teardown\n");
        return 1;
    }

    destroy_untracked(&s);
    vkDeviceWaitIdle(vk.dev);
    vkDestroyDevice(vk.dev, NULL);
    vk.dev = VK_NULL_HANDLE;

    census(&after);
    int fds_after = client_emu_fds(fds, 64), maps_after = emu_mappings();
    print_census("after vkDestroyDevice", &after, fds_after, maps_after);
    int failed = after.media_fds || after.video_fds || after.requests || after.buffers ||
                 after.dmabufs_attached || fds_after != 0 || maps_after != 0;

    vkDestroyInstance(vk.instance, NULL);
    vkv4l2_fe_finish(&s.fe);
    munmap((void *)s.data, s.size);
    free(s.ref_md5);
    dlclose(emu);
    printf("%s: %u frames decoded, then every video object leaked\n", failed ? "FAIL" : "PASS",
           s.frames_out);
    return failed;
}
