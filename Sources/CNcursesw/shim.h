// Shims for ncurses macros and globals that Swift cannot import directly.
// SwiftPM drops pkg-config's -D_XOPEN_SOURCE, so wide-character support is switched on here.
#ifndef TFDRIFT_CNCURSESW_SHIM_H
#define TFDRIFT_CNCURSESW_SHIM_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <string.h>

int wcwidth(wchar_t c);
int wcswidth(const wchar_t *s, size_t n);

int setupterm(const char *term, int filedes, int *errret);

/// For `doctor`: whether terminfo knows `type`, how many colours it promises and whether it can move the
/// cursor, without touching the screen. 0 when the type is known.
static inline int tfd_terminfo_probe(const char *type, int *colors, int *can_address) {
    int error = 0;
    if (setupterm(type, 2, &error) != OK) return -1;
    *colors = tigetnum("colors");
    const char *cup = tigetstr("cup");
    *can_address = cup != NULL && cup != (const char *)-1;
    return 0;
}

static inline WINDOW *tfd_stdscr(void) { return stdscr; }
static inline int tfd_lines(void) { return LINES; }
static inline int tfd_cols(void) { return COLS; }
static inline int tfd_colors(void) { return COLORS; }
static inline int tfd_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t tfd_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }
static inline attr_t tfd_a_bold(void) { return A_BOLD; }
static inline attr_t tfd_a_dim(void) { return A_DIM; }
static inline attr_t tfd_a_reverse(void) { return A_REVERSE; }
static inline attr_t tfd_a_underline(void) { return A_UNDERLINE; }
static inline attr_t tfd_a_normal(void) { return A_NORMAL; }
static inline int tfd_key_resize(void) { return KEY_RESIZE; }
static inline int tfd_key_btab(void) { return KEY_BTAB; }
static inline int tfd_key_backspace(void) { return KEY_BACKSPACE; }
static inline int tfd_key_up(void) { return KEY_UP; }
static inline int tfd_key_down(void) { return KEY_DOWN; }
static inline int tfd_key_left(void) { return KEY_LEFT; }
static inline int tfd_key_right(void) { return KEY_RIGHT; }
static inline int tfd_key_npage(void) { return KEY_NPAGE; }
static inline int tfd_key_ppage(void) { return KEY_PPAGE; }
static inline int tfd_key_home(void) { return KEY_HOME; }
static inline int tfd_key_end(void) { return KEY_END; }
static inline int tfd_key_code_yes(void) { return KEY_CODE_YES; }

/// Puts one grapheme (up to 8 wide chars) with attributes and a colour pair at (y, x).
static inline int tfd_put_cell(int y, int x, const wchar_t *chars, attr_t attrs, int pair) {
    cchar_t cell;
    if (setcchar(&cell, chars, attrs, (short)pair, NULL) != OK) return ERR;
    return mvadd_wch(y, x, &cell);
}

static inline int tfd_get_wch(wint_t *out) { return wget_wch(stdscr, out); }

static inline void tfd_beep(void) { beep(); }
static inline void tfd_flash(void) { flash(); }

/// Like initscr, but an unknown terminal type is an answer (ERR), not an exit with ncurses' own message.
static inline int tfd_newterm(const char *type) {
    SCREEN *screen = newterm(type, stdout, stdin);
    if (screen == NULL) return ERR;
    set_term(screen);
    return OK;
}
/// Whether the terminal can put the cursor anywhere (a "dumb" terminal cannot host a full-screen program).
static inline int tfd_can_address(void) {
    const char *cup = tigetstr("cup");
    return cup != NULL && cup != (const char *)-1;
}

/// Colour pairs with colour numbers beyond a short (direct-colour terminals number colours as 0xRRGGBB).
static inline int tfd_init_pair(int pair, int fg, int bg) {
#if NCURSES_EXT_COLORS
    return init_extended_pair(pair, fg, bg);
#else
    return init_pair((short)pair, (short)fg, (short)bg);
#endif
}

/// Mouse (only with --mouse): clicks, double clicks and the wheel (buttons 4 and 5).
static inline int tfd_key_mouse(void) { return KEY_MOUSE; }
static inline void tfd_enable_mouse(void) {
    mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
}
/// Whether ncurses decodes the terminal's mouse reports in SGR mode (1006) itself: its terminfo entry's mouse key
/// starts the SGR report (xterm's), not the X10 one (tmux's, screen's).
static inline int tfd_mouse_speaks_sgr(void) {
    const char *kmous = tigetstr("kmous");
    return kmous != 0 && kmous != (char *)-1 && strncmp(kmous, "\033[<", 3) == 0;
}
/// 1 click, 2 double click, 4 wheel up, 5 wheel down, 0 anything else; -1 when no event could be read.
static inline int tfd_get_mouse(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return -1;
    *x = event.x;
    *y = event.y;
    if (event.bstate & BUTTON1_DOUBLE_CLICKED) return 2;
    if (event.bstate & BUTTON1_CLICKED) return 1;
    if (event.bstate & BUTTON4_PRESSED) return 4;
#ifdef BUTTON5_PRESSED
    if (event.bstate & BUTTON5_PRESSED) return 5;
#endif
    return 0;
}

#endif
