import Foundation

/// Off-screen measurement of the dashboard's per-frame work (`scripts/bench-tui.sh`): what the UI
/// loop does every tick minus the terminal I/O, i.e. copy the data, re-anchor the selection,
/// build the frame. No terminal is needed.
public enum DashboardBenchmark {
    /// Result of `measure`: per-frame durations in milliseconds, sorted.
    public struct Result: Sendable {
        public var frameMilliseconds: [Double]
        public var events: Int
        public var queueTotal: Int

        public var median: Double { percentile(0.5) }
        public var p95: Double { percentile(0.95) }

        func percentile(_ p: Double) -> Double {
            guard !frameMilliseconds.isEmpty else { return 0 }
            return frameMilliseconds[min(frameMilliseconds.count - 1, Int(Double(frameMilliseconds.count - 1) * p))]
        }
    }

    /// Starts `dataSource`, waits (up to `timeout`) until it has loaded the queue, then renders
    /// `frames` frames of `width` × `height`, moving the selection every frame so the work is not
    /// trivially the same.
    public static func measure(
        dataSource: any DashboardDataSource, width: Int = 120, height: Int = 40, frames: Int = 1000,
        timeout: Duration = .seconds(30)
    ) async -> Result {
        dataSource.start()
        defer { dataSource.stop() }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var state = UIState()
        let layout = Layout(width: width, height: height)
        state.normalize(data: dataSource.snapshot(), layout: layout, now: Date())
        dataSource.request(pages: state.pageRequests())
        while dataSource.snapshot().queue.total == 0 || (dataSource.snapshot().pages[.events]?.rows.isEmpty ?? true),
            clock.now < deadline
        {
            try? await Task.sleep(for: .milliseconds(50))
        }
        var times: [Double] = []
        times.reserveCapacity(frames)
        var sink = 0
        for i in 0..<frames {
            let start = clock.now
            let data = dataSource.snapshot()
            let now = Date()
            if i % 10 == 0 { _ = state.handle(i % 20 == 0 ? .down : .up, data: data, layout: layout, now: now) }
            // The full work of a tick whose data changed: rows, selection, frame (no caching).
            let rows = state.rowSet(data: data, now: now)
            state.normalize(rowSet: rows, layout: layout)
            let canvas = Renderer.render(data: data, state: state, width: width, height: height, now: now, rows: rows)
            sink &+= canvas.runs(row: i % height).count
            let elapsed = clock.now - start
            times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
        }
        if sink == -1 { print(sink) }  // keep the work observable
        let data = dataSource.snapshot()
        return Result(
            frameMilliseconds: times.sorted(), events: data.pages.values.reduce(0) { $0 + $1.rows.count },
            queueTotal: data.queue.total)
    }
}
