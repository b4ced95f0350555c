#ifndef VAETOP_CNCURSESW_SHIM_H
#define VAETOP_CNCURSESW_SHIM_H
/* The wide-character API is declared only when NCURSES_WIDECHAR is 1; Swift's importer
   does not define _XOPEN_SOURCE, so force it before including curses.h. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* Macros and globals that Swift 6 cannot import or use. */
static inline int     nc_color_pair(int n)      { return (int)COLOR_PAIR(n); }
static inline attr_t  nc_a_normal(void)    { return A_NORMAL; }
static inline attr_t  nc_a_bold(void)      { return A_BOLD; }
static inline attr_t  nc_a_dim(void)       { return A_DIM; }
static inline attr_t  nc_a_reverse(void)   { return A_REVERSE; }
static inline attr_t  nc_a_underline(void) { return A_UNDERLINE; }
static inline int     nc_colors(void)      { return COLORS; }
static inline int     nc_color_pairs(void) { return COLOR_PAIRS; }
static inline void    nc_getmaxyx(WINDOW *w, int *y, int *x) { getmaxyx(w, *y, *x); }
static inline const char *nc_codeset(void) { return nl_langinfo(CODESET); }
static inline WINDOW *nc_stdscr_ptr(void) { return stdscr; }
/* newterm on the process's stdout/stdin: unlike initscr it returns NULL instead of exiting. */
static inline SCREEN *nc_newterm(void) { return newterm(NULL, stdout, stdin); }
/* Mouse: clicks and the wheel (buttons 4 and 5), reported at once (no click interval). */
static inline void nc_mouse_on(void) { mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL); mouseinterval(0); }
/* The next mouse event: 0 press, 1 wheel up, 2 wheel down, -1 none or another button. */
static inline int nc_mouse_event(int *x, int *y) {
    MEVENT e;
    if (getmouse(&e) != OK) return -1;
    *x = e.x; *y = e.y;
    if (e.bstate & BUTTON4_PRESSED) return 1;
    if (e.bstate & BUTTON5_PRESSED) return 2;
    if (e.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) return 0;
    return -1;
}
/* The same for a named terminal type (a -direct variant for 24-bit colour). */
static inline SCREEN *nc_newterm_named(const char *type) { return newterm(type, stdout, stdin); }
#endif
