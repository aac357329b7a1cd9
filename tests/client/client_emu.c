/* The emulated decoder seen from the client process: its CAPTURE dma-bufs
 * are memfds named "vkv4l2-emu-buffer", and its control API lives in the
 * library the layer dlopen()ed (VKV4L2_EMULATOR). */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

int client_emu_fds(int *fds, int max)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -errno;
    struct dirent *e;
    int n = 0;
    char path[300], target[256];
    while ((e = readdir(d)) && n < max) {
        snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
        ssize_t len = readlink(path, target, sizeof(target) - 1);
        if (len > 0 && (target[len] = 0, strstr(target, "vkv4l2-emu-buffer")))
            fds[n++] = atoi(e->d_name);
    }
    closedir(d);
    return n;
}

int client_emu_api(struct client_emu_api *api)
{
    const char *lib = getenv("VKV4L2_EMULATOR");
    if (!lib || !*lib)
        CLIENT_FAIL(-ENOENT, "VKV4L2_EMULATOR is not set");
    /* RTLD_NOLOAD: the very instance the layer uses, or nothing. */
    void *h = dlopen(lib, RTLD_NOW | RTLD_NOLOAD);
    if (!h)
        CLIENT_FAIL(-ENOENT, "the emulator is not loaded: %s", dlerror());
    *(void **)&api->fence_attach = dlsym(h, "vkv4l2_emu_fence_attach");
    *(void **)&api->fence_signal = dlsym(h, "vkv4l2_emu_fence_signal");
    *(void **)&api->violation_count = dlsym(h, "vkv4l2_emu_violation_count");
    *(void **)&api->decode_count = dlsym(h, "vkv4l2_emu_decode_count");
    /* Our handle only adds a reference; the layer's keeps it loaded. */
    dlclose(h);
    if (!api->fence_attach || !api->fence_signal || !api->violation_count || !api->decode_count)
        CLIENT_FAIL(-ENOENT, "the emulator lacks its control API");
    return 0;
}
