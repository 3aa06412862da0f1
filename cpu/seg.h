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

static inline uint16_t desc_attr(const Desc *d) { return (uint16_t)((d->hi >> 8) & 0xf0ff); }
static inline unsigned desc_dpl(const Desc *d) { return (d->hi >> 13) & 3; }
static inline bool desc_present(const Desc *d) { return d->hi & (1u << 15); }
static inline bool desc_is_seg(const Desc *d) { return d->hi & (1u << 12); }       /* S bit */
static inline bool desc_is_code(const Desc *d) { return desc_is_seg(d) && (d->hi & (1u << 11)); }
static inline unsigned desc_type(const Desc *d) { return (d->hi >> 8) & 0xf; }

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
