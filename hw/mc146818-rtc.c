/* Motorola MC146818A real-time clock plus RAM.  Datasheet: Motorola
 * MC146818A (REV 1), registers A-D, update cycle, interrupts.
 *
 * The divider chain.  Divider seconds are counted from a virtual-time phase:
 * divider second n starts (its update cycle begins) at clock time
 * S(n) = n * 1e9 - div_base and the 32.768 kHz divider tick j at
 * j * 1e9 / 32768 - div_base.  The chain runs while DV2-0 = 010; every other
 * value holds it (the PC's crystal is 32.768 kHz, so only 010 keeps time;
 * 11x is the datasheet's divider reset), and when it starts again the first
 * update comes half a second later (the datasheet) and the first periodic
 * edge one period later (the datasheet does not say).
 *
 * The time.  While the divider runs and SET = 0 the calendar second shown is
 * sec_index(now) + sec_offset, converted to registers in the current data
 * mode on every read.  Updates take effect at S(n): UIP is 1 from 244 us
 * before S(n) to the end of the update cycle (S(n) + 1984 us), where UF is
 * set and the alarm compared.  While halted (SET = 1 or the divider held)
 * registers 0-9 are plain bytes in cmos[]; when the time runs again they
 * are turned back into sec_offset, keeping the divider phase (SET does not
 * stop the divider, so the next update comes at the next divider second).
 *
 * The calendar is the chip's own: two-digit years, every fourth year (00
 * included) a leap year, so a century is 36525 days; registers 0-9 are a
 * function of the seconds since 1970 through that calendar with year 00 at
 * 2000-01-01 (the Gregorian calendar agrees from 1901 to 2099).  The day of
 * the week is a separate counter (1-7) advancing at midnight: it is kept
 * as an offset from the date's weekday.
 *
 * Flags.  PF, AF and UF are set by their events whatever the enable bits
 * say; IRQF = PF.PIE + AF.AIE + UF.UIE drives the IRQ line (high while set)
 * and reading register C clears them all.  Events are accounted lazily over
 * (flags_ns, now] before any clock register changes, when C is read and
 * from the Timer, which is armed for the next event only while one is
 * enabled and the line is low.
 *
 * Not modelled: DSE (stored, no daylight-saving jumps); the square-wave pin
 * (not connected on the PC); writes of DM or 24/12 while the clock runs do
 * not leave the old bytes in place as the chip would: the time reads in the
 * new format at once.  Out-of-range values written as the time are
 * normalised (guest_error). */
#include "hw/mc146818-rtc.h"

#include <stdlib.h>

#include "system/log.h"

#define NS_PER_SEC 1000000000ll
#define DIV_HZ 32768
#define SECS_PER_DAY 86400
#define DAYS_1970_TO_2000 10957
#define DAYS_PER_CENTURY 36525      /* the chip's: 25 leap years in 100 */
#define DAYS_PER_4Y 1461

typedef struct RtcTime {
    int sec, min, hour;             /* hour 0-23 */
    int dow;                        /* 1-7, 1 = Sunday */
    int day, month, year;           /* 1-31, 1-12, 0-99 */
} RtcTime;

static const uint16_t month_start[2][13] = {
    { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365 },
    { 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366 },
};

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

static uint64_t now_ns(Rtc *r)
{
    return clock_ns(&r->m->clock);
}

static bool div_running(const Rtc *r)
{
    return (r->cmos[RTC_REG_A] & RTC_A_DV_MASK) == RTC_A_DV_32K;
}

static bool time_running(const Rtc *r)
{
    return div_running(r) && !(r->cmos[RTC_REG_B] & RTC_B_SET);
}

/* ---- the divider ---- */

static int64_t wall(const Rtc *r, uint64_t t)
{
    return (int64_t)t + r->div_base;
}

/* Divider second in progress at clock time t. */
static int64_t sec_index(const Rtc *r, uint64_t t)
{
    return floor_div(wall(r, t), NS_PER_SEC);
}

