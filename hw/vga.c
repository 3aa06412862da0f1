/* IBM VGA registers and the 0xA0000-0xBFFFF memory window (see vga.h).
 * Register behaviour follows the IBM VGA technical reference (sequencer,
 * CRT controller, graphics controller, attribute controller, DAC). */
#include "hw/vga.h"

#include <stdlib.h>
#include <string.h>

#include "hw/pci.h"
#include "system/log.h"

/* Register file sizes the guest may index; higher indexes read 0xFF. */
#define SEQ_N 5
#define GC_N 9
#define CRTC_N 25
#define AR_N 21

static const StateField vga_fields[] = {
    STATE_UINT(Vga, misc), STATE_UINT(Vga, feature),
    STATE_UINT(Vga, seq_idx), STATE_UINT_ARRAY(Vga, seq),
    STATE_UINT(Vga, gc_idx), STATE_UINT_ARRAY(Vga, gc),
    STATE_UINT(Vga, crtc_idx), STATE_UINT_ARRAY(Vga, crtc),
    STATE_UINT(Vga, ar_idx), STATE_UINT_ARRAY(Vga, ar), STATE_BOOL(Vga, ar_flip),
    STATE_UINT(Vga, dac_mask), STATE_UINT(Vga, dac_read_idx), STATE_UINT(Vga, dac_write_idx),
    STATE_UINT(Vga, dac_sub), STATE_UINT(Vga, dac_state), STATE_UINT_ARRAY(Vga, dac),
    STATE_UINT_ARRAY(Vga, latch), STATE_UINT(Vga, vbe_idx), STATE_UINT_ARRAY(Vga, vbe),
    STATE_UINT(Vga, vbe_start), STATE_UINT(Vga, vbe_stride),
    STATE_END
};

static int vga_post_load(void *opaque)
{
    Vga *s = opaque;
    if (s->vbe_start >= VGA_VRAM_SIZE)
        return -1;
    s->full_redraw = true;
    return 0;
}

static const StateDesc vga_state = { "vga", 1, vga_fields, vga_post_load };

/* A snapshot load rewrote the video memory: everything on screen is stale. */
static void vga_vram_loaded(void *opaque)
{
    Vga *s = opaque;
    vga_mark_dirty(s, 0, VGA_VRAM_SIZE);
    s->full_redraw = true;
}

void vga_mark_dirty(Vga *s, uint32_t off, uint32_t len)
{
    if (!len || off >= VGA_VRAM_SIZE)
        return;
    uint32_t last = off + len - 1 < VGA_VRAM_SIZE ? off + len - 1 : VGA_VRAM_SIZE - 1;
    for (uint32_t p = off / 4096; p <= last / 4096; p++)
        s->dirty[p / 8] |= (uint8_t)(1u << (p % 8));
}

/* ---- memory window ---- */

static inline uint8_t *plane_byte(Vga *s, uint32_t o, unsigned plane)
{
    return &s->vram[(o & (VGA_PLANE_SIZE - 1)) * 4 + plane];
}

/* The window offset (from 0xA0000) as an offset into the selected map, or -1
 * when the GC miscellaneous register does not decode it. */
static int64_t window_offset(const Vga *s, uint64_t off)
{
    switch ((s->gc[6] >> 2) & 3) {
    case 0: return (int64_t)off;
    case 1: return off < 0x10000 ? (int64_t)off : -1;
    case 2: return off >= 0x10000 && off < 0x18000 ? (int64_t)(off - 0x10000) : -1;
    default: return off >= 0x18000 ? (int64_t)(off - 0x18000) : -1;
    }
}

