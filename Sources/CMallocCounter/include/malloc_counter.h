#ifndef TFD_MALLOC_COUNTER_H
#define TFD_MALLOC_COUNTER_H

/// Calls into the allocator (malloc, calloc, realloc, posix_memalign, aligned_alloc) since the process started;
/// 0 on a system where the counter cannot forward to the C library's own allocator.
unsigned long long tfd_allocations(void);

#endif