/* Clock time at which divider second n starts (its update cycle begins). */
static int64_t update_start(const Rtc *r, int64_t n)
{
    return n * NS_PER_SEC - r->div_base;
}

/* 32.768 kHz ticks of the divider at clock time t. */
static int64_t div_tick(const Rtc *r, uint64_t t)
{
    __int128 x = (__int128)wall(r, t) * DIV_HZ;
    __int128 q = x / NS_PER_SEC;
    if (x % NS_PER_SEC && x < 0)
        q--;
    return (int64_t)q;
}

/* Periodic interrupt period in divider ticks (RS3-0), 0 = none.  With the
 * 32.768 kHz time base RS = 1 and 2 give the rates of RS = 8 and 9. */
static unsigned periodic_ticks(const Rtc *r)
{
    unsigned rs = r->cmos[RTC_REG_A] & RTC_A_RS_MASK;
    if (!rs)
        return 0;
    if (rs < 3)
        rs += 7;
    return 1u << (rs - 1);
}

/* A periodic edge in (a, b]? */
static bool periodic_between(const Rtc *r, uint64_t a, uint64_t b)
{
    unsigned p = periodic_ticks(r);
    if (!p || !div_running(r) || b <= a)
        return false;
    return floor_div(div_tick(r, b), p) > floor_div(div_tick(r, a), p);
}

/* Clock time of the first periodic edge after t. */
static uint64_t periodic_next(const Rtc *r, uint64_t t)
{
    unsigned p = periodic_ticks(r);
    int64_t j = (floor_div(div_tick(r, t), p) + 1) * p;
    __int128 x = (__int128)j * NS_PER_SEC;
    __int128 ns = x / DIV_HZ;
    if (x % DIV_HZ && x > 0)
        ns++;                       /* the first ns at or after tick j */
    return (uint64_t)(ns - r->div_base);
}

/* The first update that counts: one that began after the time last started
 * running (an update "in progress" when SET is cleared was inhibited). */
static int64_t first_update(const Rtc *r)
{
    return floor_div((int64_t)r->run_start + r->div_base, NS_PER_SEC) + 1;
}

/* Updates that end (UF) in (a, b]: [*lo, *hi]. */
static bool updates_between(const Rtc *r, uint64_t a, uint64_t b, int64_t *lo, int64_t *hi)
{
    if (!time_running(r) || b <= a)
        return false;
    int64_t l = floor_div((int64_t)a - RTC_UPDATE_NS + r->div_base, NS_PER_SEC) + 1;
    int64_t h = floor_div((int64_t)b - RTC_UPDATE_NS + r->div_base, NS_PER_SEC);
    int64_t f = first_update(r);
    if (l < f)
        l = f;
    if (l > h)
        return false;
    *lo = l;
    *hi = h;
    return true;
}

/* The first update ending after t. */
static int64_t update_next(const Rtc *r, uint64_t t)
{
    int64_t n = floor_div((int64_t)t - RTC_UPDATE_NS + r->div_base, NS_PER_SEC) + 1;
    int64_t f = first_update(r);
    return n < f ? f : n;
}

static uint64_t update_end(const Rtc *r, int64_t n)
{
    return (uint64_t)(update_start(r, n) + RTC_UPDATE_NS);
}

/* Update in progress or about to begin at t? */
static bool uip(const Rtc *r, uint64_t t)
{
    if (!time_running(r))
        return false;
    int64_t n = floor_div((int64_t)t + RTC_UIP_LEAD_NS + r->div_base, NS_PER_SEC);
    return n >= first_update(r) && (int64_t)t < update_start(r, n) + RTC_UPDATE_NS;
}

/* ---- calendar ---- */

static bool mode_binary(const Rtc *r)
{
    return r->cmos[RTC_REG_B] & RTC_B_DM;
}

