// Counts the process's calls into the allocator for tfdrift-bench's allocations row, forwarding each to glibc's own
// entry points. Linked into the benchmark only: defining malloc in the executable takes precedence over the C
// library's for every shared library too (the Swift runtime included), which is what a count needs. Twenty lines
// instead of package-benchmark's harness and interposer, for one number.
#include <stddef.h>
#include <stdatomic.h>
#include "malloc_counter.h"

#if defined(__GLIBC__)
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static _Atomic unsigned long long calls;

static inline void counted(void) { atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed); }

void *malloc(size_t size) { counted(); return __libc_malloc(size); }
void *calloc(size_t count, size_t size) { counted(); return __libc_calloc(count, size); }
void *realloc(void *pointer, size_t size) { counted(); return __libc_realloc(pointer, size); }
void *aligned_alloc(size_t alignment, size_t size) { counted(); return __libc_memalign(alignment, size); }

int posix_memalign(void **out, size_t alignment, size_t size) {
    counted();
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return 12;  // ENOMEM
    *out = pointer;
    return 0;
}

unsigned long long tfd_allocations(void) { return atomic_load_explicit(&calls, memory_order_relaxed); }
#else
unsigned long long tfd_allocations(void) { return 0; }
#endif
