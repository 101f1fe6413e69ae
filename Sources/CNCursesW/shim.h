#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H

/* The module does not use pkg-config (SwiftPM would drop its cflags
   "-D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600" with a "prohibited flag(s)" warning);
   module.modulemap links ncursesw. _XOPEN_SOURCE is what would switch on the
   wide-character half of <curses.h> (cchar_t, wadd_wch, mvwaddwstr, box_set...):
   switch it on explicitly, before the include. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <langinfo.h>
#include <malloc.h>
#include <string.h>
#include <wchar.h>
#include <curses.h>
#include <term.h>

/* 1 when TERM names a terminfo entry with cursor addressing (`cup`): what a full-screen UI needs.
   0 for TERM=dumb, an unknown TERM or a missing terminfo database. Call before initscr(). */
static inline int ncs_terminal_can_address(void) {
    int err = 0;
    if (setupterm(NULL, 1, &err) != OK) return 0;
    char *cup = tigetstr("cup");
    return cup != NULL && cup != (char *)-1;
}

/* glibc's mallopt(M_ARENA_MAX, n): <malloc.h> is not part of Swift's Glibc module. */
static inline int ncs_limit_malloc_arenas(int n) { return mallopt(M_ARENA_MAX, n); }

/* glibc declares wcwidth() only under _XOPEN_SOURCE; the Glibc module is built without it. */
extern int wcwidth(wchar_t c);

/* A_* attributes expand through NCURSES_BITS(...) casts: Swift does not import them.
   Re-export them as constants (Swift imports `static const` as a `let`). */
static const attr_t ncs_A_NORMAL    = A_NORMAL;
static const attr_t ncs_A_BOLD      = A_BOLD;
static const attr_t ncs_A_DIM       = A_DIM;
static const attr_t ncs_A_REVERSE   = A_REVERSE;
static const attr_t ncs_A_UNDERLINE = A_UNDERLINE;

/* stdscr, LINES, COLS, COLORS are mutable C globals. In Swift 6 mode any reference is an
   error ("reference to var 'stdscr' is not concurrency-safe because it involves shared
   mutable state"). Read them through functions instead. */
static inline WINDOW *ncs_stdscr(void) { return stdscr; }
static inline int ncs_lines(void)  { return LINES; }
static inline int ncs_cols(void)   { return COLS; }
static inline int ncs_colors(void) { return COLORS; }

/* Function-like macros are never imported. (getmaxyx/getyx: use getmaxy()/getmaxx(),
   getcury()/getcurx(), which ncurses also exports as real functions.) */
static inline int ncs_KEY_F(int n) { return KEY_F(n); }

/* Mouse masks are NCURSES_MOUSE_MASK(...) expansions: not imported either. */
static const mmask_t ncs_ALL_MOUSE_EVENTS = ALL_MOUSE_EVENTS;
static const mmask_t ncs_BUTTON1_CLICKED = BUTTON1_CLICKED;
static const mmask_t ncs_BUTTON1_PRESSED = BUTTON1_PRESSED;
static const mmask_t ncs_BUTTON4_PRESSED = BUTTON4_PRESSED; /* wheel up */
static const mmask_t ncs_BUTTON5_PRESSED = BUTTON5_PRESSED; /* wheel down */

/* True when the locale's character set is UTF-8 (after setlocale): otherwise the dashboard draws
   ASCII boxes, sparklines and bars. */
static inline int ncs_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != 0 && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

/* A UTF-8 locale for LC_CTYPE (glibc has C.UTF-8 built in); 0 when the C library has none. */
static inline locale_t ncs_utf8_locale(void) {
    return newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* The C library's display width of code point `cp` (0, 1, 2; -1: unprintable), asked under `loc` for this
   thread only (uselocale), so the answer does not depend on the process locale; `loc` 0: the process locale. */
static inline int ncs_wcwidth(unsigned int cp, locale_t loc) {
    locale_t previous = loc ? uselocale(loc) : (locale_t)0;
    int width = wcwidth((wchar_t)cp);
    if (loc) uselocale(previous);
    return width;
}

#endif /* CNCURSESW_SHIM_H */