static uint8_t enc(const Rtc *r, int v)
{
    return mode_binary(r) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

/* A register byte as a number, -1 if it is no valid BCD. */
static int dec(const Rtc *r, uint8_t b)
{
    if (mode_binary(r))
        return b;
    if ((b & 15) > 9 || (b >> 4) > 9)
        return -1;
    return (b >> 4) * 10 + (b & 15);
}

static uint8_t enc_hour(const Rtc *r, int h)
{
    if (r->cmos[RTC_REG_B] & RTC_B_24H)
        return enc(r, h);
    int h12 = h % 12 ? h % 12 : 12;
    return (uint8_t)(enc(r, h12) | (h >= 12 ? 0x80 : 0));
}

static int dec_hour(const Rtc *r, uint8_t b)
{
    if (r->cmos[RTC_REG_B] & RTC_B_24H)
        return dec(r, b);
    int h = dec(r, b & 0x7f);
    if (h < 1 || h > 12)
        return -1;
    return h % 12 + (b & 0x80 ? 12 : 0);
}

static int month_days(int month, int year)
{
    int leap = year % 4 == 0;
    return month_start[leap][month] - month_start[leap][month - 1];
}

/* Days since 1970-01-01 of a date of the chip's calendar (year 0-99 = 20yy). */
static int64_t days_of(int year, int month, int day)
{
    int leap = year % 4 == 0;
    return DAYS_1970_TO_2000 + year * 365 + (year + 3) / 4 + month_start[leap][month - 1] + day - 1;
}

static int weekday0(int64_t days)      /* 0 = Sunday; 1970-01-01 was a Thursday */
{
    return (int)floor_mod(days + 4, 7);
}

static void time_of(const Rtc *r, int64_t secs, RtcTime *tm)
{
    int64_t days = floor_div(secs, SECS_PER_DAY);
    int sod = (int)(secs - days * SECS_PER_DAY);
    tm->sec = sod % 60;
    tm->min = sod / 60 % 60;
    tm->hour = sod / 3600;
    tm->dow = (weekday0(days) + r->dow_adj) % 7 + 1;
    int c = (int)floor_mod(days - DAYS_1970_TO_2000, DAYS_PER_CENTURY);
    int year = c / DAYS_PER_4Y * 4, d = c % DAYS_PER_4Y;
    if (d >= 366) {             /* the first year of each four is the leap year */
        d -= 366;
        year += 1 + d / 365;
        d %= 365;
    }
    int leap = year % 4 == 0, m = 1;
    while (d >= month_start[leap][m])
        m++;
    tm->year = year;
    tm->month = m;
    tm->day = d - month_start[leap][m - 1] + 1;
}

static int64_t now_secs(const Rtc *r, uint64_t t)
{
    return sec_index(r, t) + r->sec_offset;
}

static uint8_t time_byte(const Rtc *r, const RtcTime *tm, unsigned idx)
{
    switch (idx) {
    case RTC_SEC: return enc(r, tm->sec);
    case RTC_MIN: return enc(r, tm->min);
    case RTC_HOUR: return enc_hour(r, tm->hour);
    case RTC_DOW: return enc(r, tm->dow);
    case RTC_DAY: return enc(r, tm->day);
    case RTC_MONTH: return enc(r, tm->month);
    default: return enc(r, tm->year);
    }
}

static const uint8_t time_regs[7] = { RTC_SEC, RTC_MIN, RTC_HOUR, RTC_DOW, RTC_DAY, RTC_MONTH, RTC_YEAR };

static bool is_time_reg(unsigned idx)
{
    return idx <= RTC_YEAR && idx != RTC_SEC_ALARM && idx != RTC_MIN_ALARM && idx != RTC_HOUR_ALARM;
}

/* The running time into registers 0-9 (the clock halts). */
static void store_time(Rtc *r, uint64_t t)
{
    RtcTime tm;
    time_of(r, now_secs(r, t), &tm);
    for (int i = 0; i < 7; i++)
        r->cmos[time_regs[i]] = time_byte(r, &tm, time_regs[i]);
}

/* A time field read back from its register, normalised into [lo, hi]. */
static int field(const char *name, int v, int lo, int hi, uint8_t raw)
{
    if (v >= lo && v <= hi)
        return v;
    guest_error("mc146818: %s register 0x%02x is out of range: using %d\n", name, raw, lo);
    return lo;
}

/* Registers 0-9 into sec_offset and dow_adj (the clock runs from them). */
static void load_time(Rtc *r, uint64_t t)
{
    const uint8_t *c = r->cmos;
    int sec = field("seconds", dec(r, c[RTC_SEC]), 0, 59, c[RTC_SEC]);
    int min = field("minutes", dec(r, c[RTC_MIN]), 0, 59, c[RTC_MIN]);
    int hour = field("hours", dec_hour(r, c[RTC_HOUR]), 0, 23, c[RTC_HOUR]);
    int year = field("year", dec(r, c[RTC_YEAR]), 0, 99, c[RTC_YEAR]);
    int month = field("month", dec(r, c[RTC_MONTH]), 1, 12, c[RTC_MONTH]);
    int day = dec(r, c[RTC_DAY]);
    if (day > month_days(month, year)) {
        guest_error("mc146818: date register 0x%02x is beyond the end of month %d: using %d\n",
                    c[RTC_DAY], month, month_days(month, year));
        day = month_days(month, year);
    }
    day = field("date", day, 1, 31, c[RTC_DAY]);
    int64_t days = days_of(year, month, day);
    int dow = dec(r, c[RTC_DOW]);
    if (dow < 1 || dow > 7) {
        guest_error("mc146818: day-of-week register 0x%02x is out of range: using the date's\n",
                    c[RTC_DOW]);
        dow = weekday0(days) + 1;
    }
    r->dow_adj = (uint8_t)floor_mod(dow - 1 - weekday0(days), 7);
    int64_t secs = days * SECS_PER_DAY + hour * 3600 + min * 60 + sec;
    r->sec_offset = secs - sec_index(r, t);
}

/* ---- the alarm ---- */

typedef struct AlarmSet {
    uint64_t sec, min;              /* bit v: value v matches */
    uint32_t hour;
} AlarmSet;

static bool alarm_byte_matches(uint8_t alarm, uint8_t v)
{
    return (alarm & 0xc0) == 0xc0 || alarm == v;    /* 11xxxxxx: don't care */
}

/* The alarm registers compare with the time bytes in the current mode. */
static void alarm_set(const Rtc *r, AlarmSet *a)
{
    *a = (AlarmSet){ 0 };
    for (int v = 0; v < 60; v++) {
        if (alarm_byte_matches(r->cmos[RTC_SEC_ALARM], enc(r, v)))
            a->sec |= 1ull << v;
        if (alarm_byte_matches(r->cmos[RTC_MIN_ALARM], enc(r, v)))
            a->min |= 1ull << v;
    }
    for (int h = 0; h < 24; h++)
        if (alarm_byte_matches(r->cmos[RTC_HOUR_ALARM], enc_hour(r, h)))
            a->hour |= 1u << h;
}

/* Seconds from time of day tod to the first matching one (tod included,
 * wrapping at midnight), or -1 if none ever matches. */
static int64_t alarm_wait(const AlarmSet *a, int64_t tod)
{
    if (!a->sec || !a->min || !a->hour)
        return -1;
    int64_t q0 = tod / 60, s0 = tod % 60;
    for (int64_t i = 0; i <= 24 * 60; i++) {
        int64_t q = (q0 + i) % (24 * 60);
        if (!(a->hour >> (q / 60) & 1) || !(a->min >> (q % 60) & 1))
            continue;
        uint64_t s = i ? a->sec : a->sec >> s0 << s0;
        if (s)
            return i * 60 + __builtin_ctzll(s) - s0;
    }
    return -1;
}

/* Of the updates from lo on, the first whose new time matches the alarm
 * (-1: none). */
static int64_t alarm_update(const Rtc *r, int64_t lo)
{
    AlarmSet a;
    alarm_set(r, &a);
    int64_t d = alarm_wait(&a, floor_mod(lo + r->sec_offset, SECS_PER_DAY));
    return d < 0 ? -1 : lo + d;
}

/* ---- flags, IRQ and timer ---- */

/* Sets the flags of the events in (flags_ns, t]. */
static void rtc_sync(Rtc *r, uint64_t t)
{
    if (t <= r->flags_ns)
        return;
    if (periodic_between(r, r->flags_ns, t))
        r->flags |= RTC_C_PF;
    int64_t lo, hi;
    if (updates_between(r, r->flags_ns, t, &lo, &hi)) {
        r->flags |= RTC_C_UF;
        int64_t n = alarm_update(r, lo);
        if (n >= 0 && n <= hi)
            r->flags |= RTC_C_AF;
    }
    r->flags_ns = t;
}

static bool irqf(const Rtc *r)
{
    return r->flags & r->cmos[RTC_REG_B] & (RTC_B_PIE | RTC_B_AIE | RTC_B_UIE);
}

static void update_irq(Rtc *r)
{
    int level = irqf(r);
    if (r->irq_level != level || r->irq.level != level) {
        r->irq_level = (uint8_t)level;
        irq_set(&r->irq, level);
    }
}

/* Arms the timer for the next enabled event (only while the line is low:
 * once IRQF is set nothing can change until register C is read). */
static void rearm(Rtc *r, uint64_t t)
{
    uint64_t next = UINT64_MAX;
    uint8_t b = r->cmos[RTC_REG_B];
    if (!r->irq_level) {
        if ((b & RTC_B_PIE) && periodic_ticks(r) && div_running(r))
            next = periodic_next(r, t);
        if ((b & (RTC_B_UIE | RTC_B_AIE)) && time_running(r)) {
            int64_t n = update_next(r, t);
            if (!(b & RTC_B_UIE))
                n = alarm_update(r, n);
            if (n >= 0 && update_end(r, n) < next)
                next = update_end(r, n);
        }
    }
    if (next == UINT64_MAX)
        timer_del(&r->timer);
    else
        timer_mod(&r->timer, next);
}

static void rtc_timer_cb(void *opaque)
{
    Rtc *r = opaque;
    uint64_t t = now_ns(r);
    rtc_sync(r, t);
    update_irq(r);
    rearm(r, t);
}

/* ---- registers ---- */

static void write_a(Rtc *r, uint8_t v, uint64_t t)
{
    bool was_div = div_running(r), was_time = time_running(r);
    unsigned dv = (v >> 4) & 7;
    if (dv != 2 && dv < 6)
        guest_error("mc146818: divider select %u%u%u: the PC's time base is 32.768 kHz (010); "
                    "the divider chain stops\n", dv >> 2, (dv >> 1) & 1, dv & 1);
    if (was_time && (v & RTC_A_DV_MASK) != RTC_A_DV_32K)
        store_time(r, t);
    r->cmos[RTC_REG_A] = v & ~RTC_A_UIP;            /* UIP is read-only */
    if (!was_div && div_running(r)) {
        /* Out of reset: the first update cycle begins half a second later. */
        r->div_base = NS_PER_SEC / 2 - (int64_t)t;
        if (time_running(r)) {
            load_time(r, t);
            r->run_start = t;
        }
    }
}

static void write_b(Rtc *r, uint8_t v, uint64_t t)
{
    bool was_time = time_running(r);
    if ((v & RTC_B_SET) && !(r->cmos[RTC_REG_B] & RTC_B_SET)) {
        /* SET going high aborts any update, halts the time and clears UIE. */
        if (was_time)
            store_time(r, t);
        v &= ~RTC_B_UIE;
    }
    r->cmos[RTC_REG_B] = v;
    if (!was_time && time_running(r)) {
        load_time(r, t);
        r->run_start = t;
    }
}

static uint8_t read_reg(Rtc *r, unsigned idx, uint64_t t)
{
    switch (idx) {
    case RTC_REG_A:
        return (uint8_t)(r->cmos[RTC_REG_A] | (uip(r, t) ? RTC_A_UIP : 0));
    case RTC_REG_C: {
        rtc_sync(r, t);
        uint8_t v = (uint8_t)(r->flags | (irqf(r) ? RTC_C_IRQF : 0));
        r->flags = 0;
        update_irq(r);
        rearm(r, t);
        return v;
    }
    case RTC_REG_D:
        return RTC_D_VRT;
    default:
        if (is_time_reg(idx) && time_running(r)) {
            RtcTime tm;
            time_of(r, now_secs(r, t), &tm);
            return time_byte(r, &tm, idx);
        }
        return r->cmos[idx];
    }
}

static void write_reg(Rtc *r, unsigned idx, uint8_t v, uint64_t t)
{
    if (idx >= 0x0e) {
        r->cmos[idx] = v;
        return;
    }
    rtc_sync(r, t);
    switch (idx) {
    case RTC_REG_A:
        write_a(r, v, t);
        break;
    case RTC_REG_B:
        write_b(r, v, t);
        break;
    case RTC_REG_C:
    case RTC_REG_D:
        guest_error("mc146818: write 0x%02x to read-only register %c ignored\n", v,
                    idx == RTC_REG_C ? 'C' : 'D');
        break;
    default:
        if (is_time_reg(idx) && time_running(r)) {
            /* The byte changes under the running clock, which counts on from it. */
            store_time(r, t);
            r->cmos[idx] = v;
            load_time(r, t);
        } else {
            r->cmos[idx] = v;
        }
        break;
    }
    update_irq(r);
    rearm(r, t);
}

static uint64_t rtc_io_read(void *opaque, uint64_t off, unsigned size)
{
    Rtc *r = opaque;
    if (off == 0) {
        /* Port 0x70 is write-only on the PIIX: the bus floats.  Not logged:
         * SeaBIOS reads it on every mode switch to save the NMI mask (and
         * takes 0xff as "NMI already masked"). */
        return 0xff;
    }
    return read_reg(r, r->index, now_ns(r));
}

static void rtc_io_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    Rtc *r = opaque;
    uint8_t v = (uint8_t)val;
    if (off == 0) {
        r->index = v & (RTC_CMOS_SIZE - 1);
        r->nmi_masked = v >> 7;
        return;
    }
    write_reg(r, r->index, v, now_ns(r));
}