static uint8_t read_byte(Vga *s, uint64_t off)
{
    if (vbe_enabled(s)) {
        uint32_t a = (uint32_t)s->vbe[VBE_BANK] * 0x10000u + (uint32_t)(off & 0xffff);
        return off < 0x10000 && a < VGA_VRAM_SIZE ? s->vram[a] : 0xff;
    }
    int64_t a = window_offset(s, off);
    if (a < 0)
        return 0xff;
    if (s->seq[4] & 0x08)                 /* chain-4: A1:A0 select the plane */
        return s->vram[a & 0x3ffff];
    uint32_t o = (uint32_t)a;
    if (s->gc[5] & 0x10)                  /* odd/even: A0 selects plane 0/1 (or 2/3) */
        o &= ~1u;
    for (unsigned p = 0; p < 4; p++)
        s->latch[p] = *plane_byte(s, o, p);
    if (s->gc[5] & 0x08) {                /* read mode 1: colour compare */
        uint8_t diff = 0;
        for (unsigned p = 0; p < 4; p++) {
            if (!(s->gc[7] & (1u << p)))
                continue;
            uint8_t want = (s->gc[2] >> p) & 1 ? 0xff : 0x00;
            diff |= s->latch[p] ^ want;
        }
        return (uint8_t)~diff;
    }
    unsigned plane = s->gc[4] & 3;
    if (s->gc[5] & 0x10)
        plane = (plane & 2) | (unsigned)(a & 1);
    return s->latch[plane];
}

static uint8_t alu(const Vga *s, uint8_t v, uint8_t latch)
{
    switch ((s->gc[3] >> 3) & 3) {
    case 1: return v & latch;
    case 2: return v | latch;
    case 3: return v ^ latch;
    default: return v;
    }
}

/* The byte write modes 0-3 produce for plane p (before the map mask). */
static uint8_t plane_data(const Vga *s, uint8_t val, unsigned p)
{
    unsigned rot = s->gc[3] & 7;
    uint8_t r = (uint8_t)((val >> rot) | (val << (8 - rot)));
    uint8_t sr = (s->gc[0] >> p) & 1 ? 0xff : 0x00;
    uint8_t mask = s->gc[8];
    uint8_t d;
    switch (s->gc[5] & 3) {
    case 0:
        d = alu(s, (s->gc[1] >> p) & 1 ? sr : r, s->latch[p]);
        break;
    case 1:
        return s->latch[p];
    case 2:
        d = alu(s, (val >> p) & 1 ? 0xff : 0x00, s->latch[p]);
        break;
    default:
        mask &= r;
        d = alu(s, sr, s->latch[p]);
        break;
    }
    return (uint8_t)((d & mask) | (s->latch[p] & ~mask));
}

static void write_byte(Vga *s, uint64_t off, uint8_t val)
{
    if (vbe_enabled(s)) {
        uint32_t a = (uint32_t)s->vbe[VBE_BANK] * 0x10000u + (uint32_t)(off & 0xffff);
        if (off < 0x10000 && a < VGA_VRAM_SIZE) {
            s->vram[a] = val;
            vga_mark_dirty(s, a, 1);
        }
        return;
    }
    int64_t a = window_offset(s, off);
    if (a < 0)
        return;
    uint8_t map_mask = s->seq[2] & 0x0f;
    if (s->seq[4] & 0x08) {
        uint32_t lin = (uint32_t)a & 0x3ffff;
        if (map_mask & (1u << (lin & 3))) {
            s->vram[lin] = val;
            vga_mark_dirty(s, lin, 1);
        }
        return;
    }
    uint32_t o = (uint32_t)a & (VGA_PLANE_SIZE - 1);
    if (!(s->seq[4] & 0x04)) {            /* odd/even: A0 picks plane 0/1 (2/3) */
        map_mask &= (a & 1) ? 0x0a : 0x05;
        o &= ~1u;
    }
    for (unsigned p = 0; p < 4; p++)
        if (map_mask & (1u << p))
            *plane_byte(s, o, p) = plane_data(s, val, p);
    vga_mark_dirty(s, o * 4, 4);
}

uint64_t vga_mem_read(void *opaque, uint64_t off, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)read_byte(opaque, off + i) << (8 * i);
    return v;
}

