/* Bochs VBE "DISPI" interface: index port 0x1CE, data port 0x1CF (16-bit),
 * as the Bochs/QEMU VGA BIOS (SeaBIOS vgabios-stdvga) programs it.
 *
 *   0 ID            0xB0C0-0xB0C5: the interface version the BIOS asks for
 *   1-3 XRES/YRES/BPP  mode (written while disabled); with GETCAPS set in
 *                      ENABLE they read the maxima instead
 *   4 ENABLE        ENABLED, GETCAPS, 8BIT_DAC, LFB_ENABLED, NOCLEARMEM
 *   5 BANK          64 KiB bank seen at 0xA0000 while enabled
 *   6/7 VIRT_WIDTH/HEIGHT  the virtual screen (height is derived from VRAM)
 *   8/9 X/Y_OFFSET  the visible frame's origin in the virtual screen
 *   10 VIDEO_MEMORY_64K  VRAM size in 64 KiB units (read-only)
 * The linear frame buffer is the PCI BAR (hw/pci-vga.c). */
#include <string.h>

#include "hw/vga.h"
#include "system/log.h"

bool vbe_enabled(const Vga *s)
{
    return s->vbe[VBE_ENABLE] & VBE_ENABLED;
}

static unsigned bytes_pp(unsigned bpp)
{
    return bpp == 15 ? 2 : (bpp + 7) / 8;
}

/* Recomputes the virtual height, the stride and the frame origin; keeps
 * them inside VRAM whatever the guest wrote. */
static void vbe_geometry(Vga *s)
{
    uint16_t *r = s->vbe;
    unsigned bpp = bytes_pp(r[VBE_BPP]);
    /* The virtual width must hold the mode and leave YRES lines inside VRAM. */
    if (r[VBE_VIRT_WIDTH] < r[VBE_XRES] ||
        (uint64_t)r[VBE_VIRT_WIDTH] * bpp * r[VBE_YRES] > VGA_VRAM_SIZE) {
        if (r[VBE_VIRT_WIDTH] > r[VBE_XRES])
            guest_error("vga: VBE virtual width %u too large, ignored\n", r[VBE_VIRT_WIDTH]);
        r[VBE_VIRT_WIDTH] = r[VBE_XRES];
    }
    uint32_t stride = (uint32_t)r[VBE_VIRT_WIDTH] * bpp;
    if (!stride)
        stride = 1;
    uint32_t vh = VGA_VRAM_SIZE / stride;
    r[VBE_VIRT_HEIGHT] = (uint16_t)(vh > 0xffff ? 0xffff : vh);
    s->vbe_stride = stride;
    uint64_t start = (uint64_t)r[VBE_Y_OFFSET] * stride + (uint64_t)r[VBE_X_OFFSET] * bpp;
    uint64_t frame = (uint64_t)stride * r[VBE_YRES];
    if (start + frame > VGA_VRAM_SIZE) {
        guest_error("vga: VBE offset %u,%u outside video memory, ignored\n",
                    r[VBE_X_OFFSET], r[VBE_Y_OFFSET]);
        r[VBE_X_OFFSET] = r[VBE_Y_OFFSET] = 0;
        start = 0;
    }
    s->vbe_start = (uint32_t)start;
    s->full_redraw = true;
}

static bool valid_bpp(unsigned bpp)
{
    return bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32;
}

/* ENABLE: entering a mode checks it fits, clears VRAM unless told not to
 * and resets the virtual screen to the mode's size. */
static void vbe_enable(Vga *s, uint16_t v)
{
    uint16_t *r = s->vbe;
    bool was = vbe_enabled(s);
    if ((v & VBE_ENABLED) && !was) {
        uint64_t need = (uint64_t)r[VBE_XRES] * r[VBE_YRES] * bytes_pp(r[VBE_BPP]);
        if (!r[VBE_XRES] || !r[VBE_YRES] || r[VBE_XRES] > VGA_MAX_W || r[VBE_YRES] > VGA_MAX_H ||
            need > VGA_VRAM_SIZE) {
            guest_error("vga: VBE mode %ux%ux%u not possible, not enabled\n", r[VBE_XRES],
                        r[VBE_YRES], r[VBE_BPP]);
            v &= (uint16_t)~VBE_ENABLED;
        } else {
            r[VBE_VIRT_WIDTH] = r[VBE_XRES];
            r[VBE_X_OFFSET] = r[VBE_Y_OFFSET] = 0;
            r[VBE_BANK] = 0;
            if (!(v & VBE_NOCLEARMEM))
                memset(s->vram, 0, (size_t)need);
        }
    }
    r[VBE_ENABLE] = v & (VBE_ENABLED | VBE_GETCAPS | VBE_8BIT_DAC | VBE_LFB_ENABLED | VBE_NOCLEARMEM);
    vbe_geometry(s);
}

static uint16_t vbe_read(Vga *s)
{
    unsigned i = s->vbe_idx;
    if (i >= VBE_NREGS)
        return 0;
    if (s->vbe[VBE_ENABLE] & VBE_GETCAPS) {
        if (i == VBE_XRES) return VGA_MAX_W;
        if (i == VBE_YRES) return VGA_MAX_H;
        if (i == VBE_BPP) return 32;
    }
    if (i == VBE_VIDEO_MEMORY_64K)
        return VGA_VRAM_SIZE >> 16;
    return s->vbe[i];
}

static void vbe_write(Vga *s, uint16_t v)
{
    uint16_t *r = s->vbe;
    switch (s->vbe_idx) {
    case VBE_ID:
        if (v >= 0xb0c0 && v <= VBE_ID5)
            r[VBE_ID] = v;
        break;
    case VBE_XRES:
    case VBE_YRES:
    case VBE_BPP:
        if (vbe_enabled(s))
            break;
        if (s->vbe_idx == VBE_BPP && !valid_bpp(v ? v : 8)) {
            guest_error("vga: VBE bpp %u not supported\n", v);
            break;
        }
        r[s->vbe_idx] = s->vbe_idx == VBE_BPP && !v ? 8 : v;
        break;
    case VBE_ENABLE:
        vbe_enable(s, v);
        break;
    case VBE_BANK:
        if ((uint32_t)v * 0x10000u < VGA_VRAM_SIZE)
            r[VBE_BANK] = v;
        break;
    case VBE_VIRT_WIDTH:
    case VBE_X_OFFSET:
    case VBE_Y_OFFSET:
        r[s->vbe_idx] = v;
        vbe_geometry(s);
        break;
    default:
        break;
    }
}

static uint64_t vbe_io_read(void *opaque, uint64_t off, unsigned size)
{
    Vga *s = opaque;
    return off == 0 ? s->vbe_idx : vbe_read(s);
}

static void vbe_io_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    Vga *s = opaque;
    if (off == 0)
        s->vbe_idx = (uint16_t)val;
    else
        vbe_write(s, (uint16_t)val);
}

static const MemOps vbe_io_ops = { vbe_io_read, vbe_io_write, 1, 2 };

void vbe_reset(Vga *s)
{
    memset(s->vbe, 0, sizeof s->vbe);
    s->vbe[VBE_ID] = VBE_ID5;
    s->vbe[VBE_BPP] = 8;
    s->vbe_idx = 0;
    s->vbe_start = 0;
    s->vbe_stride = 0;
}

void vbe_init(Vga *s)
{
    /* 0x1CE index, 0x1CF data; a word at 0x1CF also covers 0x1D0. */
    io_map(&s->m->io, 0x1ce, 3, &vbe_io_ops, s, "vga-vbe");
}
