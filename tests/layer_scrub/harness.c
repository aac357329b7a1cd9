#include "harness.h"

#include <stdlib.h>
#include <string.h>

int t_checks, t_failures;

struct snapshot {
    const void *p;
    size_t size;
    unsigned char *bytes;
};
static struct snapshot snaps[64];
static int nsnaps;

void keep(const void *p, size_t size)
{
    if (nsnaps == (int)(sizeof(snaps) / sizeof(snaps[0]))) {
        fprintf(stderr, "harness: too many snapshots\n");
        exit(2);
    }
    unsigned char *bytes = malloc(size);
    if (!bytes)
        exit(2);
    memcpy(bytes, p, size);
    snaps[nsnaps++] = (struct snapshot){ p, size, bytes };
}

void check_kept_at(const char *file, int line)
{
    for (int i = 0; i < nsnaps; i++) {
        t_checks++;
        if (memcmp(snaps[i].p, snaps[i].bytes, snaps[i].size)) {
            t_failures++;
            fprintf(stderr, "%s:%d: application structure %d (%zu bytes) was modified\n",
                    file, line, i, snaps[i].size);
        }
        free(snaps[i].bytes);
    }
    nsnaps = 0;
}

void env_init(struct env *e, uint32_t driver_families)
{
    e->arena = (struct vkv4l2_arena)VKV4L2_ARENA_INIT;
    e->s = (struct vkv4l2_scrub){ &e->arena, driver_families, driver_families };
}

void env_fini(struct env *e)
{
    vkv4l2_arena_fini(&e->arena);
}
