/* Segmentation: descriptor fetch and decode, segment register loads with their
 * protection checks, and the per-segment fast limit checks. */
#ifndef CPU_SEG_H
#define CPU_SEG_H

#include "cpu/cpu.h"

/* A descriptor as read from the GDT/LDT; hi2/hi3 are the upper 8 bytes of a
 * 16-byte system descriptor in long mode. */
typedef struct Desc {
    uint32_t lo, hi, hi2, hi3;
} Desc;

static inline uint64_t desc_base(const Desc *d)
{
    return (d->lo >> 16) | ((uint64_t)(d->hi & 0xff) << 16) | (d->hi & 0xff000000u);
}

static inline uint32_t desc_limit(const Desc *d)
{
    uint32_t l = (d->lo & 0xffff) | (d->hi & 0xf0000);
    return (d->hi & (1u << 23)) ? (l << 12) | 0xfff : l;
}

/* SegCache.attr: access byte (descriptor bits 40-47) in 0-7, flags nibble
 * (AVL, L, D/B, G: bits 52-55) in 8-11. */
static inline uint16_t desc_attr(const Desc *d)
{
    return (uint16_t)(((d->hi >> 8) & 0xff) | ((d->hi >> 12) & 0xf00));
}
static inline unsigned desc_dpl(const Desc *d) { return (d->hi >> 13) & 3; }
static inline bool desc_present(const Desc *d) { return d->hi & (1u << 15); }
static inline bool desc_is_seg(const Desc *d) { return d->hi & (1u << 12); }       /* S bit */
static inline bool desc_is_code(const Desc *d) { return desc_is_seg(d) && (d->hi & (1u << 11)); }
static inline unsigned desc_type(const Desc *d) { return (d->hi >> 8) & 0xf; }
static inline bool desc_is_conforming(const Desc *d) { return desc_is_code(d) && (d->hi & (4u << 8)); }
/* Code: readable; data: writable (type bit 1). */
static inline bool desc_rw(const Desc *d) { return d->hi & (2u << 8); }
static inline bool desc_is_data(const Desc *d) { return desc_is_seg(d) && !desc_is_code(d); }

/* System descriptor types (S = 0). */
enum {
    DT_TSS16 = 1, DT_LDT = 2, DT_TSS16_BUSY = 3, DT_CALL16 = 4, DT_TASK = 5, DT_INT16 = 6,
    DT_TRAP16 = 7, DT_TSS32 = 9, DT_TSS32_BUSY = 11, DT_CALL32 = 12, DT_INT32 = 14, DT_TRAP32 = 15,
    DT_BUSY = 2,        /* busy bit of a TSS type */
};

/* Error code naming a selector: index and TI, no RPL (bits 0-1 are EXT/IDT). */
static inline uint32_t sel_err(uint16_t sel) { return sel & 0xfffc; }

/* Reads the descriptor for sel from the GDT or LDT.  Returns false when the
 * selector's index is beyond the table's limit (or the LDT is unusable).
 * wide: read 16 bytes (long-mode system descriptors). */
bool desc_read(Cpu *cpu, uint16_t sel, Desc *d, bool wide);
/* Same, raising exc(sel & 0xfffc) when beyond the limit. */
void desc_read_or_raise(Cpu *cpu, uint16_t sel, Desc *d, bool wide, int exc);
/* Sets the accessed bit of a code/data descriptor in the table. */
void desc_set_accessed(Cpu *cpu, uint16_t sel, Desc *d);
/* Writes the descriptor's second dword back (busy bits of TSS descriptors). */
void desc_write_hi(Cpu *cpu, uint16_t sel, uint32_t hi);

void seg_cache_from_desc(SegCache *s, uint16_t sel, const Desc *d);
/* Loads CS from a checked code descriptor with RPL = cpl (sets the accessed bit). */
void seg_load_cs(Cpu *cpu, uint16_t sel, Desc *d, unsigned cpl);
/* Loads SS from a checked stack descriptor (sets the accessed bit); the CPL
 * follows SS.DPL. */
void seg_load_ss(Cpu *cpu, uint16_t sel, Desc *d);
/* Real-mode and virtual-8086 loads: base = sel << 4. */
void seg_load_real(Cpu *cpu, int seg, uint16_t sel);
/* MOV/POP/LDS-family load of ES/SS/DS/FS/GS with every protected-mode check. */
void seg_load(Cpu *cpu, int seg, uint16_t sel);
/* Installs a cache entry and refreshes the derived state (mode if CS/SS). */
void seg_set(Cpu *cpu, int seg, const SegCache *sc);
/* Null selector load: the segment becomes unusable (outside 64-bit mode). */
void seg_set_null(Cpu *cpu, int seg, uint16_t sel);
/* After a privilege change to an outer level: DS/ES/FS/GS that the new CPL may
 * not use become null (RET/IRET to an outer level). */
void seg_validate_outer(Cpu *cpu, int seg);

/* Recomputes the fast limit-check window of one segment register. */
void seg_update_checks(Cpu *cpu, int seg);

#endif
