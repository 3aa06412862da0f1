/* VGA and VBE rendering into the host XRGB8888 frame (see vga.h).
 *
 * Modes: VBE (8/15/16/24/32 bpp from the linear VRAM), VGA text (font from
 * plane 2, 8 or 9 dot cells, cursor), VGA 256-colour (GC mode bit 6: mode 13h
 * and unchained "mode X") and 16-colour planar.  Colour path: attribute
 * palette -> colour select -> DAC pixel mask -> DAC.
 *
 * Only what changed is redrawn: VGA modes use the dirty-page bits set by the
 * window's write path; the VBE frame is compared line by line with a shadow
 * copy, because the guest writes the LFB straight into RAM-mapped VRAM (the
 * soft TLB or a KVM slot) without passing through the device. */
#include <stdlib.h>
#include <string.h>

#include "hw/vga.h"

uint32_t vga_dac_rgb(const Vga *s, unsigned i)
{
    const uint8_t *c = &s->dac[(i & 0xff) * 3];
    uint32_t rgb = 0;
    for (int k = 0; k < 3; k++) {
        uint32_t v = c[k];
        if (!(s->vbe[VBE_ENABLE] & VBE_8BIT_DAC))
            v = ((v & 0x3f) << 2) | ((v & 0x3f) >> 4);
        rgb = (rgb << 8) | v;
    }
    return rgb;
}

/* A 4-bit attribute colour through the attribute palette to a DAC index. */
static uint32_t attr_rgb(const Vga *s, unsigned c)
{
    unsigned p = s->ar[c & 0x0f];
    if (s->ar[0x10] & 0x80)               /* P5:P4 from the colour select register */
        p = (p & 0x0f) | ((s->ar[0x14] & 0x03u) << 4);
    p = (p & 0x3f) | ((s->ar[0x14] & 0x0cu) << 4);
    return vga_dac_rgb(s, p & s->dac_mask);
}

static bool page_dirty(const Vga *s, uint32_t from, uint32_t to)
{
    for (uint32_t p = from / 4096; p <= (to - 1) / 4096 && p < VGA_VRAM_SIZE / 4096; p++)
        if (s->dirty[p / 8] & (1u << (p % 8)))
            return true;
    return false;
}

static bool set_size(Vga *s, int w, int h)
{
    if (w > VGA_MAX_W) w = VGA_MAX_W;
    if (h > VGA_MAX_H) h = VGA_MAX_H;
    if (w < 1) w = 1;
    if (h < 1) h = 1;
    if (w == s->width && h == s->height)
        return false;
    s->width = w;
    s->height = h;
    return true;
}

static unsigned vde_lines(const Vga *s)
{
    return (s->crtc[0x12] | ((s->crtc[7] & 0x02u) << 7) | ((s->crtc[7] & 0x40u) << 3)) + 1;
}

static unsigned start_addr(const Vga *s)
{
    return (unsigned)s->crtc[0x0c] << 8 | s->crtc[0x0d];
}

/* ---- text ---- */

static uint32_t font_base(const Vga *s, bool map_a)
{
    uint8_t v = s->seq[3];
    unsigned sel = map_a ? ((v >> 5) & 1) << 2 | ((v >> 2) & 3) : ((v >> 4) & 1) << 2 | (v & 3);
    return ((sel & 3) * 2 + (sel >> 2)) * 8192;
}

static void draw_cell(Vga *s, int x0, int y0, int cw, int ch_h, uint8_t ch, uint8_t attr,
                      bool cursor)
{
    bool blink_attr = s->ar[0x10] & 0x08;
    uint32_t fg = attr_rgb(s, attr & 0x0f);
    uint32_t bg = attr_rgb(s, blink_attr ? (attr >> 4) & 7 : attr >> 4);
    bool two_maps = font_base(s, true) != font_base(s, false);
    uint32_t glyph = font_base(s, two_maps && (attr & 0x08)) + ch * 32u;
    bool dup9 = cw == 9 && (s->ar[0x10] & 0x04) && ch >= 0xc0 && ch <= 0xdf;
    int cs = s->crtc[0x0a] & 0x1f, ce = s->crtc[0x0b] & 0x1f;
    for (int y = 0; y < ch_h && y0 + y < s->height; y++) {
        unsigned bits = s->vram[((glyph + (unsigned)y) & (VGA_PLANE_SIZE - 1)) * 4 + 2];
        bits <<= 1;
        if (dup9)
            bits |= bits >> 1 & 1;
        if (cursor && y >= cs && y <= ce)
            bits = 0x1ff;
        uint32_t *row = &s->fb[(size_t)(y0 + y) * s->width + x0];
        for (int x = 0; x < cw; x++)
            row[x] = (bits >> (8 - x)) & 1 ? fg : bg;
    }
}

static int render_text(Vga *s)
{
    int cw = (s->seq[1] & 0x01) ? 8 : 9;
    int ch_h = (s->crtc[9] & 0x1f) + 1;
    int cols = s->crtc[1] + 1;
    int rows = (int)vde_lines(s) / ch_h;
    if (rows < 1)
        rows = 1;
    bool resized = set_size(s, cols * cw, rows * ch_h);
    bool any = resized || s->full_redraw;
    for (size_t i = 0; !any && i < sizeof s->dirty; i++)
        any = s->dirty[i] != 0;
    if (!any)
        return 0;
    unsigned start = start_addr(s), pitch = s->crtc[0x13] * 2u;
    unsigned cursor = (unsigned)s->crtc[0x0e] << 8 | s->crtc[0x0f];
    bool cursor_on = !(s->crtc[0x0a] & 0x20);
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            unsigned a = start + (unsigned)r * pitch + (unsigned)c;
            uint32_t o = (a * 2) & (VGA_PLANE_SIZE - 1);
            draw_cell(s, c * cw, r * ch_h, cw, ch_h, s->vram[o * 4], s->vram[o * 4 + 1],
                      cursor_on && a == cursor);
        }
    return s->height;
}

