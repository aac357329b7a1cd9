/* Settings parsing (pure apart from secure_getenv). */
#include "emu_settings.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_uint(const char *s, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v > 1000000000ul)
        return -EINVAL;
    *out = (unsigned)v;
    return 0;
}

static int parse_fault(struct emu_settings *s, const char *fault)
{
    char buf[128];
    if (strlen(fault) >= sizeof(buf))
        return -EINVAL;
    strcpy(buf, fault);
    int ret = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(tok, ':');
        unsigned n;
        if (!colon || parse_uint(colon + 1, &n) < 0) {
            ret = -EINVAL;
            continue;
        }
        *colon = 0;
        if (!strcmp(tok, "error"))
            s->fault_error_decode = n;
        else if (!strcmp(tok, "eio"))
            s->fault_eio_queue = n;
        else if (!strcmp(tok, "hang"))
            s->fault_hang_decode = n;
        else
            ret = -EINVAL;
    }
    return ret;
}

static int parse_nodes(struct emu_settings *s, const char *nodes)
{
    unsigned a, b, c, d;
    int n = sscanf(nodes, "%u:%u,%u:%u", &a, &b, &c, &d);
    if (n != 2 && n != 4)
        return -EINVAL;
    if (n == 4 && (a == c || b == d))
        return -EINVAL;
    s->dec_media = a;
    s->dec_video = b;
    if (n == 4) {
        s->cam_media = c;
        s->cam_video = d;
    } else if (s->cam_media == a || s->cam_video == b) {
        /* keep the camera out of the decoder's way */
        s->cam_media = a + 1;
        s->cam_video = b + 1;
    }
    return 0;
}

int emu_settings_parse(struct emu_settings *s, const char *decode_us, const char *mode,
                       const char *fault, const char *nodes, const char *report)
{
    int ret = 0;
    memset(s, 0, sizeof(*s));
    s->decode_us = 2000;
    s->mode = EMU_MODE_PIXELS;
    /* Not node 0 on purpose: discovery must go by topology, and a camera
     * media device comes first. */
    s->cam_media = 1;
    s->cam_video = 2;
    s->dec_media = 2;
    s->dec_video = 5;
    if (decode_us && *decode_us && parse_uint(decode_us, &s->decode_us) < 0) {
        s->decode_us = 2000;
        ret = -EINVAL;
    }
    if (mode && *mode) {
        if (!strcmp(mode, "pixels"))
            s->mode = EMU_MODE_PIXELS;
        else if (!strcmp(mode, "pattern"))
            s->mode = EMU_MODE_PATTERN;
        else
            ret = -EINVAL;
    }
    if (fault && *fault && parse_fault(s, fault) < 0)
        ret = -EINVAL;
    if (nodes && *nodes && parse_nodes(s, nodes) < 0)
        ret = -EINVAL;
    if (report && *report) {
        if (strlen(report) >= sizeof(s->report_path))
            ret = -EINVAL;
        else
            strcpy(s->report_path, report);
    }
    return ret;
}

int emu_settings_load(struct emu_settings *s)
{
    int ret = emu_settings_parse(s, secure_getenv("VKV4L2_EMU_DECODE_US"),
                                 secure_getenv("VKV4L2_EMU_MODE"), secure_getenv("VKV4L2_EMU_FAULT"),
                                 secure_getenv("VKV4L2_EMU_NODES"), secure_getenv("VKV4L2_EMU_REPORT"));
    if (ret < 0)
        fprintf(stderr, "vkv4l2-emulator: ignoring malformed VKV4L2_EMU_* setting\n");
    return ret;
}