void vga_mem_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        write_byte(opaque, off + i, (uint8_t)(val >> (8 * i)));
}

static const MemOps vga_mem_ops = { vga_mem_read, vga_mem_write, 1, 4 };

/* ---- ports 0x3B0-0x3DF ---- */

static bool mono(const Vga *s)
{
    return !(s->misc & 0x01);
}

/* 0x3B4/5/A answer in monochrome addressing, 0x3D4/5/A in colour. */
static int crtc_port(const Vga *s, unsigned port)
{
    unsigned base = mono(s) ? 0x3b0 : 0x3d0;
    if (port == base + 4 || port == base + 5 || port == base + 0xa)
        return (int)(port - base);
    return -1;
}

static uint8_t dac_read(Vga *s)
{
    uint8_t v = s->dac[s->dac_read_idx * 3 + s->dac_sub];
    if (++s->dac_sub == 3) {
        s->dac_sub = 0;
        s->dac_read_idx++;
    }
    return v;
}

static void dac_write(Vga *s, uint8_t v)
{
    s->dac[s->dac_write_idx * 3 + s->dac_sub] = (s->vbe[VBE_ENABLE] & VBE_8BIT_DAC) ? v : v & 0x3f;
    if (++s->dac_sub == 3) {
        s->dac_sub = 0;
        s->dac_write_idx++;
    }
    s->full_redraw = true;
}

static uint8_t port_read(Vga *s, unsigned port)
{
    int c = crtc_port(s, port);
    if (c == 4)
        return s->crtc_idx;
    if (c == 5)
        return s->crtc_idx < CRTC_N ? s->crtc[s->crtc_idx] : 0xff;
    if (c == 0xa) {
        /* Input status 1: bits 0 (display disabled) and 3 (vertical
         * retrace) flip on every read, so "wait for retrace" loops end. */
        s->ar_flip = false;
        s->st1_toggle ^= 0x09;
        return s->st1_toggle;
    }
    switch (port) {
    case 0x3c0: return s->ar_idx;
    case 0x3c1: return (s->ar_idx & 0x1f) < AR_N ? s->ar[s->ar_idx & 0x1f] : 0xff;
    case 0x3c2: return 0x10;          /* input status 0: switch sense (colour monitor) */
    case 0x3c4: return s->seq_idx;
    case 0x3c5: return s->seq_idx < SEQ_N ? s->seq[s->seq_idx] : 0xff;
    case 0x3c6: return s->dac_mask;
    case 0x3c7: return s->dac_state;
    case 0x3c8: return s->dac_write_idx;
    case 0x3c9: return dac_read(s);
    case 0x3ca: return s->feature;
    case 0x3cc: return s->misc;
    case 0x3ce: return s->gc_idx;
    case 0x3cf: return s->gc_idx < GC_N ? s->gc[s->gc_idx] : 0xff;
    default: return 0xff;
    }
}

static void ar_write(Vga *s, uint8_t v)
{
    if (!s->ar_flip) {
        s->ar_idx = v & 0x3f;
    } else if ((s->ar_idx & 0x1f) < AR_N) {
        unsigned i = s->ar_idx & 0x1f;
        s->ar[i] = i < 16 ? v & 0x3f : v;
        s->full_redraw = true;
    }
    s->ar_flip = !s->ar_flip;
}

static void crtc_write(Vga *s, uint8_t v)
{
    if (s->crtc_idx >= CRTC_N)
        return;
    /* CRTC 0x11 bit 7 protects registers 0-7 (except the overflow's
     * line-compare bit 4 in 7). */
    if ((s->crtc[0x11] & 0x80) && s->crtc_idx <= 7) {
        if (s->crtc_idx == 7)
            s->crtc[7] = (uint8_t)((s->crtc[7] & ~0x10) | (v & 0x10));
        return;
    }
    s->crtc[s->crtc_idx] = v;
    s->full_redraw = true;
}