static const MemOps rtc_ops = { rtc_io_read, rtc_io_write, 1, 1 };

/* ---- board interface ---- */

void rtc_set_cmos(Rtc *r, unsigned index, uint8_t value)
{
    if (index < 0x0e || index >= RTC_CMOS_SIZE) {
        fprintf(stderr, "tandem: rtc_set_cmos: index 0x%x is not CMOS RAM\n", index);
        abort();
    }
    r->cmos[index] = value;
}

uint8_t rtc_get_cmos(const Rtc *r, unsigned index)
{
    return index < RTC_CMOS_SIZE ? r->cmos[index] : 0xff;
}

bool rtc_nmi_masked(const Rtc *r)
{
    return r->nmi_masked;
}

void rtc_reset(void *opaque)
{
    Rtc *r = opaque;
    uint64_t t = now_ns(r);
    rtc_sync(r, t);
    r->cmos[RTC_REG_B] &= (uint8_t)~(RTC_B_PIE | RTC_B_AIE | RTC_B_UIE | RTC_B_SQWE);
    r->flags = 0;
    r->nmi_masked = 0;
    r->irq_level = 0;
    irq_set(&r->irq, 0);
    timer_del(&r->timer);
}

static int rtc_post_load(void *opaque)
{
    Rtc *r = opaque;
    if (r->index >= RTC_CMOS_SIZE || r->nmi_masked > 1 ||
        (r->flags & ~(RTC_C_PF | RTC_C_AF | RTC_C_UF)) || r->irq_level > 1 || r->dow_adj > 6 ||
        (r->cmos[RTC_REG_A] & RTC_A_UIP) || r->irq_level != irqf(r))
        return -1;
    r->irq.level = r->irq_level;    /* the PIC restored its view of the line */
    return 0;
}

