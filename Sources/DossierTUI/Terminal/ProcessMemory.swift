import CNCursesW

/// Memory settings of the long-running dashboard process.
public enum ProcessMemory {
    /// Two malloc arenas instead of glibc's default of up to eight per core: the dashboard allocates from a few
    /// threads, and fewer arenas keep its resident memory ~3 MB lower (58.9 → 56.1 MB after the start-up scan of 412
    /// features, release) with no lock contention to speak of. Call first thing, before threads allocate.
    public static func limitMallocArenas(_ count: Int32 = 2) {
        _ = ncs_limit_malloc_arenas(count)
    }
}