static void port_write(Vga *s, unsigned port, uint8_t v)
{
    int c = crtc_port(s, port);
    if (c == 4) { s->crtc_idx = v & 0x3f; return; }
    if (c == 5) { crtc_write(s, v); return; }
    if (c == 0xa) { s->feature = v; return; }
    switch (port) {
    case 0x3c0: ar_write(s, v); break;
    case 0x3c2: s->misc = v; s->full_redraw = true; break;
    case 0x3c4: s->seq_idx = v & 0x07; break;
    case 0x3c5:
        if (s->seq_idx < SEQ_N) {
            s->seq[s->seq_idx] = v;
            s->full_redraw = true;
        }
        break;
    case 0x3c6: s->dac_mask = v; s->full_redraw = true; break;
    case 0x3c7: s->dac_read_idx = v; s->dac_sub = 0; s->dac_state = 0x00; break;
    case 0x3c8: s->dac_write_idx = v; s->dac_sub = 0; s->dac_state = 0x03; break;
    case 0x3c9: dac_write(s, v); break;
    case 0x3ce: s->gc_idx = v & 0x0f; break;
    case 0x3cf:
        if (s->gc_idx < GC_N) {
            s->gc[s->gc_idx] = v;
            s->full_redraw = true;
        }
        break;
    default:
        guest_error("vga: write 0x%02x to port 0x%03x ignored\n", v, port);
        break;
    }
}

static uint64_t vga_io_read(void *opaque, uint64_t off, unsigned size)
{
    return port_read(opaque, 0x3b0 + (unsigned)off);
}

static void vga_io_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    port_write(opaque, 0x3b0 + (unsigned)off, (uint8_t)val);
}

static const MemOps vga_io_ops = { vga_io_read, vga_io_write, 1, 1 };

/* ---- lifecycle ---- */

void vga_reset(void *opaque)
{
    Vga *s = opaque;
    s->misc = 0x01;                  /* colour addressing */
    s->feature = 0;
    s->seq_idx = s->gc_idx = s->crtc_idx = s->ar_idx = 0;
    memset(s->seq, 0, sizeof s->seq);
    memset(s->gc, 0, sizeof s->gc);
    memset(s->crtc, 0, sizeof s->crtc);
    memset(s->ar, 0, sizeof s->ar);
    s->seq[2] = 0x0f;
    s->gc[8] = 0xff;
    s->ar_flip = false;
    s->dac_mask = 0xff;
    s->dac_read_idx = s->dac_write_idx = s->dac_sub = s->dac_state = 0;
    memset(s->dac, 0, sizeof s->dac);
    memset(s->latch, 0, sizeof s->latch);
    vbe_reset(s);
    s->full_redraw = true;
}

static void vga_destroy(void *opaque)
{
    Vga *s = opaque;
    free(s->vram);
    free(s->fb);
    free(s->shadow);
    free(s);
}

Vga *vga_create(Machine *m)
{
    Vga *s = calloc(1, sizeof *s);
    if (!s || !(s->vram = aligned_alloc(4096, VGA_VRAM_SIZE)) ||
        !(s->fb = calloc((size_t)VGA_MAX_W * VGA_MAX_H, sizeof *s->fb))) {
        fprintf(stderr, "tandem: cannot allocate video memory\n");
        exit(1);
    }
    s->m = m;
    memset(s->vram, 0, VGA_VRAM_SIZE);
    io_map(&m->io, 0x3b0, 0x30, &vga_io_ops, s, "vga");
    phys_add_mmio(&m->mem, "vga-window", 0xa0000, 0x20000, &vga_mem_ops, s, PCI_PRIO_LEGACY);
    vbe_init(s);
    vga_reset(s);
    machine_add_device(m, "vga", &vga_state, s, vga_reset, vga_destroy);
    machine_add_region(m, "vga.vram", s->vram, VGA_VRAM_SIZE, vga_vram_loaded, s);
    return s;
}