static const StateField rtc_fields[] = {
    STATE_UINT_ARRAY(Rtc, cmos),
    STATE_UINT(Rtc, index),
    STATE_UINT(Rtc, nmi_masked),
    STATE_UINT(Rtc, flags),
    STATE_UINT(Rtc, irq_level),
    STATE_UINT(Rtc, dow_adj),
    STATE_UINT(Rtc, div_base),
    STATE_UINT(Rtc, sec_offset),
    STATE_UINT(Rtc, run_start),
    STATE_UINT(Rtc, flags_ns),
    STATE_TIMER(Rtc, timer),
    STATE_END
};

static const StateDesc rtc_state = { "mc146818", 1, rtc_fields, rtc_post_load };

static void rtc_destroy(void *opaque)
{
    Rtc *r = opaque;
    timer_del(&r->timer);
    free(r);
}

Rtc *rtc_create(Machine *m)
{
    Rtc *r = calloc(1, sizeof *r);
    if (!r)
        abort();
    r->m = m;
    timer_init(&r->timer, &m->clock, rtc_timer_cb, r);
    uint64_t t = now_ns(r);
    /* Power-on: the battery kept the clock running at the host's time, and
     * the BIOS's usual setup (32.768 kHz, 1024 Hz periodic rate, 24 h BCD). */
    r->cmos[RTC_REG_A] = RTC_A_DV_32K | 6;
    r->cmos[RTC_REG_B] = RTC_B_24H;
    r->div_base = clock_epoch_ns(&m->clock);
    r->sec_offset = 0;
    r->run_start = t;
    r->flags_ns = t;
    io_map(&m->io, 0x70, 2, &rtc_ops, r, "mc146818");
    rtc_reset(r);
    machine_add_device(m, "mc146818", &rtc_state, r, rtc_reset, rtc_destroy);
    return r;
}

