/* Emulator settings (environment, read with secure_getenv) and the
 * violation log.  Parsing is pure so the unit test can reach it. */
#ifndef VKV4L2_EMU_SETTINGS_H
#define VKV4L2_EMU_SETTINGS_H

#include <stdbool.h>

enum emu_mode { EMU_MODE_PIXELS, EMU_MODE_PATTERN };

struct emu_settings {
    unsigned decode_us;     /* VKV4L2_EMU_DECODE_US, default 2000 */
    enum emu_mode mode;     /* VKV4L2_EMU_MODE=pixels|pattern */
    /* VKV4L2_EMU_FAULT: comma-separated error:N, eio:N, hang:N (1-based
     * decode / request-queue counts since load or reset; 0 = off). */
    unsigned fault_error_decode;
    unsigned fault_eio_queue;
    unsigned fault_hang_decode;
    /* VKV4L2_EMU_NODES=DEC_MEDIA:DEC_VIDEO[,CAM_MEDIA:CAM_VIDEO] */
    unsigned dec_media, dec_video, cam_media, cam_video;
    char report_path[256]; /* VKV4L2_EMU_REPORT */
};

/* Fills *s from the given values (NULL = unset).  Returns 0 or -EINVAL
 * (with defaults kept for the offending setting). */
int emu_settings_parse(struct emu_settings *s, const char *decode_us, const char *mode,
                       const char *fault, const char *nodes, const char *report);
/* Reads the environment. */
int emu_settings_load(struct emu_settings *s);

/* Records a strictness violation: stderr line, counter, report file.
 * Caller holds the emulator lock.  (emu_violation.c) */
void emu_violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