/* ---- graphics ---- */

static int scan_repeat(const Vga *s)
{
    return ((s->crtc[9] & 0x1f) + 1) * ((s->crtc[9] & 0x80) ? 2 : 1);
}

static void line_256(Vga *s, int y, uint32_t addr)
{
    uint32_t *row = &s->fb[(size_t)y * s->width];
    for (int x = 0; x < s->width; x++)
        row[x] = vga_dac_rgb(s, s->vram[(addr * 4 + (uint32_t)x) % (VGA_PLANE_SIZE * 4)] & s->dac_mask);
}

static void line_planar(Vga *s, int y, uint32_t addr)
{
    uint32_t *row = &s->fb[(size_t)y * s->width];
    unsigned enable = s->ar[0x12] & 0x0f;
    for (int x = 0; x < s->width; x++) {
        uint32_t o = ((addr + (uint32_t)x / 8) & (VGA_PLANE_SIZE - 1)) * 4;
        unsigned bit = 7 - (unsigned)x % 8, c = 0;
        for (unsigned p = 0; p < 4; p++)
            c |= ((s->vram[o + p] >> bit) & 1u) << p;
        row[x] = attr_rgb(s, c & enable);
    }
}

static int render_graphics(Vga *s)
{
    bool is256 = s->gc[5] & 0x40;
    int rep = scan_repeat(s);
    int w = (s->crtc[1] + 1) * (is256 ? 4 : 8);
    int h = (int)vde_lines(s) / rep;
    bool all = set_size(s, w, h) || s->full_redraw;
    unsigned pitch = s->crtc[0x13] * 2u, start = start_addr(s);
    unsigned span = is256 ? (unsigned)s->width / 4 : (unsigned)s->width / 8;
    int drawn = 0;
    for (int y = 0; y < s->height; y++) {
        uint32_t addr = (start + (unsigned)y * pitch) & (VGA_PLANE_SIZE - 1);
        uint32_t from = addr * 4, to = (addr + span) * 4;
        if (!all && !page_dirty(s, from, to < VGA_PLANE_SIZE * 4 ? to : VGA_PLANE_SIZE * 4))
            continue;
        (is256 ? line_256 : line_planar)(s, y, addr);
        drawn++;
    }
    return drawn;
}

/* ---- VBE ---- */

static void line_vbe(Vga *s, int y, const uint8_t *src)
{
    uint32_t *row = &s->fb[(size_t)y * s->width];
    unsigned bpp = s->vbe[VBE_BPP];
    for (int x = 0; x < s->width; x++) {
        uint32_t v;
        switch (bpp) {
        case 8: v = vga_dac_rgb(s, src[x]); break;
        case 15: {
            unsigned p = src[2 * x] | src[2 * x + 1] << 8;
            unsigned r = (p >> 10) & 31, g = (p >> 5) & 31, b = p & 31;
            v = (r << 3 | r >> 2) << 16 | (g << 3 | g >> 2) << 8 | (b << 3 | b >> 2);
            break;
        }
        case 16: {
            unsigned p = src[2 * x] | src[2 * x + 1] << 8;
            unsigned r = (p >> 11) & 31, g = (p >> 5) & 63, b = p & 31;
            v = (r << 3 | r >> 2) << 16 | (g << 2 | g >> 4) << 8 | (b << 3 | b >> 2);
            break;
        }
        case 24: v = (uint32_t)src[3 * x + 2] << 16 | src[3 * x + 1] << 8 | src[3 * x]; break;
        default: v = (uint32_t)src[4 * x + 2] << 16 | src[4 * x + 1] << 8 | src[4 * x]; break;
        }
        row[x] = v;
    }
}

static int render_vbe(Vga *s)
{
    bool all = set_size(s, s->vbe[VBE_XRES], s->vbe[VBE_YRES]) || s->full_redraw;
    unsigned bpp = s->vbe[VBE_BPP];
    uint32_t line_bytes = (uint32_t)s->width * (bpp == 15 ? 2 : (bpp + 7) / 8);
    uint32_t frame = s->vbe_stride * (uint32_t)s->height;
    if (s->shadow_len < frame) {
        free(s->shadow);
        s->shadow = malloc(frame);
        s->shadow_len = s->shadow ? frame : 0;
        all = true;
    }
    if (!s->shadow)
        return 0;
    int drawn = 0;
    for (int y = 0; y < s->height; y++) {
        uint32_t off = (uint32_t)y * s->vbe_stride;
        const uint8_t *src = s->vram + s->vbe_start + off;
        if (!all && !memcmp(s->shadow + off, src, line_bytes))
            continue;
        memcpy(s->shadow + off, src, line_bytes);
        line_vbe(s, y, src);
        drawn++;
    }
    return drawn;
}

int vga_update(Vga *s)
{
    int n;
    if (vbe_enabled(s))
        n = render_vbe(s);
    else if (s->ar[0x10] & 0x01)
        n = render_graphics(s);
    else
        n = render_text(s);
    memset(s->dirty, 0, sizeof s->dirty);
    s->full_redraw = false;
    s->frames++;
    s->lines_drawn += (uint64_t)n;
    return n;
}