void rtc_info(Rtc *r, FILE *f)
{
    uint64_t t = now_ns(r);
    uint8_t reg[10];
    for (unsigned i = 0; i < 10; i++)
        reg[i] = (is_time_reg(i) && time_running(r)) ? read_reg(r, i, t) : r->cmos[i];
    fprintf(f, "time %02x-%02x-%02x %02x:%02x:%02x dow %02x (%s, %s)%s%s\n", reg[RTC_YEAR],
            reg[RTC_MONTH], reg[RTC_DAY], reg[RTC_HOUR], reg[RTC_MIN], reg[RTC_SEC], reg[RTC_DOW],
            mode_binary(r) ? "binary" : "BCD", (r->cmos[RTC_REG_B] & RTC_B_24H) ? "24h" : "12h",
            time_running(r) ? "" : " halted", uip(r, t) ? " UIP" : "");
    fprintf(f, "alarm %02x:%02x:%02x  A=%02x B=%02x C=%02x D=%02x  irq=%d nmi %s index=0x%02x\n",
            r->cmos[RTC_HOUR_ALARM], r->cmos[RTC_MIN_ALARM], r->cmos[RTC_SEC_ALARM],
            r->cmos[RTC_REG_A], r->cmos[RTC_REG_B], r->flags | (irqf(r) ? RTC_C_IRQF : 0), RTC_D_VRT,
            r->irq_level, r->nmi_masked ? "masked" : "enabled", r->index);
}
