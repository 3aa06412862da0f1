/* A small PNG writer (ISO/IEC 15948): 8-bit RGB, no interlace, filter 0 on
 * every row, one zlib stream in one IDAT chunk. */
#ifndef UI_PNG_H
#define UI_PNG_H

#include <stdint.h>

/* Writes the w x h XRGB8888 image (stride in pixels) to path.  Returns 0, or
 * -1 with the reason in err. */
int png_write(const char *path, const uint32_t *xrgb, int w, int h, int stride, char *err,
              unsigned errlen);

#endif
