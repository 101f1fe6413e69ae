import Foundation

/// Off-screen measurement of the dashboard's per-frame work (`scripts/bench-tui.sh`): what the UI
/// loop does every tick minus the terminal I/O, i.e. copy the data, re-anchor the selection,
/// build the frame. No terminal is needed.
public enum DashboardBenchmark {
    /// Frame durations of one kind, in milliseconds, sorted.
    public struct Timings: Sendable {
        public var milliseconds: [Double]

        public var median: Double { percentile(0.5) }
        public var p95: Double { percentile(0.95) }

        func percentile(_ p: Double) -> Double {
            guard !milliseconds.isEmpty else { return 0 }
            return milliseconds[min(milliseconds.count - 1, Int(Double(milliseconds.count - 1) * p))]
        }
    }

    /// Result of `measure`.
    public struct Result: Sendable {
        /// Frames after a scan changed the data: every pane's rows rebuilt (no cache), selection, frame.
        public var dataChange: Timings
        /// Frames while events arrive (the queue's counts and pages change every frame, the scan's results do
        /// not), through the UI loop's cache: the event panes' rows, selection, frame.
        public var eventsArriving: Timings
        /// Of those, the frames the cache built (each one should be: the data changed every frame).
        public var eventsArrivingBuilt: Int
        /// The floor: drawing the frame alone from rows already built (no row, no selection work).
        public var drawOnly: Timings
        /// Rows loaded in the paged windows, and the queue's total.
        public var events: Int
        public var queueTotal: Int
        /// Features listed (after the start-up scan) and the rows of the Artifacts pane.
        public var features: Int
        public var artifactRows: Int
    }

    /// Starts `dataSource`, waits (up to `timeout`) until it has loaded the queue and finished its start-up scan,
    /// then renders `frames` frames of `width` × `height` of each kind, moving the selection every tenth frame so
    /// the work is not trivially the same.
    public static func measure(
        dataSource: any DashboardDataSource, width: Int = 120, height: Int = 40, frames: Int = 1000,
        timeout: Duration = .seconds(60)
    ) async -> Result {
        dataSource.start()
        defer { dataSource.stop() }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var state = UIState()
        let layout = Layout(width: width, height: height)
        state.normalize(data: dataSource.snapshot(), layout: layout, now: Date())
        dataSource.request(pages: state.pageRequests())
        while clock.now < deadline {
            let data = dataSource.snapshot()
            let loaded = data.queue.total > 0 && !(data.pages[.events]?.rows.isEmpty ?? true)
            if loaded && !data.features.isEmpty && data.activity == nil { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        var sink = 0
        func time(_ body: () -> Void) -> Double {
            let start = clock.now
            body()
            let elapsed = clock.now - start
            return Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        }

        var changed: [Double] = []
        changed.reserveCapacity(frames)
        for i in 0..<frames {
            changed.append(
                time {
                    let data = dataSource.snapshot()
                    let now = Date()
                    if i % 10 == 0 { _ = state.handle(i % 20 == 0 ? .down : .up, data: data, layout: layout, now: now) }
                    // The full work of a tick whose data all changed: rows of every pane, selection, frame.
                    let rows = state.rowSet(data: data, now: now)
                    state.normalize(rowSet: rows, layout: layout)
                    let canvas = Renderer.render(
                        data: data, state: state, width: width, height: height, now: now, rows: rows)
                    sink &+= canvas.runs(row: i % height).count
                })
        }

        var arriving: [Double] = []
        arriving.reserveCapacity(frames)
        var cache = FrameCache()
        var built = 0
        var data = dataSource.snapshot()
        for i in 0..<frames {
            arriving.append(
                time {
                    // An event arrived: new counts (a new revision), as the data source publishes them.
                    data.queue.pending &+= 1
                    let now = Date()
                    if i % 10 == 0 { _ = state.handle(i % 20 == 0 ? .down : .up, data: data, layout: layout, now: now) }
                    let canvas = cache.frame(
                        data: data, state: &state, width: width, height: height, now: now,
                        build: {
                            Renderer.render(
                                data: data, state: $0, width: width, height: height, now: now, rows: $1)
                        })
                    if let canvas {
                        built += 1
                        sink &+= canvas.runs(row: i % height).count
                    }
                })
        }
        var drawn: [Double] = []
        drawn.reserveCapacity(frames)
        let rows = state.rowSet(data: data, now: Date())
        for i in 0..<frames {
            drawn.append(
                time {
                    data.queue.pending &+= 1
                    let canvas = Renderer.render(
                        data: data, state: state, width: width, height: height, now: Date(), rows: rows)
                    sink &+= canvas.runs(row: i % height).count
                })
        }
        if sink == -1 { print(sink) }  // keep the work observable
        data = dataSource.snapshot()
        return Result(
            dataChange: Timings(milliseconds: changed.sorted()),
            eventsArriving: Timings(milliseconds: arriving.sorted()),
            eventsArrivingBuilt: built, drawOnly: Timings(milliseconds: drawn.sorted()),
            events: data.pages.values.reduce(0) { $0 + $1.rows.count }, queueTotal: data.queue.total,
            features: data.features.count, artifactRows: state.rowSet(data: data, now: Date()).totals[.artifacts] ?? 0)
    }
}
