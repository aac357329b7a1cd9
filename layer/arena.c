#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct vkv4l2_arena_block {
    struct vkv4l2_arena_block *next;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char data[];
};

void *vkv4l2_arena_alloc(struct vkv4l2_arena *arena, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if (size == 0)
        size = 16;
    struct vkv4l2_arena_block *b = arena->head;
    if (!b || b->size - b->used < size) {
        size_t want = arena->block_size ? arena->block_size : 4096;
        if (want < size)
            want = size;
        b = malloc(sizeof(*b) + want);
        if (!b)
            return NULL;
        b->size = want;
        b->used = 0;
        b->next = arena->head;
        arena->head = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

void *vkv4l2_arena_dup(struct vkv4l2_arena *arena, const void *src, size_t size)
{
    if (!src || !size)
        return NULL;
    void *p = vkv4l2_arena_alloc(arena, size);
    if (p)
        memcpy(p, src, size);
    return p;
}

void vkv4l2_arena_reset(struct vkv4l2_arena *arena)
{
    struct vkv4l2_arena_block *b = arena->head;
    while (b) {
        struct vkv4l2_arena_block *next = b->next;
        free(b);
        b = next;
    }
    arena->head = NULL;
}

void vkv4l2_arena_fini(struct vkv4l2_arena *arena)
{
    vkv4l2_arena_reset(arena);
}
